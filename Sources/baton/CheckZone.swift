import ArgumentParser
import Engine
import Foundation
import Zones

struct CheckZone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-zone",
        abstract: "Check a BIND master file with the built-in checker or named-checkzone.",
        discussion: """
            Without --strict, makes the checks `named-checkzone -i local` makes by default; --strict adds the set \
            `validate` uses (-k fail -n fail -m fail -M fail -S fail). $INCLUDE paths resolve against the current \
            folder, as BIND's do. Exit status: 0 the zone loads, 1 it does not, 3 the checker could not run.

            Examples:
              baton check-zone examples/zones/example.com.zone --origin example.com
              baton check-zone db.example.com --origin example.com --strict --checker builtin --format json
            """
    )

    @Argument(help: "The zone file.")
    var file: String

    @Option(help: "The zone's name.")
    var origin: String

    @Option(help: "builtin or named-checkzone (default: named-checkzone when installed, else builtin).")
    var checker: ZoneLoaderChoice?

    @Flag(help: "Hold the zone to the strict checks of `baton validate`.")
    var strict = false

    @Option(help: "Output format: text or json.")
    var format: ZoneReportFormat = .text

    func run() throws {
        try Self.check(
            Arguments(file: file, origin: origin, checker: checker?.checker, strict: strict, format: format))
    }

    /// The command's arguments as plain values (FastPath reads them without ArgumentParser).
    struct Arguments {
        var file: String
        var origin: String
        var checker: ZoneCheckerChoice?
        var strict: Bool
        var format: ZoneReportFormat
    }

    static func check(_ arguments: Arguments) throws {
        let (file, checker, strict, format) = (arguments.file, arguments.checker, arguments.strict, arguments.format)
        let options = strict ? ZoneCheckOptions.strict : ZoneCheckOptions.standard
        let origin =
            arguments.origin.hasSuffix(".") && arguments.origin != "."
            ? String(arguments.origin.dropLast()) : arguments.origin
        try ZoneInputFile.refuseUnreadable(file)
        let report: ZoneCheckReport
        let name: String
        do {
            switch checker ?? (NamedCheckzone.find() != nil ? .namedCheckzone : .builtin) {
            case .namedCheckzone:
                guard let named = NamedCheckzone.find() else {
                    Terminal.error("baton: named-checkzone is not installed (Debian: apt-get install bind9-utils)")
                    throw ExitStatus.couldNotRun
                }
                name = named.name
                try ZoneInputFile.refuseUnreadableIncludes(file, origin: origin)
                report = try named.check(path: file, origin: origin, options: options)
            case .builtin:
                let builtin = BuiltinZoneChecker()
                name = builtin.name
                report = builtin.check(path: file, origin: origin, options: options)
            case .both, .none:
                throw ValidationError("--checker takes builtin or named-checkzone")
            }
        } catch let error as ValidationError {
            throw error
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let messages = report.messagesByLine(file: file)
        switch format {
        case .text:
            for m in messages {
                let place = m.line.map { "\(m.file ?? file):\($0)" } ?? (m.file ?? file)
                print("\(place): \(m.severity.rawValue): \(m.plainText) [zone.\(name)]")
            }
            print("\(file): zone \(origin) \(report.loaded ? "loads" : "does not load") (\(name))")
        case .json:
            let objects: [[String: Any]] = messages.map { m in
                var o: [String: Any] = [
                    "file": m.file ?? file, "severity": m.severity.rawValue, "rule": "zone.\(name)", "message": m.text,
                ]
                if let line = m.line { o["line"] = line }
                if let owner = m.owner { o["owner"] = owner }
                if let type = m.type { o["type"] = type }
                return o
            }
            let root: [String: Any] = [
                "formatVersion": 1, "zone": origin, "loaded": report.loaded, "checker": name, "diagnostics": objects,
            ]
            let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        if !report.loaded { throw ExitStatus.invalid }
    }
}

typealias ZoneReportFormat = ReportFormat
