import ArgumentParser
import Foundation
import GitStore
import Manifests
import StatusStore
import Validation
import Zones

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what Baton renders from the manifests.",
        discussion: """
            Examples:
              baton render zone acme.example examples/hosting
            """,
        subcommands: [RenderZone.self])
}

struct RenderZone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone",
        abstract: "Print the zone file Baton renders for a Domain.",
        discussion: """
            The exact text the zone checkers and the primary name server get, with the serial the next apply would \
            write: the last applied serial when the zone's content is unchanged, else the next one (read from the \
            status branch when PATH is in a git repository; today's first serial without history). Exit status: 0 \
            rendered, 1 no such zone, 3 could not run.

            Examples:
              baton render zone acme.example examples/hosting
              baton render zone acme.example hosting --rev main~1
            """
    )

    @Argument(help: "The zone's name (a Domain's metadata.name).")
    var name: String

    @Argument(help: "The repository's root folder.")
    var path: String = "."

    @Option(help: "Render this revision of the git repository at PATH instead of the work tree.")
    var rev: String?

    func run() throws {
        let origin = (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
        let manifests: ManifestSet
        let serials: [String: ZoneSerialsFile.Entry]
        do {
            if let rev {
                let repository = try RepositoryOpening.open(path, option: "PATH")
                let config = try RepositoryConfig.parse(try repository.file(RepositoryConfig.fileName, at: rev) ?? [])
                manifests = try ManifestLoader.load(try repository.source(at: rev)).manifests
                serials = try Self.lastSerials(repository, branch: config.statusBranch)
            } else {
                let config = try RepositoryConfig.load(root: path)
                manifests = try ManifestLoader.load(try DirectorySource(root: path)).manifests
                // A folder outside git has no history: the serial is today's first.
                let repository = try? GitRepository(path: path)
                serials = try repository.map { try Self.lastSerials($0, branch: config.statusBranch) } ?? [:]
            }
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let zones = ZoneInput.zones(of: manifests)
        guard let input = zones.first(where: { $0.origin == origin }) else {
            if let zone = zones.first(where: { $0.subdomains.contains { $0.name == origin } }) {
                Terminal.error(
                    "baton: \(origin) is rendered as part of zone \(zone.origin): baton render zone \(zone.origin)")
            } else {
                let known = zones.map(\.origin).sorted()
                Terminal.error(
                    "baton: no Domain named '\(origin)'\(Suggestion.phrase(for: origin, in: known))")
            }
            throw ExitStatus.invalid
        }
        if let problem = DNSName.zoneProblem(origin) {
            Terminal.error("baton: domain name '\(origin)' is not valid: \(problem) [name.domain]")
            throw ExitStatus.invalid
        }
        let hash = ZoneRenderer.contentHash(input)
        let last = serials[origin].map { ($0.serial, $0.contentHash) }
        let serial = ZoneSerial.next(last: last, contentHash: hash, date: Date())
        print(ZoneRenderer.render(input, serial: serial).text, terminator: "")
    }

    /// The serials the status branch records, as apply reads them.
    static func lastSerials(_ repository: GitRepository, branch: String) throws -> [String: ZoneSerialsFile.Entry] {
        guard let tip = try StatusBranch(repository: repository, name: branch).tip(),
            let bytes = try repository.file(atRoot: ZoneSerialsFile.path, commit: tip)
        else { return [:] }
        return try ZoneSerialsFile.parse(bytes)
    }
}
