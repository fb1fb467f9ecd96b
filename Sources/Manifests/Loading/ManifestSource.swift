/// Where manifest files come from: a directory now, a git revision later. Paths are relative to the root.
package protocol ManifestSource: Sendable {
    /// Every manifest path, sorted.
    func manifestPaths() throws -> [String]
    func read(_ path: String) throws -> [UInt8]
    /// An id of the file's content (a git blob id) when the source has one cheaply: the parse cache's key.
    func contentID(_ path: String) -> String?
}

extension ManifestSource {
    package func contentID(_ path: String) -> String? { nil }
}

package struct SourceError: Error, CustomStringConvertible, Sendable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// Manifests held in memory: for tests and for callers that already have the bytes.
package struct InMemorySource: ManifestSource {
    package var files: [String: [UInt8]]

    package init(_ files: [String: String]) {
        self.files = files.mapValues { Array($0.utf8) }
    }

    package func manifestPaths() -> [String] { files.keys.filter(ManifestPath.isManifest).sorted() }

    package func read(_ path: String) throws -> [UInt8] {
        guard let bytes = files[path] else { throw SourceError("\(path): no such file") }
        return bytes
    }
}

package enum ManifestPath {
    /// `baton.yaml` at the root configures Baton and is no manifest.
    package static func isManifest(_ path: String) -> Bool {
        (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) && path != RepositoryConfig.fileName
    }
}
