import Foundation
import SSHKeys

/// Whether to trust an ssh server's host key: a pinned key must be the one offered, byte for byte; without one,
/// the known_hosts file must list it for that host. Nothing is trusted on first use.
struct HostKeyPolicy {
    var pinned: String?
    var knownHosts: String

    init(_ options: RemoteOptions) {
        pinned = options.hostKey
        knownHosts = options.knownHosts ?? Self.defaultKnownHosts
    }

    static var defaultKnownHosts: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/known_hosts"
    }

    /// nil when the offered key is trusted; otherwise why not, naming the keys compared.
    func refusal(offered: [UInt8], at endpoint: SSHEndpoint) -> String? {
        let offeredText = SSHPublicKey(blob: offered).text
        if let pinned {
            guard let expected = SSHPublicKey(line: pinned) else {
                return "the pinned host key is not a key line (\"type base64\"): \(pinned)"
            }
            if expected.blob == offered { return nil }
            return "host key mismatch for \(endpoint): expected \(expected.text), offered \(offeredText)"
        }
        guard let contents = try? String(contentsOfFile: knownHosts, encoding: .utf8) else {
            return "unknown host \(endpoint): \(knownHosts) cannot be read, and no host is trusted on first use"
                + " (offered \(offeredText))"
        }
        var listed: [SSHPublicKey] = []
        var trusted = false
        for line in contents.split(whereSeparator: \.isNewline) {
            guard let entry = KnownHostsEntry(line), entry.matches(endpoint.knownHostsName) else { continue }
            switch entry.marker {
            case nil where entry.key.blob == offered: trusted = true
            case nil: listed.append(entry.key)
            case "@revoked" where entry.key.blob == offered:
                return "the host key of \(endpoint) is revoked in \(knownHosts): \(offeredText)"
            default: continue  // @cert-authority: host certificates are not checked here.
            }
        }
        if trusted { return nil }
        if listed.isEmpty {
            return "unknown host \(endpoint): not in \(knownHosts), and no host is trusted on first use"
                + " (offered \(offeredText))"
        }
        return "host key mismatch for \(endpoint): \(knownHosts) lists "
            + listed.map(\.text).joined(separator: ", ") + "; offered \(offeredText)"
    }
}

/// One line of known_hosts: `[@marker] patterns type base64 [comment]`.
struct KnownHostsEntry {
    var marker: String?
    var hosts: String
    var key: SSHPublicKey

    init?(_ line: some StringProtocol) {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        var fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if fields.first?.hasPrefix("@") == true { marker = String(fields.removeFirst()) }
        guard fields.count >= 3, let key = SSHPublicKey(line: fields[1...].joined(separator: " ")) else { return nil }
        hosts = String(fields[0])
        self.key = key
    }

    /// Whether the line is for `name` (`host` or `[host]:port`): a hashed name (`|1|salt|hash`, HMAC-SHA1), or a
    /// comma list of patterns with `*` and `?` where a matching `!pattern` rules the host out.
    func matches(_ name: String) -> Bool {
        if hosts.hasPrefix("|1|") {
            let parts = hosts.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                let hash = Data(base64Encoded: String(parts[3]))
            else { return false }
            return SHA1.hmac(key: [UInt8](salt), message: Array(name.utf8)) == [UInt8](hash)
        }
        var matched = false
        for pattern in hosts.split(separator: ",") {
            if pattern.hasPrefix("!") {
                if Self.glob(pattern.dropFirst().lowercased(), name.lowercased()) { return false }
            } else if Self.glob(pattern.lowercased(), name.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var (pi, ti) = (0, 0)
        var star: (p: Int, t: Int)?
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                (pi, ti) = (pi + 1, ti + 1)
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = (pi, ti)
                pi += 1
            } else if let s = star {
                (pi, ti) = (s.p + 1, s.t + 1)
                star = (s.p, s.t + 1)
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
