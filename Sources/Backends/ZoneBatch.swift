import Planning

/// Every primary zone a DNS server's run writes, checked by the server's BIND in one process before the
/// operations: `named-checkconf -z` on a configuration that lists them all, with the checks each operation gives
/// `named-checkzone` (a process of about 9 ms per zone, and a first apply of 200 accounts wrote 400 zones). When
/// the whole batch loads, each operation reads that verdict (`baton_zone_checked`) instead of running
/// `named-checkzone`; when any zone fails, no operation reads it, and each checks its own zone as before, so
/// that exactly the faulty ones fail, with named-checkzone's message. See docs/apply.md, "Zones checked at once".
struct ZoneBatch {
    /// The zones checked at once: operation index, origin and rendered text.
    private(set) var zones: [(index: Int, origin: String, text: String)] = []

    /// The options that give `named-checkconf -z` the checks of `named-checkzone -i local -k fail -m fail -M fail
    /// -S fail` (DomainBackend). `-n fail` (an NS record whose target is an address) has no option in
    /// named.conf: a zone with such a target is not batched (`namesAnAddress`).
    static let options =
        "options {\n  directory \".\";\n  check-names primary fail;\n  check-mx fail;\n  check-mx-cname fail;\n  check-srv-cname fail;\n  check-integrity yes;\n};\n"

    /// No batch: every operation runs named-checkzone.
    init() {}

    /// The primary zones of a server's steps (one operation per step, in order). One zone alone is left to its
    /// operation: a batch would cost a process too. An origin that two steps write is left to them.
    init(_ steps: [Step], context: ApplyContext) {
        var found: [(index: Int, origin: String, text: String)] = []
        var seen: [String: Int] = [:]
        for (index, step) in steps.enumerated() where step.change.id.kind == .domain {
            seen[step.change.id.name, default: 0] += 1
            guard step.change.action != .delete, (step.scalar("role") ?? "primary") == "primary",
                let text = context.zones[step.change.id.name], DomainBackend.isOrigin(step.change.id.name),
                !Self.namesAnAddress(text)
            else { continue }
            found.append((index, step.change.id.name, text))
        }
        let zones = found.filter { seen[$0.origin] == 1 }
        if zones.count > 1 { self.zones = zones }
    }

    /// These zones, as they are (what `init(_:context:)` found).
    init(zones: [(index: Int, origin: String, text: String)]) {
        self.zones = zones
    }

    func batched(_ index: Int) -> Bool { zones.contains { $0.index == index } }

    /// Whether a rendered zone has an NS record whose target may be read as an address: `named-checkzone -n
    /// fail` refuses those, and named-checkconf has no such check. Erring on the side of caution: any target
    /// without a letter, or with a `:`, leaves the zone to named-checkzone.
    static func namesAnAddress(_ text: String) -> Bool {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "\tNS\t") else { continue }
            let target = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if target.contains(":") || !target.contains(where: \.isLetter) { return true }
        }
        return false
    }

    /// The configuration listing every zone of the batch, each read from `<index>.zone` beside it.
    var configuration: String {
        Self.options
            + zones.map { "zone \"\($0.origin)\" {\n  type primary;\n  file \"\($0.index).zone\";\n};\n" }.joined()
    }

    /// The step before the operations: the zones and the configuration written in the run's scratch folder, one
    /// `named-checkconf -z`, and the verdict for all of them when it passes. It never fails the run.
    func prepare() throws -> ScriptBuilder? {
        guard !zones.isEmpty else { return nil }
        var s = ScriptBuilder()
        s.code("mkdir -m 0700 -- \"$baton_run/zones\" && cd -- \"$baton_run/zones\" || exit 0")
        for zone in zones {
            try s.writeScratch(Array(zone.text.utf8), to: "\(zone.index).zone", mode: "0600")
        }
        try s.writeScratch(Array(configuration.utf8), to: "named.conf", mode: "0600")
        try s.command(
            "if command -v named-checkconf >/dev/null && named-checkconf -z named.conf >/dev/null 2>&1; then : > ok; else echo",
            .value("baton: the run's \(zones.count) zones are checked one by one"), ">&2; fi")
        return s
    }
}
