import Foundation

/// Address checks for A and AAAA records and Server addresses.
public enum IPAddress {
    /// Strict dotted quad: four decimal parts 0-255, no leading zeros (BIND and inet_aton disagree on those).
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                !(part.count > 1 && part.hasPrefix("0")), let n = Int(part)
            else { return false }
            return n <= 255
        }
    }

    public static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":"), s.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        var buffer = in6_addr()
        return inet_pton(AF_INET6, s, &buffer) == 1
    }

    /// Looks like an address someone meant (digits and dots), even when not a valid one.
    public static func looksLikeIPv4(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && s.contains(".")
    }
}
