import Foundation
import Manifests

package enum ServerRules {
    static let keyTypes = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    ]

    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        for server in index.set.servers {
            let o = server.origin
            if !Names.isServerName(server.name) {
                f.error(
                    o, "metadata.name", "name.server", "server name '\(server.name)' is not a DNS label",
                    hint: "use lower-case letters, digits and inner hyphens, at most 63 characters, e.g. `web1`")
            }
            let address = server.spec.address
            if !(IPAddress.isIPv4(address) || IPAddress.isIPv6(address)
                || (!IPAddress.looksLikeIPv4(address) && DNSName.hostProblem(address, allowUnderscore: false) == nil))
            {
                f.error(
                    o, "spec.address", "server.address", "'\(address)' is neither an IP address nor a host name",
                    hint: "write an IPv4 or IPv6 address, or a host name such as web1.example.net")
            }
            if let problem = hostKeyProblem(server.spec.hostKey) {
                f.error(
                    o, "spec.hostKey", "server.host-key", "the host key is not usable: \(problem)",
                    hint:
                        "paste one line of `ssh-keyscan -t ed25519 HOST` without the host name, e.g. `ssh-ed25519 AAAA...`"
                )
            }
            let servesDNS = server.spec.roles.contains(.dnsPrimary) || server.spec.roles.contains(.dnsSecondary)
            if let hostname = server.spec.hostname {
                if let problem = hostnameProblem(hostname) {
                    f.error(
                        o, "spec.hostname", "server.hostname", "hostname '\(hostname)' is not a valid FQDN: \(problem)",
                        hint: "write the server's public name, e.g. ns1.example.net (a trailing dot is allowed)")
                }
            } else if servesDNS {
                f.error(
                    o, "spec.roles", "server.hostname", "a DNS server needs a `hostname` for its NS and SOA records",
                    hint: "add `hostname:` with the server's public FQDN")
            }
            let paths = server.spec.paths
            for (key, value) in [
                ("zones", paths.zones), ("namedConf", paths.namedConf), ("nginxSites", paths.nginxSites),
                ("phpFpmPools", paths.phpFpmPools), ("homes", paths.homes), ("archive", paths.archive),
            ] {
                guard let value, let problem = PathRules.absoluteProblem(value), problem.check != "forbidden" else {
                    continue
                }
                f.error(o, "spec.paths.\(key)", "server.paths", problem.message, hint: problem.hint)
            }
        }
    }

    /// A server's public name: a fully qualified host name, written with or without the trailing dot that DNS
    /// people write (`ns1.example.net.`).
    package static func hostnameProblem(_ hostname: String) -> String? {
        let name = hostname.hasSuffix(".") ? String(hostname.dropLast()) : hostname
        return DNSName.hostProblem(name, allowUnderscore: false)
            ?? (name.hasByte(".") ? nil : "it is not fully qualified")
    }

    /// `TYPE BASE64 [comment]`, where the blob decodes and names the same type.
    static func hostKeyProblem(_ line: String) -> String? {
        hostKeyProblem(parts: line.split(separator: " ", omittingEmptySubsequences: true))
    }

    /// The line's words, split at spaces (empty ones left out).
    static func hostKeyProblem(parts: some RandomAccessCollection<Substring>) -> String? {
        let parts = Array(parts)
        guard parts.count >= 2 else { return "expected `TYPE BASE64`" }
        let type = String(parts[0])
        guard keyTypes.contains(type) else {
            return "unsupported key type '\(type)' (use \(keyTypes.joined(separator: ", ")))"
        }
        guard let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else {
            return "the key is not valid base64"
        }
        let length = blob.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard blob.count >= 4 + length, String(decoding: blob.dropFirst(4).prefix(length), as: UTF8.self) == type else {
            return "the key data does not hold a \(type) key"
        }
        return nil
    }
}
