import GitStore
import Manifests
import StatusStore

/// The repository's `baton.yaml` as of HEAD, for the commands that read the status branch without a revision.
package enum RepositoryConfigReader {
    package static func statusBranch(_ repository: GitRepository) throws -> String {
        guard let head = try? repository.resolve("HEAD") else { return StatusBranch.defaultName }
        return try Manifests.RepositoryConfig.parse(
            try repository.file(Manifests.RepositoryConfig.fileName, at: head.description) ?? []
        ).statusBranch
    }
}
