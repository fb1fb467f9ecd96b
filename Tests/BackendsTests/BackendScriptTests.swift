import Backends
import Foundation
import Manifests
import Planning
import XCTest
import Zones

/// The scripts for the example repository: valid shell, every value quoted, hostile values inert.
final class BackendScriptTests: XCTestCase {
    func steps(_ set: ManifestSet) -> [String: [Step]] {
        let states = ResourceStates.build(set)
        let plan = Planner.plan(
            Planner.Input(
                revision: "r1", states: states, servers: Set(set.servers.map(\.name)), applied: .empty))
        let byKey = Dictionary(states.map { ("\($0.server) \($0.id)", $0) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(
            grouping: plan.changes.map { Step(change: $0, desired: byKey["\($0.server) \($0.id)"], previous: nil) },
            by: \.change.server)
    }

    func context(_ set: ManifestSet) -> ApplyContext {
        let zones = Dictionary(
            ZoneInput.zones(of: set).map { ($0.origin, ZoneRenderer.render($0, serial: 2_026_120_201).text) },
            uniquingKeysWith: { a, _ in a })
        return ApplyContext(layout: ServerLayout(), manifests: set, zones: zones)
    }

    func syntaxCheck(_ script: ScriptBuilder, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try TestShell.execute(script, options: ["-n"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
    }

    func testTheExampleRendersValidShellPerServer() throws {
        let set = try ManifestLoader.load(
            try DirectorySource(
                root: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/hosting")
                    .path)
        ).manifests
        let perServer = steps(set)
        XCTAssertEqual(perServer.keys.sorted(), ["ns1", "web1"])
        for (server, steps) in perServer {
            let (script, count) = try Backend.script(steps, context: context(set), nonce: "t3st")
            XCTAssertEqual(count, steps.count, server)
            try syntaxCheck(script)
            XCTAssertTrue(script.text.contains("@@BATON t3st RECEIVED \(count)"))
        }
        let web = try Backend.script(perServer["web1"]!, context: context(set), nonce: "x").script.text
        XCTAssertTrue(
            web.contains(
                "useradd -M -s '/bin/sh' -d '/home/acme/deploy' -g 'acme' -p '*' -G 'acme,acme-deployers' -- 'acme-deploy'"
            ),
            web)
        XCTAssertTrue(
            web.contains(
                "baton_stage '/etc/nginx/sites-enabled/.baton-acme.acme-shop.conf.baton-tmp' '/etc/nginx/sites-enabled/baton-acme.acme-shop.conf' 'nginx'"
            ), web)
        XCTAssertTrue(web.contains("/baton-acme.acme-shop.conf' 'php-fpm8.2'"), web)
    }

    func testHostileRecordValuesTravelAsData() throws {
        let hostile = ["$(touch /tmp/pwned)", "`touch /tmp/pwned`", "'; touch /tmp/pwned; '", "EOF"]
        let records = hostile.map { "    - {name: \"@\", type: TXT, value: \(YAMLText.quoted($0))}" }.joined(
            separator: "\n")
        let set = try ManifestLoader.load(
            InMemorySource([
                "servers.yaml":
                    "apiVersion: baton/v1\nkind: Server\nmetadata: {name: ns1}\nspec: {address: 10.213.0.12, hostname: ns1.test.baton, hostKey: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7w\", roles: [dns-primary]}\n",
                "a.yaml":
                    "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {contact: a@example.com, placement: {dns: [ns1]}}\n---\napiVersion: baton/v1\nkind: Domain\nmetadata: {name: acme.example}\nspec:\n  account: acme\n  records:\n\(records)\n",
            ])
        ).manifests
        let context = context(set)
        let (script, _) = try Backend.script(steps(set)["ns1"]!, context: context, nonce: "x")
        try syntaxCheck(script)
        // The zone file travels as one word of the quoting function; taken out, no hostile value is left.
        let zone = try ShellQuote.quote(XCTUnwrap(context.zones["acme.example"]))
        XCTAssertTrue(script.text.contains("printf '%s' \(zone) >"), script.text)
        let rest = script.text.replacingOccurrences(of: zone, with: "")
        for value in hostile where value != "EOF" {
            XCTAssertFalse(rest.contains(value), "\(value) must only travel inside the quoted zone file")
        }
    }
}
