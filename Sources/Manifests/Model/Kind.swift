/// The six kinds of resource a manifest can declare.
package enum Kind: String, CaseIterable, Sendable, Hashable, Comparable {
    case server = "Server"
    case account = "Account"
    case systemUser = "SystemUser"
    case domain = "Domain"
    case webApp = "WebApp"
    case monitoredSite = "MonitoredSite"

    package static let apiVersion = "baton/v1"

    /// The schema file name under `schemas/`.
    package var schemaFile: String { rawValue.lowercased() + ".schema.json" }

    package static func < (a: Kind, b: Kind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
