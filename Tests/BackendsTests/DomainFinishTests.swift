import Foundation
import XCTest

@testable import Backends

/// The finish step of a DNS server's run: the include file of named.conf gathered and BIND reconfigured when a
/// stanza came, went or changed, or when BIND turns out not to have a zone; the other zones reloaded by name.
final class DomainFinishTests: XCTestCase {
    func finish(_ layout: ServerLayout = ServerLayout()) throws -> ScriptBuilder {
        var s = ScriptBuilder()
        try DomainBackend.finish(layout, &s)
        return s
    }

    /// The gathering (the stanzas listed into the include file, checked by named-checkconf) and the
    /// reconfiguration are written once, whichever way the script comes to them.
    func testTheGatheringIsWrittenOnce() throws {
        let text = try finish().text
        for part in [#"for f in "$baton_stanzas"/*.conf"#, "named-checkconf", "rndc reconfig"] {
            XCTAssertEqual(text.components(separatedBy: part).count - 1, 1, "\(part) in\n\(text)")
        }
    }

    /// Run by `/bin/sh` with an `rndc` and a `named-checkconf` that write down how they were called (BIND itself
    /// is the end-to-end tests'): `rndc reload ZONE` fails for the zones in `lost` until a reconfiguration, and
    /// always for those in `broken`.
    func run(todo: [String], lost: [String], broken: [String] = []) throws -> (
        status: Int32, calls: [String], include: String
    ) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-finish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let bin = root.appendingPathComponent("bin")
        let stanzas = root.appendingPathComponent("state/named")
        for folder in [bin, stanzas] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let log = root.appendingPathComponent("calls").path
        try lost.joined(separator: "\n").write(toFile: root.path + "/lost", atomically: true, encoding: .utf8)
        try broken.joined(separator: "\n").write(toFile: root.path + "/broken", atomically: true, encoding: .utf8)
        let tools = [
            "rndc": """
            #!/bin/sh
            echo "rndc $*" >> '\(log)'
            if [ "$1" = reload ] && [ -n "${2:-}" ] && grep -qx "$2" '\(root.path)/lost' \
                && ! grep -qx 'rndc reconfig' '\(log)'; then echo "rndc: zone $2 not found" >&2; exit 1; fi
            if [ "$1" = reload ] && [ -n "${2:-}" ] && grep -qx "$2" '\(root.path)/broken'; then
                echo "rndc: zone $2 not loaded" >&2; exit 1
            fi
            """,
            "named-checkconf": "#!/bin/sh\necho named-checkconf >> '\(log)'\n",
        ]
        for (name, text) in tools {
            let path = bin.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        for zone in ["a.example", "b.example"] {
            try "zone \"\(zone)\" {};\n".write(
                to: stanzas.appendingPathComponent(zone + ".conf"), atomically: true, encoding: .utf8)
        }
        try todo.map { $0 + "\n" }.joined().write(toFile: root.path + "/todo", atomically: true, encoding: .utf8)
        try "".write(toFile: root.path + "/named.conf.local", atomically: true, encoding: .utf8)
        var layout = ServerLayout()
        layout.state = root.appendingPathComponent("state").path
        layout.namedInclude = root.path + "/named.conf.baton"
        layout.namedConfLocal = root.path + "/named.conf.local"
        var script = Prelude.script()
        try script.assign("baton_bin", bin.path)
        script.code("PATH=$baton_bin:$PATH")
        try script.assign("baton_todo", root.path + "/todo")
        script.code("(")
        script.code("set -e")
        script.append(try finish(layout))
        script.code(")")
        let result = try TestShell.execute(script)
        let calls = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let include = (try? String(contentsOfFile: layout.namedInclude, encoding: .utf8)) ?? ""
        return (result.status, calls.split(separator: "\n").map(String.init), include)
    }

    func testAChangedStanzaGathersAndReconfiguresOnceThenReloadsTheZones() throws {
        let run = try run(todo: ["named", "reload a.example"], lost: [])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.calls, ["named-checkconf", "rndc reconfig", "rndc reload a.example"])
        XCTAssertTrue(run.include.contains("/state/named/a.example.conf\";\n"), run.include)
        XCTAssertTrue(run.include.contains("/state/named/b.example.conf\";\n"), run.include)
    }

    func testZonesReloadedByNameAloneWhenNoStanzaChanged() throws {
        let run = try run(todo: ["reload a.example", "reload b.example"], lost: [])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.calls, ["rndc reload a.example", "rndc reload b.example"])
        XCTAssertEqual(run.include, "", "not gathered")
    }

    /// Two zones BIND lost: the first refused reload gathers and reconfigures, once; both are then reloaded.
    func testLostZonesGatherOnce() throws {
        let run = try run(todo: ["reload a.example", "reload b.example"], lost: ["a.example", "b.example"])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(
            run.calls,
            [
                "rndc reload a.example", "named-checkconf", "rndc reconfig", "rndc reload a.example",
                "rndc reload b.example",
            ])
    }

    /// A zone still refused after the run's reconfiguration fails the finish with rndc's words, without a second
    /// gathering.
    func testAZoneRefusedAfterTheReconfigurationFailsTheFinish() throws {
        let run = try run(todo: ["named", "reload a.example"], lost: [], broken: ["a.example"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(
            run.calls, ["named-checkconf", "rndc reconfig", "rndc reload a.example", "rndc reload a.example"])
    }
}
