import Manifests

/// The manifests of one commit, read from the object database by blob id.
package struct RevisionSource: ManifestSource {
    package let repository: GitRepository
    package let commit: ObjectID
    /// Manifest paths to their blobs: the blob id is also a cache key, as content addresses go.
    package let blobs: [String: ObjectID]
    /// Manifest paths that cannot be read as manifests (a link `LinkRule` refuses), with why.
    package var problems: [String: ManifestReadError] = [:]

    package func manifestPaths() -> [String] {
        (Array(blobs.keys) + Array(problems.keys)).sorted()
    }

    package func contentID(_ path: String) -> String? { blobs[path]?.description }

    package func read(_ path: String) throws -> [UInt8] {
        if let problem = problems[path] { throw problem }
        guard let id = blobs[path] else { throw SourceError("\(path): not in revision \(commit)") }
        return try repository.read(id)
    }
}
