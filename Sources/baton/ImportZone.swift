import ArgumentParser
import Engine
import Foundation
import Zones

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn existing data into manifests.", subcommands: [ImportZone.self])
}

struct ImportZone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone",
        abstract: "Turn an existing BIND zone file into a Domain manifest.",
        discussion: """
            The zone is loaded as BIND loads it (named-checkzone, or the built-in loader), then written as a Domain: names inside the zone \
            made relative, TTLs as durations, TXT as text. The SOA serial and primary name are Baton's and are not \
            imported; DNSSEC signatures are left to the signer. Notices about what was not carried over go to \
            standard error. Exit status: 0 imported, 1 not a loadable zone, 3 could not run.
            """
    )

    @Argument(help: "The zone file.")
    var file: String

    @Option(help: "The zone's name.")
    var origin: String

    @Option(help: "The account the Domain belongs to.")
    var account: String = "CHANGEME"

    @Option(help: "Write the manifest to this file instead of standard output.")
    var out: String?

    @Option(help: "Which loader reads the zone: named-checkzone or builtin (default: named-checkzone when installed).")
    var checker: ZoneCheckerChoice?

    func run() throws {
        let origin = (self.origin.hasSuffix(".") ? String(self.origin.dropLast()) : self.origin).lowercased()
        guard FileManager.default.isReadableFile(atPath: file) else {
            Terminal.error("baton: \(file): cannot read the file")
            throw ExitStatus.couldNotRun
        }
        let report: ZoneCheckReport
        let records: [CanonicalRecord]
        switch checker ?? (NamedCheckzone.find() != nil ? .namedCheckzone : .builtin) {
        case .namedCheckzone:
            guard let named = NamedCheckzone.find() else {
                Terminal.error("baton: named-checkzone is not installed (Debian: apt-get install bind9-utils)")
                throw ExitStatus.couldNotRun
            }
            do {
                (report, records) = try named.dump(path: file, origin: origin)
            } catch {
                Terminal.error("baton: named-checkzone could not run: \(error)")
                throw ExitStatus.couldNotRun
            }
        case .builtin:
            let analysis = BuiltinZoneChecker().analyze(path: file, origin: origin, options: .loadOnly)
            (report, records) = (analysis.report, analysis.report.loaded ? CanonicalRecord.from(analysis.records) : [])
        case .both, .none:
            throw ValidationError("--checker takes builtin or named-checkzone")
        }
        guard report.loaded else {
            for m in report.messages {
                Terminal.error(
                    "\(m.file ?? file)\(m.line.map { ":\($0)" } ?? ""): \(m.severity.rawValue): \(m.plainText)")
            }
            Terminal.error("baton: \(file) is not a loadable zone for \(origin)")
            throw ExitStatus.invalid
        }
        let output = ZoneImporter.manifest(records: records, origin: origin, account: account, source: file)
        for notice in output.notices { Terminal.error("notice: \(notice)") }
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
}
