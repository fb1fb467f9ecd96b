import Dispatch
import Foundation
import Manifests
import Zones

/// Renders every zone of a repository and checks it, mapping each message back to the YAML line of the
/// record at fault. The I/O stage of validation (it may run named-checkzone); the rules stay pure.
package struct ZoneChecks: Sendable {
    package var checkers: [any ZoneTextChecker]
    package var options: ZoneCheckOptions
    package var cache: ZoneCheckCache?
    package var serials: any SerialSource

    package init(
        checkers: [any ZoneTextChecker], options: ZoneCheckOptions = .strict, cache: ZoneCheckCache? = nil,
        serials: any SerialSource = DateSerial()
    ) {
        self.checkers = checkers
        self.options = options
        self.cache = cache
        self.serials = serials
    }

    /// Zones with an invalid name are left to the name rules: they cannot be rendered. So are zones whose
    /// name servers are not all usable (a server without a valid `hostname`): the server rules report that, once,
    /// at the server, and the zone is not blamed for it.
    package func run(_ set: ManifestSet) -> [Diagnostic] {
        let unusable = Self.accountsWithUnusableNameServers(set)
        let zones = ZoneInput.zones(of: set).filter {
            DNSName.zoneProblem($0.origin) == nil && !unusable.contains($0.domain.spec.account)
        }
        if checkers.count == 1, let checker = checkers.first, checker.checksOneByOne {
            return checkOneByOne(zones, by: checker)
        }
        let serials = self.serials
        let rendered = Slots<RenderedZone>(count: zones.count)
        DispatchQueue.concurrentPerform(iterations: zones.count) { i in
            rendered.set(i, ZoneRenderer.render(zones[i], serials: serials))
        }
        let renderings = rendered.values()
        var diagnostics: [Diagnostic] = []
        // Where two checkers say the same thing at the same place, it is said once, by the first, whatever
        // severity the other gives it: the validator of record goes first.
        var said = Set<String>()
        for checker in checkers.sorted(by: { $0.name == "named-checkzone" && $1.name != "named-checkzone" }) {
            let reports = reports(of: renderings, by: checker)
            for (i, report) in reports.enumerated() {
                for diagnostic in map(report, renderings[i], zones[i], checker)
                where said.insert(Self.sayingKey(diagnostic)).inserted {
                    diagnostics.append(diagnostic)
                }
            }
        }
        return diagnostics
    }

    /// A checker that checks zone by zone in this process (the built-in one) gets each zone as soon as it is
    /// rendered, and the rendering is forgotten once its messages are mapped: the same reports in the same order
    /// as the passes below, without keeping 20,000 texts for a second pass (fresh pages for all of them) or
    /// copying every rendering between the passes' tables. Alone, it has no other checker's messages to merge.
    func checkOneByOne(_ zones: [ZoneInput], by checker: any ZoneTextChecker) -> [Diagnostic] {
        let (serials, options) = (self.serials, self.options)
        let found = Slots<[Diagnostic]>(count: zones.count)
        DispatchQueue.concurrentPerform(iterations: zones.count) { i in
            let rendered = ZoneRenderer.render(zones[i], serials: serials)
            let report = Result {
                try checker.check(
                    text: rendered.text, origin: rendered.origin, options: options, fileName: Self.fileName(rendered))
            }
            found.set(i, map(report, rendered, zones[i], checker))
        }
        var diagnostics: [Diagnostic] = []
        var said = Set<String>()
        for zone in found.values() {
            for diagnostic in zone where said.insert(Self.sayingKey(diagnostic)).inserted {
                diagnostics.append(diagnostic)
            }
        }
        return diagnostics
    }

    /// Where and what a diagnostic says, whichever checker said it: the same message at the same place is said once.
    static func sayingKey(_ diagnostic: Diagnostic) -> String {
        let text = diagnostic.message.drop { $0 != ":" }
        return "\(diagnostic.location.file):\(diagnostic.location.line):\(diagnostic.location.column)\(text)"
    }

    /// Accounts whose DNS placement names a server that is not declared or has no valid `hostname`.
    static func accountsWithUnusableNameServers(_ set: ManifestSet) -> Set<String> {
        var usable = Set<String>()
        for server in set.servers where server.spec.hostname.map({ ServerRules.hostnameProblem($0) == nil }) ?? false {
            usable.insert(server.name)
        }
        return Set(
            set.accounts.filter { $0.spec.placement.dns.contains { !usable.contains($0) } }.map(\.name))
    }

    /// Cached reports where the zone's text was checked before, a batch run or one run a zone for the rest.
    func reports(of zones: [RenderedZone], by checker: any ZoneTextChecker) -> [Result<ZoneCheckReport, Error>] {
        let lookups = Slots<(key: String, report: ZoneCheckReport?)>(count: zones.count)
        let (options, cache, name) = (self.options, checker.cachePays ? self.cache : nil, checker.name)
        DispatchQueue.concurrentPerform(iterations: zones.count) { i in
            let key = cache?.key(checker: name, options: options, origin: zones[i].origin, text: zones[i].text) ?? ""
            lookups.set(i, (key, key.isEmpty ? nil : cache?.load(key)))
        }
        let found = lookups.values()
        let keys = found.map(\.key)
        var results: [Result<ZoneCheckReport, Error>?] = found.map { $0.report.map { .success($0) } }
        let missing = results.indices.filter { results[$0] == nil }
        let items = missing.map {
            ZoneBatchItem(origin: zones[$0].origin, text: zones[$0].text, fileName: Self.fileName(zones[$0]))
        }
        if let batch = try? checker.checkBatch(items, options: options), batch.count == missing.count {
            for (n, i) in missing.enumerated() { results[i] = .success(batch[n]) }
        } else {
            let slots = Slots<Result<ZoneCheckReport, Error>>(count: missing.count)
            DispatchQueue.concurrentPerform(iterations: missing.count) { n in
                let zone = zones[missing[n]]
                slots.set(
                    n,
                    Result {
                        try checker.check(
                            text: zone.text, origin: zone.origin, options: options, fileName: Self.fileName(zone))
                    })
            }
            for (n, result) in slots.values().enumerated() { results[missing[n]] = result }
        }
        if let cache = checker.cachePays ? self.cache : nil {
            let fresh = missing.compactMap { i -> (ZoneCheckReport, String)? in
                if case .success(let report) = results[i] { return (report, keys[i]) }
                return nil
            }
            DispatchQueue.concurrentPerform(iterations: fresh.count) { n in cache.store(fresh[n].0, fresh[n].1) }
        }
        return results.map { $0! }
    }

    /// The rule of a zone the checker could not check at all (written out where it is reported, for the rule
    /// catalog's scan): the zone's validity is unknown, so validate exits 3.
    package static let unavailable = "zone.checker-unavailable"

    static func fileName(_ zone: RenderedZone) -> String { "\(zone.origin).zone" }

    func map(
        _ result: Result<ZoneCheckReport, Error>, _ rendered: RenderedZone, _ zone: ZoneInput,
        _ checker: any ZoneTextChecker
    ) -> [Diagnostic] {
        let report: ZoneCheckReport
        switch result {
        case .success(let value):
            report = value
        case .failure(let error):
            return [
                .error(
                    at: zone.domain.origin.location("metadata.name"), rule: "zone.checker-unavailable",
                    "\(checker.name) could not run: \(error)",
                    hint: "install bind9-utils, or choose `--zone-checker builtin`")
            ]
        }
        let fileName = Self.fileName(rendered)
        var messages = report.messages
        if !report.loaded, !messages.contains(where: { $0.severity == .error }) {
            messages.append(ZoneMessage(.error, owner: zone.origin, text: "the zone did not load, and said no more"))
        }
        // Built at the first message that needs it, once for the zone's messages.
        var index: RenderedZone.SourceIndex?
        return messages.map { message in
            var source = message.file == fileName ? message.line.flatMap { rendered.source(line: $0) } : nil
            if source == nil {
                if index == nil { index = RenderedZone.SourceIndex(rendered) }
                source = index!.source(owner: message.owner, type: message.type, target: message.target)
            }
            let location =
                source.map { SourceLocation(file: $0.file, mark: $0.mark) }
                ?? zone.domain.origin.location("metadata.name")
            return Diagnostic(
                message.severity == .error ? .error : .warning, at: location, rule: "zone.\(checker.name)",
                message: "\(checker.name): \(message.plainText)", hint: Self.hint(for: message.text))
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
            ?? "fix the record at this line; the message is the zone checker's own, about the zone Baton renders from it"
    }
}
