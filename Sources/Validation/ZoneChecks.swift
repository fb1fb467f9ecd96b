import Dispatch
import Foundation
import Manifests
import Zones

/// Renders every zone of a repository and checks it, mapping each message back to the YAML line of the
/// record at fault. The I/O stage of validation (it may run named-checkzone); the rules stay pure.
public struct ZoneChecks: Sendable {
    public var checkers: [any ZoneTextChecker]
    public var options: ZoneCheckOptions
    public var cache: ZoneCheckCache?
    public var serials: any SerialSource

    public init(
        checkers: [any ZoneTextChecker], options: ZoneCheckOptions = .strict, cache: ZoneCheckCache? = nil,
        serials: any SerialSource = DateSerial()
    ) {
        self.checkers = checkers
        self.options = options
        self.cache = cache
        self.serials = serials
    }

    /// Zones with an invalid name are left to the name rules: they cannot be rendered.
    public func run(_ set: ManifestSet) -> [Diagnostic] {
        let zones = ZoneInput.zones(of: set).filter { DNSName.zoneProblem($0.origin) == nil }
        let tasks = zones.flatMap { zone in checkers.map { (zone, $0) } }
        let results = Slots<[Diagnostic]>(count: tasks.count)
        let serials = self.serials
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            let (zone, checker) = tasks[i]
            let hash = ZoneRenderer.contentHash(zone)
            let rendered = ZoneRenderer.render(zone, serial: serials.serial(for: zone.origin, contentHash: hash))
            results.set(i, check(rendered, zone, checker))
        }
        return results.values().flatMap { $0 }
    }

    func check(_ rendered: RenderedZone, _ zone: ZoneInput, _ checker: any ZoneTextChecker) -> [Diagnostic] {
        let fileName = "\(zone.origin).zone"
        let key = ZoneCheckCache.key(checker: checker.name, options: options, origin: zone.origin, text: rendered.text)
        let report: ZoneCheckReport
        if let cached = cache?.load(key) {
            report = cached
        } else {
            do {
                report = try checker.check(
                    text: rendered.text, origin: zone.origin, options: options, fileName: fileName)
            } catch {
                return [
                    .error(
                        at: zone.domain.origin.location("metadata.name"), rule: "zone.\(checker.name)",
                        "\(checker.name) could not run: \(error)",
                        hint: "install bind9-utils, or choose `--zone-checker builtin`")
                ]
            }
            cache?.store(report, key)
        }
        return report.messages.map { message in
            let source =
                (message.file == fileName ? message.line.flatMap { rendered.lines[$0] } : nil)
                ?? rendered.source(owner: message.owner, type: message.type, target: message.target)
            let location =
                source.map { SourceLocation(file: $0.file, mark: $0.mark) }
                ?? zone.domain.origin.location("metadata.name")
            return Diagnostic(
                message.severity == .error ? .error : .warning, at: location, rule: "zone.\(checker.name)",
                message: "\(checker.name): \(message.text)", hint: Self.hint(for: message.text))
        }
    }

    static func hint(for text: String) -> String {
        let hints: [(String, String)] = [
            ("CNAME and other data", "a name with a CNAME can have no other record; remove one of them"),
            ("has no address records", "give the target an A or AAAA record, or point at a name that has one"),
            ("is a CNAME", "point at the canonical name, not at an alias"),
            ("appears to be an address", "NS, MX and SRV records name a host; give the host an A record"),
            ("is an address", "NS, MX and SRV records name a host; give the host an A record"),
            ("bad dotted quad", "write an IPv4 address as four numbers 0-255"),
            ("bad owner name", "host names hold only letters, digits and inner hyphens"),
            ("bad name", "host names hold only letters, digits and inner hyphens"),
            ("out-of-zone", "this name does not belong to the zone; move the record to the Domain it belongs to"),
            ("TTL", "use a TTL between 0 and 2147483647 seconds"),
        ]
        return hints.first { text.contains($0.0) }?.1
            ?? "fix the record at this line; `baton check-zone` on the rendered zone shows the checker's full output"
    }
}
