import Dispatch
import Foundation
import Manifests

/// Many zones in one `named-checkconf -z` run: spawning named-checkzone costs about 13 ms a zone, while
/// named-checkconf loads hundreds of zones in that time and prints the same messages. Used when every
/// option has a named.conf equivalent; the caller checks zone by zone otherwise.
struct NamedCheckconfBatch {
    let executable: String
    static let zonesPerRun = 400

    /// The named.conf `options` for these checks, or nil when one has no equivalent there (named always
    /// fails an NS that is an address, and checks integrity only inside the zone).
    static func optionsBlock(_ o: ZoneCheckOptions) -> String? {
        guard o.nsAddress == .fail, o.integrity == .local || o.integrity == .none, o.spf != .fail,
            o.wildcard != .fail
        else { return nil }
        var lines = [
            "check-names primary \(o.checkNames.rawValue);", "check-mx \(o.mxAddress.rawValue);",
            "check-mx-cname \(o.mxCNAME.rawValue);", "check-srv-cname \(o.srvCNAME.rawValue);",
            "check-dup-records \(o.duplicateRecords.rawValue);", "check-spf \(o.spf.rawValue);",
            "check-wildcard \(o.wildcard == .ignore ? "no" : "yes");",
            "check-integrity \(o.integrity == .none ? "no" : "yes");",
        ]
        if let ttl = o.maxTTL { lines.append("max-zone-ttl \(ttl);") }
        return lines.joined(separator: " ")
    }

    func check(_ zones: [ZoneBatchItem], options: ZoneCheckOptions) throws -> [ZoneCheckReport]? {
        guard let block = Self.optionsBlock(options) else { return nil }
        let chunks = stride(from: 0, to: zones.count, by: Self.zonesPerRun).map {
            Array(zones[$0..<min(zones.count, $0 + Self.zonesPerRun)])
        }
        let results = Slots<Result<[ZoneCheckReport], Error>>(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            results.set(i, Result { try run(chunks[i], block: block, options: options) })
        }
        return try results.values().flatMap { try $0.get() }
    }

    private func run(_ zones: [ZoneBatchItem], block: String, options: ZoneCheckOptions) throws -> [ZoneCheckReport] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-checkconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try ChildProcesses.temporary(dir.path) { try run(zones, block: block, options: options, in: dir) }
    }

    private func run(_ zones: [ZoneBatchItem], block: String, options: ZoneCheckOptions, in dir: URL) throws
        -> [ZoneCheckReport]
    {
        var conf = "options { directory \"\(dir.path)\"; \(block) };\n"
        for (i, zone) in zones.enumerated() {
            try zone.text.write(to: dir.appendingPathComponent("z\(i).zone"), atomically: false, encoding: .utf8)
            conf += "zone \"\(zone.origin)\" { type primary; file \"z\(i).zone\"; };\n"
        }
        let confPath = dir.appendingPathComponent("named.conf").path
        try conf.write(toFile: confPath, atomically: false, encoding: .utf8)
        let output = try NamedCheckzone(executable: executable).run(["-z", confPath], input: nil)
        guard let reports = Self.split(output.text, zones: zones, options: options),
            output.status == 0 || reports.contains(where: { !$0.loaded })
        else {
            // A failed run that no zone accounts for (a duplicate zone, a configuration error): its reports
            // would be wrong, so the zones are checked one by one instead.
            throw BatchUnaccounted(output: output.text)
        }
        return reports
    }

    struct BatchUnaccounted: Error {
        var output: String
    }

    /// Sorts the combined output by zone: by file name for located lines, by zone name for the others.
    /// Nil when a line names no zone of the batch: the run said something the reports would lose.
    static func split(
        _ output: String, zones items: [ZoneBatchItem], options: ZoneCheckOptions = .standard
    ) -> [ZoneCheckReport]? {
        let zones = items.map(\.origin)
        var lines = [[String]](repeating: [], count: zones.count)
        var failed = [Bool](repeating: false, count: zones.count)
        let index = Dictionary(
            zones.enumerated().map { ($0.element.lowercased(), $0.offset) }, uniquingKeysWith: { a, _ in a })
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.hasPrefix("_default/") {
                // `_default/NAME/IN: reason`: the summary of a zone that failed.
                let name = line.dropFirst("_default/".count).prefix { $0 != "/" }
                if let i = index[name.lowercased()] { failed[i] = true }
                continue
            }
            if line.hasPrefix("zone ") {
                let name = line.dropFirst(5).prefix { $0 != "/" }
                guard let i = index[name.lowercased()] else { return nil }
                if line.hasSuffix("not loaded due to errors.") { failed[i] = true }
                lines[i].append(line)
                continue
            }
            if let z = line.range(of: #"(^|: )z[0-9]+\.zone:"#, options: .regularExpression) {
                let fileName = line[z].split(separator: " ").last!.dropFirst().prefix { $0 != "." }
                if let i = Int(fileName) {
                    lines[i].append(line)
                    continue
                }
            }
            return nil
        }
        return zones.indices.map { i in
            var report = NamedCheckzoneOutput.parse(
                lines[i].joined(separator: "\n"), exitCode: failed[i] ? 1 : 0, zone: zones[i], options: options)
            for m in report.messages.indices where report.messages[m].file == "z\(i).zone" {
                report.messages[m].file = items[i].fileName
            }
            return report
        }
    }
}
