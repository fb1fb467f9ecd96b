/// How to reach a remote over ssh://: the client key, and which host key to trust.
package struct RemoteOptions: Sendable, Hashable, CustomStringConvertible {
    /// Client key for ssh:// (private key file; the public key file defaults to privateKey + ".pub" when it
    /// exists). Without one, the ssh-agent's keys are offered.
    package var privateKey: String?
    package var publicKey: String?
    package var passphrase: String?
    /// A pinned host key line ("ssh-ed25519 AAAA..."): the server's key must match it byte for byte.
    package var hostKey: String?
    /// A known_hosts file to check the host key against when no key is pinned (default ~/.ssh/known_hosts); an
    /// unknown host is refused (no trust on first use).
    package var knownHosts: String?

    package init(
        privateKey: String? = nil, publicKey: String? = nil, passphrase: String? = nil, hostKey: String? = nil,
        knownHosts: String? = nil
    ) {
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.passphrase = passphrase
        self.hostKey = hostKey
        self.knownHosts = knownHosts
    }

    /// Never the passphrase: options end up in logs.
    package var description: String {
        var parts: [String] = []
        if let privateKey { parts.append("privateKey: \(privateKey)") }
        if let publicKey { parts.append("publicKey: \(publicKey)") }
        if passphrase != nil { parts.append("passphrase: <redacted>") }
        if let hostKey { parts.append("hostKey: \(hostKey)") }
        if let knownHosts { parts.append("knownHosts: \(knownHosts)") }
        return "RemoteOptions(\(parts.joined(separator: ", ")))"
    }
}
