/// The server-side request forgery guard: which addresses a monitored site may reach. Loopback, private,
/// link-local (where cloud metadata services answer), shared, reserved, documentation and multicast ranges are
/// not public; IPv6 forms that embed an IPv4 address are judged by that address.
package enum AddressPolicy {
    /// Nil for a public address; else why it is not, in words for the explanation.
    package static func nonPublicReason(_ address: IPAddress) -> String? {
        if let v4 = address.embeddedIPv4 {
            guard let reason = nonPublicReason(v4) else {
                // 6to4 and NAT64 of a public address are still relays the monitor has no business using
                // unless the plain address is public: judge by the embedded one.
                return nil
            }
            return "an IPv6 form of \(v4), \(reason)"
        }
        let b = address.bytes
        if address.isIPv4 {
            for (prefix, length, reason) in v4Ranges where matches(b, prefix, length) { return reason }
            return nil
        }
        for (prefix, length, reason) in v6Ranges where matches(b, prefix, length) { return reason }
        // Only 2000::/3 is global unicast; anything else is unassigned or special.
        if b[0] & 0xe0 != 0x20 { return "outside the global unicast range 2000::/3" }
        return nil
    }

    static func matches(_ bytes: [UInt8], _ prefix: [UInt8], _ length: Int) -> Bool {
        var remaining = length
        for (i, p) in prefix.enumerated() where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xff : ~(0xff >> UInt8(bits))
            if bytes[i] & mask != p & mask { return false }
            remaining -= bits
        }
        return true
    }

    static let v4Ranges: [([UInt8], Int, String)] = [
        ([0, 0, 0, 0], 8, "an address of 'this network' (0.0.0.0/8)"),
        ([10, 0, 0, 0], 8, "a private address (10.0.0.0/8)"),
        ([100, 64, 0, 0], 10, "a carrier-grade NAT address (100.64.0.0/10)"),
        ([127, 0, 0, 0], 8, "a loopback address: the monitor's own machine"),
        ([169, 254, 0, 0], 16, "a link-local address (cloud metadata services answer at 169.254.169.254)"),
        ([172, 16, 0, 0], 12, "a private address (172.16.0.0/12)"),
        ([192, 0, 0, 0], 24, "an IETF protocol address (192.0.0.0/24)"),
        ([192, 0, 2, 0], 24, "a documentation address (192.0.2.0/24)"),
        ([192, 88, 99, 0], 24, "a 6to4 relay address (192.88.99.0/24)"),
        ([192, 168, 0, 0], 16, "a private address (192.168.0.0/16)"),
        ([198, 18, 0, 0], 15, "a benchmarking address (198.18.0.0/15)"),
        ([198, 51, 100, 0], 24, "a documentation address (198.51.100.0/24)"),
        ([203, 0, 113, 0], 24, "a documentation address (203.0.113.0/24)"),
        ([224, 0, 0, 0], 4, "a multicast address"),
        ([240, 0, 0, 0], 4, "a reserved address (240.0.0.0/4, including broadcast)"),
    ]

    static let v6Ranges: [([UInt8], Int, String)] = [
        (
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128,
            "the IPv6 loopback address: the monitor's own machine"
        ),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address"),
        ([0, 0], 16, "a reserved IPv6 address (::/16)"),
        ([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, "a local-use NAT64 address (64:ff9b:1::/48)"),
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "a discard-only address (100::/64)"),
        ([0x20, 0x01, 0x0d, 0xb8], 32, "a documentation address (2001:db8::/32)"),
        ([0x20, 0x01, 0x00, 0x00], 32, "a Teredo tunnel address (2001::/32)"),
        ([0x20, 0x01, 0x00, 0x00], 23, "an IETF protocol address (2001::/23)"),
        ([0x3f, 0xff], 20, "a documentation address (3fff::/20)"),
        ([0xfc, 0x00], 7, "a unique local (private) IPv6 address (fc00::/7)"),
        ([0xfe, 0x80], 10, "a link-local IPv6 address (fe80::/10)"),
        ([0xfe, 0xc0], 10, "a site-local IPv6 address (fec0::/10)"),
        ([0xff, 0x00], 8, "a multicast address"),
    ]
}
