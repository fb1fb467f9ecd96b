import Foundation
import NIOSSL
import X509

/// Judges the chain a TLS server presented, in the order that helps a person most: dates first (an expired
/// certificate is the commonest outage and the simplest fix), then the name, then trust.
struct CertificateCheck: Sendable {
    var roots: CertificateStore

    func judge(_ chain: [NIOSSLCertificate], host: String, now: Date) async -> (CertificateInfo?, Failure?) {
        let parsed: [Certificate]
        do {
            parsed = try chain.map { try Certificate(derEncoded: try $0.toDERBytes()) }
        } catch {
            return (nil, Explain.tlsHandshake(host, detail: "the certificate could not be read: \(error)"))
        }
        guard let leaf = parsed.first else {
            return (nil, Explain.tlsHandshake(host, detail: "the server presented no certificate"))
        }
        let names = Self.dnsNames(leaf)
        let info = CertificateInfo(
            subjectNames: names.isEmpty ? [leaf.subject.description] : names, issuer: leaf.issuer.description,
            serial: Self.hex(leaf.serialNumber.bytes), notBefore: leaf.notValidBefore, notAfter: leaf.notValidAfter)
        if now > leaf.notValidAfter {
            let days = Int(now.timeIntervalSince(leaf.notValidAfter) / 86400)
            return (info, Explain.tlsExpired(host, notAfter: Self.day(leaf.notValidAfter), days: days))
        }
        if now < leaf.notValidBefore {
            return (info, Explain.tlsNotYetValid(host, notBefore: Self.day(leaf.notValidBefore)))
        }
        if !Self.matches(leaf, host: host) {
            return (info, Explain.tlsNameMismatch(host, names: names))
        }
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy(validationTime: now) }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(parsed.dropFirst()))
        switch result {
        case .validCertificate:
            return (info, nil)
        case .couldNotValidate(let failures):
            // An intermediate that expired reads as expired, not as untrusted.
            if let expired = parsed.dropFirst().first(where: { now > $0.notValidAfter }) {
                var failure = Explain.tlsExpired(
                    host, notAfter: Self.day(expired.notValidAfter),
                    days: Int(now.timeIntervalSince(expired.notValidAfter) / 86400))
                failure.explanation += " (the intermediate certificate \(expired.subject) in the chain)"
                return (info, failure)
            }
            let detail = failures.prefix(2).map { "\($0)" }.joined(separator: "; ")
            return (
                info, Explain.tlsUntrusted(host, issuer: leaf.issuer.description, detail: String(detail.prefix(400)))
            )
        }
    }

    /// `0a:1b:...`, as `openssl x509 -serial` and browsers show it (lower case, two digits a byte).
    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 15)]]) }.joined(separator: ":")
    }

    static func dnsNames(_ certificate: Certificate) -> [String] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap {
            switch $0 {
            case .dnsName(let name): return name
            case .ipAddress(let octets): return IPAddress(bytes: Array(octets.bytes))?.description
            default: return nil
            }
        }
    }

    /// RFC 6125: the subject alternative names only; a wildcard stands for exactly one whole left-most label.
    static func matches(_ certificate: Certificate, host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if let literal = IPAddress(host) {
            guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
            return names.contains {
                if case .ipAddress(let octets) = $0 { return Array(octets.bytes) == literal.bytes }
                return false
            }
        }
        for name in dnsNames(certificate) {
            let pattern = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            if pattern == host { return true }
            if pattern.hasPrefix("*."), let dot = host.firstIndex(of: "."),
                host[host.index(after: dot)...] == pattern.dropFirst(2),
                host[..<dot].count > 0, pattern.split(separator: ".").count >= 3
            {
                return true
            }
        }
        return false
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
