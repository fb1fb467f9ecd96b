import Foundation
import GitStore

/// How Baton reaches the manifests' remote: from the environment, never from git (keys are secrets, and a
/// repository must not be able to say whom to trust).
package enum RemoteConfiguration {
    package static let variables = [
        "BATON_GIT_SSH_KEY": "the client's private key file for ssh:// remotes",
        "BATON_GIT_HOST_KEY": "the remote's pinned host key line (ssh-ed25519 AAAA...)",
        "BATON_GIT_KNOWN_HOSTS": "a known_hosts file, when no host key is pinned (default ~/.ssh/known_hosts)",
    ]

    package static func options(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RemoteOptions
    {
        RemoteOptions(
            privateKey: environment["BATON_GIT_SSH_KEY"], hostKey: environment["BATON_GIT_HOST_KEY"],
            knownHosts: environment["BATON_GIT_KNOWN_HOSTS"])
    }
}
