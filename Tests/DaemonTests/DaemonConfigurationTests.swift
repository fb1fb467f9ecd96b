import Manifests
import XCTest

final class DaemonConfigurationTests: XCTestCase {
    func testEveryKeyIsRead() throws {
        let text = """
            repo: ssh://git@10.213.0.11/srv/hosting.git
            stateDir: /var/lib/baton
            branch: production
            interval: 30s
            listen: "[::1]:9441"
            identity: /etc/baton/id_ed25519
            webhookSecretFile: /etc/baton/webhook-secret
            driftInterval: 1h
            drift: correct
            server: [web1, ns1]
            logFormat: json
            leaseDuration: 90s
            quarantineAfter: 3
            applyTimeout: 2h
            holder: baton-a
            receivers:
              ops: {url: "https://hooks.slack.example/T000/B000/XXX", format: slack}
              pager: {url: "https://pager.example/hook"}

            """
        let config = try DaemonConfiguration.parse(Array(text.utf8), file: "baton.yaml")
        XCTAssertEqual(config.repo, "ssh://git@10.213.0.11/srv/hosting.git")
        XCTAssertEqual(config.branch, "production")
        XCTAssertEqual(config.interval, .seconds(30))
        XCTAssertEqual(config.listen, "[::1]:9441")
        XCTAssertEqual(DaemonConfiguration.hostAndPort(config.listen)?.host, "::1")
        XCTAssertEqual(config.identity, "/etc/baton/id_ed25519")
        XCTAssertEqual(config.webhookSecretFile, "/etc/baton/webhook-secret")
        XCTAssertEqual(config.driftInterval, .hours(1))
        XCTAssertEqual(config.drift, .correct)
        XCTAssertEqual(config.server, ["web1", "ns1"])
        XCTAssertEqual(config.logFormat, .json)
        XCTAssertEqual(config.leaseDuration, .seconds(90))
        XCTAssertEqual(config.quarantineAfter, 3)
        XCTAssertEqual(config.applyTimeout, .hours(2))
        XCTAssertEqual(config.holder, "baton-a")
        XCTAssertEqual(config.receivers["ops"], .init(url: "https://hooks.slack.example/T000/B000/XXX", format: .slack))
        XCTAssertEqual(config.receivers["pager"]?.format, .json)
    }

    /// The example the package installs reads as it says.
    func testTheExampleConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/daemon/baton.yaml").path
        let config = try DaemonConfiguration.load(path: path)
        XCTAssertEqual(config.branch, "main")
        XCTAssertEqual(config.webhookSecretFile, "/etc/baton/webhook-secret")
        XCTAssertEqual(config.receivers["ops"]?.format, .slack)
    }

    func testDefaultsWithAnEmptyFile() throws {
        let config = try DaemonConfiguration.parse([], file: "empty.yaml")
        XCTAssertEqual(config, DaemonConfiguration())
        XCTAssertEqual(config.stateDir, "/var/lib/baton")
        XCTAssertEqual(config.interval, .seconds(60))
        XCTAssertEqual(config.listen, "127.0.0.1:9440")
        XCTAssertEqual(config.driftInterval, .minutes(10))
        XCTAssertEqual(config.drift, .report)
        XCTAssertEqual(config.applyTimeout, .minutes(10), "baton apply's --timeout")
    }

    func testMistakesAreReportedAtTheirLine() {
        for (text, expected) in [
            (
                "branch: main\nintervall: 60s\n",
                "x.yaml:2:1: unknown key 'intervall' in the configuration (did you mean 'interval'?)"
            ),
            ("interval: soon\n", "x.yaml:1:11: 'interval' is not a duration"),
            ("drift: fix\n", "x.yaml:1:8: 'drift' is 'fix', which is not one of report, correct"),
            ("listen: 9440\n", "listen '9440' is not HOST:PORT"),
            ("applyTimeout: 5s\n", "applyTimeout must be at least 10s"),
            ("receivers:\n  ops: {format: slack}\n", "x.yaml:2:8: "),
        ] {
            XCTAssertThrowsError(try DaemonConfiguration.parse(Array(text.utf8), file: "x.yaml"), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
    }
}
