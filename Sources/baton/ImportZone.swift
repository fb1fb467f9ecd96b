import ArgumentParser
import Engine
import Foundation
import Manifests
import Validation
import Zones

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn existing data into manifests.",
        discussion: """
            Examples:
              baton import zone examples/zones/example.com.zone --origin example.com --account acme
            """,
        subcommands: [ImportZone.self])
}

struct ImportZone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone",
        abstract: "Turn an existing BIND zone file into a Domain manifest.",
        discussion: """
            The zone is loaded as BIND loads it (named-checkzone, or the built-in loader), then written as a Domain: names inside the zone \
            made relative, TTLs as durations, TXT as text. The SOA serial and primary name are Baton's and are not \
            imported; DNSSEC signatures are left to the signer. Notices about what was not carried over go to \
            standard error. Without --account, the account is the folder of --out under accounts/, else \
            `changeme`. An existing --out file is replaced only with --force. Exit status: 0 imported, 1 not a \
            loadable zone, 3 could not run (or --out exists, or its folder does not).

            Examples:
              baton import zone old/example.com.zone --origin example.com --out accounts/acme/example.com.yaml
              baton import zone old/example.com.zone --origin example.com --account acme > example.com.yaml
            """
    )

    @Argument(help: "The zone file.")
    var file: String

    @Option(help: "The zone's name.")
    var origin: String

    @Option(help: "The account the Domain belongs to (default: from --out's accounts/NAME/ folder, else changeme).")
    var account: String?

    @Option(help: "Write the manifest to this file instead of standard output.")
    var out: String?

    @Flag(help: "Replace --out when it exists.")
    var force = false

    /// The placeholder account: a valid name, so that what validate then suggests (declare it) can be done.
    static let placeholderAccount = "changeme"

    /// `--account`, else the NAME of an `accounts/NAME/` folder in `--out`.
    var resolvedAccount: String? {
        if let account { return account }
        let parts = (out ?? "").split(separator: "/").map(String.init)
        guard let i = parts.lastIndex(of: "accounts"), i + 2 < parts.count else { return nil }
        return parts[i + 1]
    }

    @Option(help: "Which loader reads the zone: named-checkzone or builtin (default: named-checkzone when installed).")
    var checker: ZoneLoaderChoice?

    func run() throws {
        // The root zone is `.` to the loaders (an empty name would reach named-checkzone as nothing at all).
        let origin =
            self.origin == "." || self.origin.isEmpty
            ? "." : (self.origin.hasSuffix(".") ? String(self.origin.dropLast()) : self.origin).lowercased()
        try ZoneInputFile.refuseUnreadable(file)
        if let out { try Self.refuseOutput(out, force: force) }
        let report: ZoneCheckReport
        let records: [CanonicalRecord]
        switch checker ?? (NamedCheckzone.find() != nil ? .namedCheckzone : .builtin) {
        case .namedCheckzone:
            guard let named = NamedCheckzone.find() else {
                Terminal.error("baton: named-checkzone is not installed (Debian: apt-get install bind9-utils)")
                throw ExitStatus.couldNotRun
            }
            try ZoneInputFile.refuseUnreadableIncludes(file, origin: origin)
            do {
                (report, records) = try named.dump(path: file, origin: origin)
            } catch {
                Terminal.error("baton: named-checkzone could not run: \(error)")
                throw ExitStatus.couldNotRun
            }
        case .builtin:
            let analysis = BuiltinZoneChecker().analyze(path: file, origin: origin, options: .loadOnly)
            (report, records) = (analysis.report, analysis.report.loaded ? CanonicalRecord.from(analysis.records) : [])
        }
        guard report.loaded else {
            for m in report.messagesByLine(file: file) {
                Terminal.error(
                    "\(m.file ?? file)\(m.line.map { ":\($0)" } ?? ""): \(m.severity.rawValue): \(m.plainText)")
            }
            Terminal.error("baton: \(file) is not a loadable zone for \(origin)")
            throw ExitStatus.invalid
        }
        let zone = origin == "." ? "" : origin
        if let problem = DNSName.zoneProblem(zone) {
            Terminal.error(
                "baton: \(file) loads as zone '\(origin)', which a Domain cannot hold: \(problem) [name.domain]")
            throw ExitStatus.invalid
        }
        let ordered = Self.ordered(records)
        let account = resolvedAccount ?? Self.placeholderAccount
        if resolvedAccount == nil {
            Terminal.notice(
                "notice: no --account: the Domain belongs to account '\(account)'; pass --account NAME or edit spec.account"
            )
        }
        let output = try Self.acceptedManifest(records: ordered, origin: zone, account: account, source: file)
        for notice in output.notices { Terminal.notice("notice: \(notice)") }
        if let out {
            do {
                try output.yaml.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                Terminal.error("baton: \(out): cannot write the manifest (\(error.localizedDescription))")
                throw ExitStatus.couldNotRun
            }
        } else {
            print(output.yaml, terminator: "")
        }
    }

    /// One order whichever loader read the zone (named-checkzone dumps by its own tree, the built-in loader as
    /// written): by owner from the apex down (labels compared from the right), NS first at each owner, then by
    /// type and value.
    static func ordered(_ records: [CanonicalRecord]) -> [CanonicalRecord] {
        func key(_ r: CanonicalRecord) -> ([String], Int, String, String) {
            let labels = r.owner.lowercased().split(separator: ".").reversed().map(String.init)
            let rank = r.type == "SOA" ? 0 : r.type == "NS" ? 1 : 2
            return (labels, rank, r.type, r.rdata)
        }
        return records.map { (key($0), $0) }.sorted { a, b in
            let (x, y) = (a.0, b.0)
            if x.0 != y.0 { return x.0.lexicographicallyPrecedes(y.0) }
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            return x.3 < y.3
        }.map(\.1)
    }

    /// Before any work: an --out that exists (without --force) or whose folder does not.
    static func refuseOutput(_ out: String, force: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue || force else {
                Terminal.error("baton: \(out) exists: pass --force to replace it, or choose another --out")
                throw ExitStatus.couldNotRun
            }
        }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            Terminal.error("baton: \(out): the folder \(folder) does not exist: create it (mkdir -p \(folder)) first")
            throw ExitStatus.couldNotRun
        }
    }

    /// The manifest with an account and a name server beside it: the zone's name servers come from the account's
    /// placement, which the import does not know, and a zone without NS records of its own must not stop its
    /// checks at "has no NS records". The stand-in server is outside any real zone (`.invalid`).
    static func checkedBeside(path: String, yaml: String, account: String) -> [String: String] {
        [
            path: yaml,
            "accounts/\(account)/account.yaml": """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: \(YAMLText.quoted(account))}
            spec: {contact: hostmaster@import.invalid, placement: {dns: [import-ns]}}

            """,
            "servers/import-ns.yaml": """
            apiVersion: baton/v1
            kind: Server
            metadata: {name: import-ns}
            spec: {address: 192.0.2.53, hostname: ns.import.invalid, hostKey: none, roles: [dns-primary]}

            """,
        ]
    }

    /// The manifest with whatever `validate`'s rules refuse in it left out, each with a notice: whatever import
    /// writes, validate accepts. A record the rules refuse is skipped, an RNAME they refuse gives way to the
    /// default; anything else they refuse (the manifest itself) stops the import.
    static func acceptedManifest(
        records: [CanonicalRecord], origin: String, account: String, source: String
    ) throws -> ZoneImporter.Output {
        var exclusions = ZoneImporter.Exclusions()
        // Each round leaves out what the last refused. A record left out can make another refused (an MX target
        // that loses its address), so rounds go on while they leave something out, a few at most.
        for _ in 0..<6 {
            let output = ZoneImporter.manifest(
                records: records, origin: origin, account: account, source: source, excluding: exclusions)
            let path = "accounts/\(account)/\(origin).yaml"
            let loaded = try ManifestLoader.load(
                InMemorySource(Self.checkedBeside(path: path, yaml: output.yaml, account: account)))
            func ofTheManifest(_ d: Diagnostic) -> Bool {
                d.severity == .error && d.location.file == path
                    && (d.rule.hasPrefix("record.") || d.rule.hasPrefix("domain.") || d.rule.hasPrefix("name.domain")
                        || d.rule.hasPrefix("schema.") || d.rule.hasPrefix("yaml.") || d.rule.hasPrefix("zone."))
                    && d.rule != "domain.ns-missing"
            }
            var refused = (loaded.diagnostics + Validator.validate(loaded.manifests)).filter(ofTheManifest)
            if refused.isEmpty {
                // The zone as validate checks it (strict unless baton.yaml relaxes it), by the built-in checker.
                refused = ZoneChecks(checkers: [BuiltinZoneChecker()], options: .strict, serials: FixedSerial(1))
                    .run(loaded.manifests).filter(ofTheManifest)
            }
            if refused.isEmpty { return output }
            var progress = false
            for d in refused {
                let line = Int(d.location.mark.line)
                if let index = output.recordLines[line] {
                    progress =
                        exclusions.records.updateValue(
                            "validate would refuse it: \(d.message) [\(d.rule)]", forKey: index) == nil || progress
                } else if line == output.rnameLine {
                    progress = exclusions.rname == nil || progress
                    exclusions.rname = "validate would refuse it: \(d.message) [\(d.rule)]"
                } else {
                    Terminal.error("baton: the imported manifest would not validate: \(d.message) [\(d.rule)]")
                    throw ExitStatus.invalid
                }
            }
            if !progress { break }
        }
        Terminal.error("baton: the imported manifest would not validate, and leaving records out did not help")
        throw ExitStatus.invalid
    }
}
