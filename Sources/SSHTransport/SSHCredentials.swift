/// The client key to authenticate with. ed25519 and ECDSA keys in OpenSSH format work with any OpenSSH server;
/// libssh2 1.10 signs RSA keys only with SHA-1 ("ssh-rsa"), which OpenSSH 8.8 and later refuse by default.
package struct SSHCredentials: Sendable, Hashable, CustomStringConvertible {
    package var privateKeyPath: String
    /// Only needed when libssh2 cannot derive the public key from the private one.
    package var publicKeyPath: String?
    package var passphrase: String?

    package init(privateKeyPath: String, publicKeyPath: String? = nil, passphrase: String? = nil) {
        self.privateKeyPath = privateKeyPath
        self.publicKeyPath = publicKeyPath
        self.passphrase = passphrase
    }

    /// Names the files only, so logging credentials never leaks the passphrase.
    package var description: String {
        var text = "key \(privateKeyPath)"
        if let publicKeyPath { text += " (public \(publicKeyPath))" }
        if passphrase != nil { text += " with a passphrase" }
        return text
    }
}
