import Crypto
import Foundation

/// `sha256=<hex>` for a body, as GitHub signs: for tests that send bodies of their own.
enum HMACHex {
    static func sha256(key: [UInt8], body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
