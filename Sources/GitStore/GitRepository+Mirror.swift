import CGit2
import Foundation

extension GitRepository {
    /// The bare mirror a daemon keeps of a remote repository (`stateDir/mirror.git`): made on first use, with
    /// `origin` set to `url` (changed when the configuration names another URL). Nothing is fetched here.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func mirror(at path: String, of url: String) throws -> GitRepository {
        GitLibrary.start()
        if !FileManager.default.fileExists(atPath: path + "/HEAD") {
            var handle: OpaquePointer?
            try GitError.check(git_repository_init(&handle, path, 1), "git_repository_init(\(path))")
            git_repository_free(handle)
        }
        let repository = try GitRepository(path: path)
        try repository.handles.use { repo in
            var remote: OpaquePointer?
            if git_remote_lookup(&remote, repo, "origin") == 0 {
                let current = git_remote_url(remote).map { String(cString: $0) }
                git_remote_free(remote)
                if current != url {
                    try GitError.check(git_remote_set_url(repo, "origin", url), "setting origin's URL")
                }
            } else {
                try GitError.check(git_remote_create(&remote, repo, "origin", url), "adding origin \(url)")
                git_remote_free(remote)
            }
        }
        return repository
    }
}
