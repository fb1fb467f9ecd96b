import Foundation

/// Address checks for A and AAAA records and Server addresses.
package enum IPAddress {
    /// Strict dotted quad: four decimal parts 0-255, no leading zeros (BIND and inet_aton disagree on those).
    package static func isIPv4(_ s: String) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        var leadingZero = false
        for c in s.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                value = 0
                digits = 0
                leadingZero = false
                continue
            }
            guard c >= 48, c <= 57, digits < 3, !leadingZero else { return false }
            if digits == 0 { leadingZero = c == 48 } else { leadingZero = false }
            value = value * 10 + Int(c - 48)
            digits += 1
            guard value <= 255 else { return false }
        }
        return parts == 3 && digits > 0
    }

    package static func isIPv6(_ s: String) -> Bool {
        // By bytes: `inet_pton` reads ASCII only, so the fullwidth digits that `Character.isHexDigit` also admits
        // never made an address.
        guard s.hasByte(":"),
            s.utf8.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
        else { return false }
        var buffer = in6_addr()
        return inet_pton(AF_INET6, s, &buffer) == 1
    }

    /// Looks like an address someone meant (digits and dots), even when not a valid one.
    package static func looksLikeIPv4(_ s: String) -> Bool {
        // ASCII digits and dots are one byte and one Character each.
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") } && s.hasByte(".")
    }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }
}
