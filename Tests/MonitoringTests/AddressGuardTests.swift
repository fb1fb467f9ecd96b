import Foundation
import Manifests
import TestSupport
import XCTest

@testable import Monitoring

/// The server-side request forgery guard. The address table runs anywhere; everything that opens a connection
/// runs in `SealedNamespaceTests`, re-executed by `testGuardInASealedNamespace` inside a network namespace of
/// its own with only a loopback interface and /etc/hosts and /etc/resolv.conf bind-mounted from files: a guard
/// that fails can reach nothing outside this machine.
final class AddressGuardTests: XCTestCase {
    func testAddressTable() {
        let refused = [
            "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
            "::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
            "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::", "2002:c0a8:101::1", "fe80::1", "fc00::1",
            "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "2001::1", "100::1", "3fff::1", "4000::1",
        ]
        for text in refused {
            guard let address = IPAddress(text) else {
                XCTFail("\(text) does not parse")
                continue
            }
            XCTAssertNotNil(AddressPolicy.nonPublicReason(address), "\(text) must be refused")
        }
        let allowed = [
            "1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "169.253.0.1",
            "2a00:1450:4001:80b::200e", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
        ]
        for text in allowed {
            XCTAssertNil(AddressPolicy.nonPublicReason(IPAddress(text)!), "\(text) is public")
        }
        XCTAssertTrue(AddressPolicy.nonPublicReason(IPAddress("::ffff:127.0.0.1")!)!.contains("127.0.0.1"))
    }

    func testFileResolverGuardRefusesBeforeAnyConnection() async throws {
        // No server at all: a refusal must come from the guard, before TCP.
        var spec = MonitoredSiteSpec(account: "acme", url: "http://mapped.test:9/")
        spec.timeout = .seconds(2)
        let checker = try SiteChecker(resolver: FileResolver(hostsFile: "::ffff:127.0.0.1 mapped.test"))
        let result = await checker.check(name: "s", spec: spec)
        XCTAssertEqual(result.failure?.failureClass, .refusedPrivate)
        XCTAssertEqual(result.steps.map(\.step), [.dns])
        XCTAssertTrue(result.failure!.explanation.contains("::ffff:127.0.0.1"), result.failure!.explanation)
        XCTAssertTrue(result.failure!.hint.contains("allowPrivate: true"))
    }

    func testGuardInASealedNamespace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-sealed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try SealedNamespaceTests.hosts.write(to: dir.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        // The only name server is on the namespace's own loopback, where nothing listens.
        try "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n".write(
            to: dir.appendingPathComponent("resolv.conf"), atomically: true, encoding: .utf8)
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let script = [
            "set -e", "ip link set lo up",
            // Addresses of the test's "public" host and of the metadata service, on the sealed loopback only.
            "ip addr add \(SealedNamespaceTests.publicAddress)/32 dev lo",
            "ip addr add 169.254.169.254/32 dev lo",
            "mount --bind \(dir.path)/hosts /etc/hosts", "mount --bind \(dir.path)/resolv.conf /etc/resolv.conf",
            "exec env BATON_MONITOR_SEALED=1 \(binary) MonitoringTests.SealedNamespaceTests 2>&1",
        ].joined(separator: "\n")
        let result = try ProcessRunner.run(
            "/usr/bin/unshare", ["--net", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script],
            in: dir)
        let output = result.stdout
        XCTAssertEqual(result.status, 0, output)
        // Every test of the sealed suite ran and passed (none skipped, none missing).
        let passed = output.components(separatedBy: "\n").filter {
            $0.contains("Test Case 'SealedNamespaceTests.") && $0.contains("' passed")
        }
        XCTAssertEqual(passed.count, SealedNamespaceTests.testCount, output)
        XCTAssertFalse(output.contains("skipped"), output)
    }
}

/// Runs only inside the namespace that `testGuardInASealedNamespace` makes (skipped anywhere else), against the
/// system resolver reading the bind-mounted /etc/hosts.
final class SealedNamespaceTests: XCTestCase {
    static let publicAddress = "1.2.3.4"
    static let testCount = 7
    static let hosts = """
        127.0.0.1 loop.test
        ::ffff:127.0.0.1 mapped.test
        \(publicAddress) public.test
        \(publicAddress) rebind.test
        127.0.0.1 rebind.test

        """

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["BATON_MONITOR_SEALED"] == "1" else {
            throw XCTSkip("runs inside the sealed namespace only (AddressGuardTests.testGuardInASealedNamespace)")
        }
        // Sealed means: the loopback interface and nothing else.
        // /proc/self/net is this process's own network namespace (/sys/class/net may show the mounter's).
        let table = try String(contentsOfFile: "/proc/self/net/dev", encoding: .utf8)
        let interfaces = table.split(separator: "\n").dropFirst(2).compactMap {
            $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces)
        }.sorted()
        guard interfaces == ["lo"] else {
            fatalError("not sealed: interfaces \(interfaces); refusing to run checks that could leave the machine")
        }
    }

    func spec(_ url: String, allowPrivate: Bool) -> MonitoredSiteSpec {
        var spec = MonitoredSiteSpec(account: "acme", url: url)
        spec.allowPrivate = allowPrivate
        spec.timeout = .seconds(3)
        return spec
    }

    func check(_ url: String, allowPrivate: Bool = false) async throws -> CheckResult {
        try await SiteChecker(resolver: SystemResolver()).check(name: "s", spec: spec(url, allowPrivate: allowPrivate))
    }

    func testLoopbackNameIsRefusedUnlessAllowed() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [], body: "inside") }
        defer { server.stop() }
        let refused = try await check("http://loop.test:\(server.port)/")
        XCTAssertEqual(refused.failure?.failureClass, .refusedPrivate, CheckReport.text(refused))
        XCTAssertTrue(refused.failure!.explanation.contains("127.0.0.1"))
        XCTAssertEqual(server.connections.withLockedValue { $0 }, 0, "refused before connecting")
        let allowed = try await check("http://loop.test:\(server.port)/", allowPrivate: true)
        XCTAssertNil(allowed.failure, CheckReport.text(allowed))
    }

    func testMappedLoopbackIsRefusedUnlessAllowed() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [], body: "inside") }
        defer { server.stop() }
        for url in ["http://mapped.test:\(server.port)/", "http://[::ffff:127.0.0.1]:\(server.port)/"] {
            let refused = try await check(url)
            XCTAssertEqual(refused.failure?.failureClass, .refusedPrivate, CheckReport.text(refused))
        }
        XCTAssertEqual(server.connections.withLockedValue { $0 }, 0)
        let allowed = try await check("http://[::ffff:127.0.0.1]:\(server.port)/", allowPrivate: true)
        XCTAssertNil(allowed.failure, CheckReport.text(allowed))
    }

    func testRedirectToTheMetadataServiceIsRefusedUnlessAllowed() async throws {
        let metadata = try TestHTTPServer(host: "169.254.169.254", port: 80) { _ in
            .respond(status: 200, headers: [], body: "secret-token")
        }
        defer { metadata.stop() }
        let site = try TestHTTPServer(host: Self.publicAddress) { _ in
            .respond(status: 302, headers: [("Location", "http://169.254.169.254/")], body: "")
        }
        defer { site.stop() }
        let refused = try await check("http://public.test:\(site.port)/")
        XCTAssertEqual(refused.failure?.failureClass, .refusedPrivate, CheckReport.text(refused))
        XCTAssertTrue(refused.failure!.explanation.contains("A redirect led to 169.254.169.254"))
        XCTAssertEqual(site.requestCount, 1, "the public host itself was checked")
        XCTAssertEqual(metadata.connections.withLockedValue { $0 }, 0, "the metadata service was never reached")
        let allowed = try await check("http://public.test:\(site.port)/", allowPrivate: true)
        XCTAssertNil(allowed.failure, CheckReport.text(allowed))
        XCTAssertEqual(metadata.requestCount, 1)
    }

    func testPublicAddressPasses() async throws {
        let site = try TestHTTPServer(host: Self.publicAddress) { _ in .respond(status: 200, headers: [], body: "ok") }
        defer { site.stop() }
        let result = try await check("http://public.test:\(site.port)/")
        XCTAssertNil(result.failure, CheckReport.text(result))
        XCTAssertEqual(result.ip?.description, Self.publicAddress)
    }

    func testANameWithAPrivateAddressAmongPublicOnesIsRefused() async throws {
        let site = try TestHTTPServer(host: Self.publicAddress) { _ in .respond(status: 200, headers: [], body: "ok") }
        defer { site.stop() }
        let result = try await check("http://rebind.test:\(site.port)/")
        XCTAssertEqual(result.failure?.failureClass, .refusedPrivate, CheckReport.text(result))
        XCTAssertEqual(site.connections.withLockedValue { $0 }, 0)
    }

    func testAnAddressWithNoRouteIsHostUnreachable() async throws {
        // The sealed namespace has no route but its loopback: the kernel answers at once.
        let result = try await check("http://10.213.255.1/", allowPrivate: true)
        XCTAssertEqual(result.failure?.failureClass, .hostUnreachable, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("No route to 10.213.255.1"))
    }

    func testANameThatDoesNotResolveThroughTheSystemResolver() async throws {
        let result = try await check("http://nowhere.test/")
        XCTAssertEqual(result.failure?.failureClass, .dnsUnresolvable, CheckReport.text(result))
        XCTAssertEqual(result.steps.map(\.step), [.dns])
    }
}
