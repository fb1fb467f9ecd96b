/// The client key to authenticate with. ed25519 and ECDSA keys in OpenSSH format work with any OpenSSH server;
/// libssh2 1.10 signs RSA keys only with SHA-1 ("ssh-rsa"), which OpenSSH 8.8 and later refuse by default.
public struct SSHCredentials: Sendable, Hashable, CustomStringConvertible {
    public var privateKeyPath: String
    /// Only needed when libssh2 cannot derive the public key from the private one.
    public var publicKeyPath: String?
    public var passphrase: String?

    public init(privateKeyPath: String, publicKeyPath: String? = nil, passphrase: String? = nil) {
        self.privateKeyPath = privateKeyPath
        self.publicKeyPath = publicKeyPath
        self.passphrase = passphrase
    }

    /// Names the files only, so logging credentials never leaks the passphrase.
    public var description: String {
        var text = "key \(privateKeyPath)"
        if let publicKeyPath { text += " (public \(publicKeyPath))" }
        if passphrase != nil { text += " with a passphrase" }
        return text
    }
}
