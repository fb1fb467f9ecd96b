import Crypto
import Foundation

/// Whether a webhook came from who holds the secret: GitHub's and the generic hook's HMAC-SHA256 of the raw body
/// (`X-Hub-Signature-256: sha256=<hex>`), GitLab's token (`X-Gitlab-Token`). Both compared in constant time, so
/// the time of a refusal says nothing of how much of a guess was right.
package struct WebhookVerifier: Sendable {
    /// Bodies larger than this are refused before they are read whole.
    package static let maxBody = 1 << 20

    /// Kept as bytes: swift-crypto's key and digest types are not Sendable; each check makes its own.
    private let secret: [UInt8]

    package init(secret: [UInt8]) {
        self.secret = secret
    }

    /// `header` as sent: `sha256=` and 64 hex digits.
    package func verifySignature(body: [UInt8], header: String?) -> Bool {
        guard let header, header.hasPrefix("sha256="), let mac = Self.bytes(hex: header.dropFirst(7)),
            mac.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: secret))
    }

    /// GitLab sends the secret itself. Compared as digests: equal lengths, and swift-crypto compares digests in
    /// constant time.
    package func verifyToken(_ token: String?) -> Bool {
        guard let token else { return false }
        return SHA256.hash(data: Array(token.utf8)) == SHA256.hash(data: secret)
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }
}
