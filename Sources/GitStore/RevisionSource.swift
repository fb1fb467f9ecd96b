import Manifests

/// The manifests of one commit, read from the object database by blob id.
public struct RevisionSource: ManifestSource {
    public let repository: GitRepository
    public let commit: ObjectID
    /// Manifest paths to their blobs: the blob id is also a cache key, as content addresses go.
    public let blobs: [String: ObjectID]
    /// Manifest paths that cannot be read as manifests (a link `LinkRule` refuses), with why.
    public var problems: [String: ManifestReadError] = [:]

    public func manifestPaths() -> [String] {
        (Array(blobs.keys) + Array(problems.keys)).sorted()
    }

    public func contentID(_ path: String) -> String? { blobs[path]?.description }

    public func read(_ path: String) throws -> [UInt8] {
        if let problem = problems[path] { throw problem }
        guard let id = blobs[path] else { throw SourceError("\(path): not in revision \(commit)") }
        return try repository.read(id)
    }
}
