// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "baton", targets: ["baton"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The daemon: HTTP, lifecycle and signals, webhook signatures, metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Monitored sites: TLS, certificates, alert webhooks.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries: a modulemap and a shim header each, nothing else.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),

        // Support: the one locked-value type that threads share.
        .target(name: "Concurrency"),
        // Load: the manifest model and the YAML reader (the only Swift that sees libyaml pointers).
        .target(name: "Manifests", dependencies: ["CYAML", "Concurrency"]),
        // DNS zones: rendering, the master-file parser and built-in checker, named-checkzone.
        .target(name: "Zones", dependencies: ["Manifests", "Concurrency"]),
        // Validate: rules over the loaded resources.
        .target(name: "Validation", dependencies: ["Manifests", "Zones"]),
        // Source (libgit2) and the SSH transport (libssh2): the only Swift that sees their pointers.
        .target(name: "SSHKeys"),
        .target(name: "GitStore", dependencies: ["CGit2", "Manifests", "SSHKeys", "Concurrency"]),
        .target(name: "SSHTransport", dependencies: ["CSSH2", "SSHKeys", "Concurrency"]),
        // Plan: a pure function from the desired resources and the applied state to the changes.
        .target(name: "Planning", dependencies: ["Manifests", "Zones"]),
        // Apply: shell scripts rendered from plan changes, every value through one quoting function.
        .target(name: "Backends", dependencies: ["Manifests", "Planning"]),
        // Apply: one script per server over SSH, results read back from the markers.
        .target(name: "Apply", dependencies: ["Backends", "Planning", "SSHTransport"]),
        // Record: the status branch's files, read and written through GitStore.
        .target(name: "StatusStore", dependencies: ["GitStore", "Manifests", "Planning", "Concurrency"]),
        // The engine: plan a revision against the status branch, the session kept across revisions, the apply lock.
        // The CLI and the daemon both call it.
        .target(
            name: "Engine",
            dependencies: [
                "Manifests", "Validation", "Zones", "GitStore", "Planning", "StatusStore", "Backends", "Apply",
                "SSHTransport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's parts that need no engine: webhooks, its configuration, back-off and quarantine, the HTTP
        // endpoints.
        .target(
            name: "Daemon",
            dependencies: [
                "CMalloc", "Concurrency", "Manifests", "StatusStore", "GitStore", "Planning", "Engine", "Apply", "Monitoring",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Monitor: checks of monitored sites (DNS, TCP, TLS, HTTP, each classified), conditions, the scheduler,
        // alerts and the monitors/ files of the status branch. The daemon hosts it; `baton monitor` runs it once.
        .target(
            name: "Monitoring",
            dependencies: [
                "Manifests", "StatusStore", "GitStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Test helpers shared by test targets (an sshd on 127.0.0.1, git and other tools run to their end): no
        // XCTest, so that `swift build` builds it with the rest.
        .target(name: "TestSupport"),

        .executableTarget(
            name: "baton",
            dependencies: [
                "Manifests", "Validation", "Zones", "GitStore", "SSHTransport", "Planning", "StatusStore", "Backends",
                "Apply", "Engine", "Daemon", "Monitoring", "Concurrency",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds carry the Swift runtime and Foundation inside: resolving their symbols from shared
            // libraries took half of a one-file command's start-up (`check-zone`: 11 ms of CPU, 6.5 ms static;
            // named-checkzone takes 6-7 ms). Debug builds, which link often, stay dynamic. `-z now` (with the
            // RELRO the linker already does): the few C symbols left are bound at start and made read-only, the
            // hardening Debian builds its packages with (lintian's hardening-no-bindnow).
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-Xlinker", "-z", "-Xlinker", "now",
                        "-Xlinker", "--start-group", "-lFoundation", "-lCoreFoundation",
                        "-lFoundationInternationalization", "-lFoundationEssentials", "-l_FoundationICU",
                        "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization", "-lswiftDispatch",
                        "-ldispatch",
                        "-lBlocksRuntime", "-Xlinker", "--end-group", "-lstdc++",
                    ], .when(configuration: .release))
            ]
        ),

        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "TestSupport"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "Manifests", "TestSupport"]),
        .testTarget(
            name: "ZonesTests", dependencies: ["Zones", "Manifests", "TestSupport"],
            exclude: ["conformance-disagreements.tsv"]),
        .testTarget(
            name: "BatonCLITests",
            dependencies: [
                "Manifests", "Planning", "TestSupport", "Zones", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "GitStoreTests", dependencies: ["GitStore", "Manifests", "SSHKeys", "TestSupport"]),
        .testTarget(
            name: "BackendsTests",
            dependencies: ["Backends", "Apply", "SSHTransport", "Planning", "Manifests", "Zones", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Manifests", "Zones"]),
        .testTarget(
            name: "StatusStoreTests",
            dependencies: ["StatusStore", "GitStore", "Planning", "Manifests", "TestSupport", "Concurrency"]),
        .testTarget(name: "SSHTransportTests", dependencies: ["SSHTransport", "TestSupport"]),
        .testTarget(
            name: "MonitoringTests",
            dependencies: [
                "Monitoring", "Manifests", "StatusStore", "GitStore", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Engine", "Manifests", "StatusStore", "GitStore", "Planning", "SSHTransport", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
