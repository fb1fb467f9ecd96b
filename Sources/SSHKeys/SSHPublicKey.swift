import Foundation

/// A public key in the SSH wire format (the bytes a key line's base64 holds), which names its own type; compared
/// byte for byte. Shared by the SSH transport (servers' pinned host keys) and the git remotes (ssh:// host keys).
package struct SSHPublicKey: Equatable, Sendable {
    package var blob: [UInt8]

    package init(blob: [UInt8]) { self.blob = blob }

    /// The key of a line "type base64 [comment]", also with host patterns or a marker before it: the first pair of
    /// fields whose base64 decodes to a blob of that same type, so a comment can never be taken for the key.
    package init?(line: some StringProtocol) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        for (type, base64) in zip(fields, fields.dropFirst()) {
            guard let data = Data(base64Encoded: String(base64)) else { continue }
            let key = SSHPublicKey(blob: [UInt8](data))
            if key.type == String(type) {
                self = key
                return
            }
        }
        return nil
    }

    /// The first string of the blob: "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa".
    package var type: String {
        guard blob.count >= 4 else { return "unknown" }
        let length = blob.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard length <= blob.count - 4 else { return "unknown" }
        return String(decoding: blob[4..<4 + length], as: UTF8.self)
    }

    /// "type base64", the form both sides of a host key mismatch are named in.
    package var text: String { "\(type) \(Data(blob).base64EncodedString())" }
}
