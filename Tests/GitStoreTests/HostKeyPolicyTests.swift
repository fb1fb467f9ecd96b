import Foundation
import SSHKeys
import XCTest

@testable import GitStore

/// The pieces of the ssh host-key check that need no server: URLs, known_hosts lines, the hash of hashed names.
final class HostKeyPolicyTests: XCTestCase {
    func endpoint(_ url: String, localPaths: Set<String> = []) -> SSHEndpoint? {
        SSHEndpoint(url: url) { localPaths.contains($0) }
    }

    func testFindsHostAndPortOfSSHURLs() {
        XCTAssertEqual(
            endpoint("ssh://git@example.com:2222/srv/repo.git"), SSHEndpoint(host: "example.com", port: 2222))
        XCTAssertEqual(endpoint("ssh://example.com/srv/repo.git"), SSHEndpoint(host: "example.com", port: 22))
        XCTAssertEqual(endpoint("git+ssh://u@[::1]:2200/r"), SSHEndpoint(host: "::1", port: 2200))
        XCTAssertEqual(endpoint("SSH://u:pw@host/r"), SSHEndpoint(host: "host", port: 22), "a password is no port")
        XCTAssertEqual(endpoint("git@example.com:org/repo.git"), SSHEndpoint(host: "example.com", port: 22))
        XCTAssertEqual(endpoint("[git@example.com:2222]:org/repo.git"), SSHEndpoint(host: "example.com", port: 2222))
        XCTAssertNil(endpoint("/srv/repo.git"))
        XCTAssertNil(endpoint("file:///srv/repo.git"))
        XCTAssertNil(endpoint("https://example.com/repo.git"))
        XCTAssertNil(endpoint("./a:b"), "a slash before the colon: a path")
        XCTAssertNil(endpoint("a:b", localPaths: ["a:b"]), "an existing path wins, as in git")
        XCTAssertEqual(endpoint("ssh://h:2222/r")?.knownHostsName, "[h]:2222")
        XCTAssertEqual(endpoint("ssh://h/r")?.knownHostsName, "h")
    }

    func testMatchesKnownHostsPatterns() throws {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiopnR1tXGK9DwdYIBQidJq5/RKdM0fccl5givdocX1"
        let entry = try XCTUnwrap(KnownHostsEntry("*.example.com,!bad.example.com,[h]:2222 \(key) comment"))
        XCTAssertNil(entry.marker)
        XCTAssertEqual(entry.key.type, "ssh-ed25519")
        XCTAssertEqual(entry.key.text, key)
        XCTAssertTrue(entry.matches("git.example.com"))
        XCTAssertTrue(entry.matches("GIT.Example.com"), "host names are case-insensitive")
        XCTAssertFalse(entry.matches("bad.example.com"), "negated")
        XCTAssertFalse(entry.matches("example.com"))
        XCTAssertTrue(entry.matches("[h]:2222"))
        XCTAssertFalse(entry.matches("h"), "port 22 is another entry")
        XCTAssertEqual(KnownHostsEntry("@revoked h \(key)")?.marker, "@revoked")
        XCTAssertNil(KnownHostsEntry("# h \(key)"))
        XCTAssertNil(KnownHostsEntry("h ssh-ed25519 not-base64"))
        XCTAssertNil(KnownHostsEntry("h ssh-rsa \(key.split(separator: " ")[1])"), "the type must be the key's own")
        XCTAssertEqual(SSHPublicKey(line: "\(key) user@host")?.text, key)
        XCTAssertEqual(SSHPublicKey(line: "host \(key)")?.text, key)
        XCTAssertTrue(KnownHostsEntry.glob("web?.example.*", "web1.example.net"))
        XCTAssertFalse(KnownHostsEntry.glob("web?.example.*", "web10.example.net"))
    }

    func testSHA1AndHMAC() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        XCTAssertEqual(hex(SHA1.hash([])), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(hex(SHA1.hash(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(
            hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        // RFC 2202, cases 2 and 6.
        XCTAssertEqual(
            hex(SHA1.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        XCTAssertEqual(
            hex(
                SHA1.hmac(
                    key: [UInt8](repeating: 0xaa, count: 80),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    func testPinnedKeys() {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiopnR1tXGK9DwdYIBQidJq5/RKdM0fccl5givdocX1"
        let offered = SSHPublicKey(line: key)!.blob
        let at = SSHEndpoint(host: "h", port: 2222)
        XCTAssertNil(HostKeyPolicy(RemoteOptions(hostKey: key + " comment")).refusal(offered: offered, at: at))
        let other = HostKeyPolicy(
            RemoteOptions(hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIASP6ToE8Fv02KJS1sLHmliabOEZEJ5aQ0csIesWftSo"))
        XCTAssertEqual(
            other.refusal(offered: offered, at: at),
            "host key mismatch for h:2222: expected ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIASP6ToE8Fv02KJS1sLHmliabOEZEJ5aQ0csIesWftSo,"
                + " offered \(key)")
        XCTAssertTrue(
            HostKeyPolicy(RemoteOptions(hostKey: "AAAA")).refusal(offered: offered, at: at)?.contains("not a key line")
                ?? false)
        XCTAssertFalse(RemoteOptions(passphrase: "secret").description.contains("secret"))
    }
}
