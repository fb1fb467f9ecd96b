import Foundation
import GitStore
import Logging
import Manifests
import Planning
import StatusStore

/// A revision planned against the status branch: the I/O around the pure planner (read the revision, read
/// the applied state, reload what was applied from its own revisions for field-level diffs).
struct Planned {
    var plan: Plan
    /// Set when the revision's manifests are not valid: nothing is planned then.
    var invalid: [Diagnostic]?
    var manifests: ManifestSet
    /// The status branch the plan was made against.
    var statusBranch: String = StatusBranch.defaultName
    /// What apply needs besides the plan: the branch as read, and the whole applied forms of the changes.
    var snapshot: StatusBranch.Snapshot = .empty
    var details: [Planner.Key: ResourceState] = [:]
    var previous: [Planner.Key: ResourceState] = [:]

    static func make(
        repo: String, rev: String, fetch: Bool, zoneChecker: ZoneCheckerChoice?, zoneCache: Bool,
        allowMassDelete: Bool, servers only: [String], logger: Logger, parseCache: ParseCache = ParseCache(),
        reuse: Bool = true
    ) throws -> Planned {
        let started = Date()
        let repository: GitRepository
        do {
            repository = try GitRepository(path: repo)
        } catch {
            throw PlanFailure("\(repo) is not a git repository (nor inside one): \(gitMessage(error))")
        }
        let commit: ObjectID
        do {
            commit = try repository.resolve(rev)
        } catch {
            throw PlanFailure(
                "revision '\(rev)' does not exist in \(repository.path): \(gitMessage(error)); name a branch, tag or commit id"
            )
        }
        let config: RepositoryConfig
        do {
            config = try RepositoryConfig.parse(
                try repository.file(RepositoryConfig.fileName, at: commit.description) ?? [])
        } catch {
            throw PlanFailure("\(error)")
        }
        let branch = StatusBranch(repository: repository, name: config.statusBranch)
        if fetch {
            do {
                try repository.fetch(
                    from: "origin", refspecs: ["+refs/heads/\(branch.name):refs/remotes/origin/\(branch.name)"],
                    options: RemoteConfiguration.options())
            } catch {
                throw PlanFailure("cannot fetch \(branch.name) from origin: \(gitMessage(error))")
            }
        }
        let status = Background { try branch.snapshot() }
        let checked: CheckedManifests
        do {
            checked = try CheckedManifests.check(
                try repository.source(at: commit.description), config: config, zoneChecker: zoneChecker,
                zoneCache: zoneCache, parseCache: parseCache, timing: { logger.debug("\($0)") })
        } catch {
            throw PlanFailure("cannot read \(rev): \(error)")
        }
        if checked.hasErrors {
            return Planned(
                plan: Plan(revision: commit.description, appliedRevision: nil, appliedDigest: "", changes: []),
                invalid: checked.diagnostics, manifests: checked.manifests)
        }
        let loadedAt = Date()
        let snapshot: StatusBranch.Snapshot
        do {
            snapshot = try status.value()
        } catch {
            throw PlanFailure("cannot read the status branch \(branch.name): \(error)")
        }
        let applied = snapshot.state
        let readAt = Date()
        let deltas = Deltas(planned: commit, repository: repository, cache: parseCache)
        let reused = reuse ? try AppliedReuse.accounts(applied, manifests: checked.manifests, deltas: deltas) : []
        // Applied forms depend on their own account and the servers only: build the others' alone.
        let builder = ResourceStates.Builder(
            reused.isEmpty
                ? checked.manifests
                : checked.manifests.within(accounts: Set(checked.manifests.accounts.map(\.name)).subtracting(reused)))
        let desired = builder.digests() + AppliedReuse.digests(applied, accounts: reused)
        logger.debug("applied forms reused for \(reused.count) of \(checked.manifests.accounts.count) accounts")
        let changed = Planner.changed(desired: desired, applied: applied)
        let details = Dictionary(
            builder.states(only: Set(changed.map(\.id))).map { (Planner.Key(server: $0.server, id: $0.id), $0) }
                .filter { changed.contains($0.0) },
            uniquingKeysWith: { a, _ in a })
        let builtAt = Date()
        let needed = Planner.needed(desired: desired, applied: applied)
        let previous = try previousStates(
            needed, applied: applied, manifests: checked.manifests, repository: repository, deltas: deltas)
        logger.debug(
            "desired states in \(builtAt.timeIntervalSince(readAt))s, previous states in \(Date().timeIntervalSince(builtAt))s"
        )
        let unknown = Set(only).subtracting(checked.manifests.servers.map(\.name))
        if let name = unknown.sorted().first {
            throw PlanFailure("--server \(name): no Server of that name is declared at \(rev)")
        }
        let plan = Planner.plan(
            Planner.Input(
                revision: commit.description, desired: desired, details: details,
                servers: Set(checked.manifests.servers.map(\.name)),
                applied: applied, previous: previous,
                safety: SafetyPolicy(threshold: config.deleteThreshold, minimum: config.deleteMinimum),
                allowMassDelete: allowMassDelete, only: only.isEmpty ? nil : Set(only)))
        logger.debug(
            "checked in \(loadedAt.timeIntervalSince(started))s, status read in \(readAt.timeIntervalSince(loadedAt))s, planned in \(Date().timeIntervalSince(readAt))s"
        )
        return Planned(
            plan: plan, invalid: nil, manifests: checked.manifests, statusBranch: branch.name, snapshot: snapshot,
            details: details, previous: previous)
    }

    /// The applied form of the resources that change or go, rebuilt as of the revision each was applied
    /// from. That revision's manifests are the planned ones with the files that differ read back from it: a
    /// tree diff and those files, not a second load of the repository.
    static func previousStates(
        _ needed: [String: Set<Planner.Key>], applied: AppliedState, manifests: ManifestSet, repository: GitRepository,
        deltas: Deltas
    ) throws -> [Planner.Key: ResourceState] {
        var previous: [Planner.Key: ResourceState] = [:]
        for (revision, keys) in needed.sorted(by: { $0.key < $1.key }) {
            guard let id = try? repository.resolve(revision), repository.hasCommit(id) else {
                if repository.isShallow {
                    throw PlanFailure(
                        "the revision last applied (\(revision)) is not in this shallow clone: fetch the whole history "
                            + "(git fetch --unshallow, or fetch-depth: 0 in actions/checkout) and the status branch")
                }
                continue  // history rewritten and collected: the plan says the field diffs are unknown
            }
            let delta = try deltas.delta(revision)
            let old = delta.manifestsThen(from: manifests)
            // An applied form depends on its account's resources and the servers only: build just those.
            let accounts = Set(keys.compactMap { applied.index[$0]?.account })
            for state in ResourceStates.build(old.within(accounts: accounts), only: Set(keys.map(\.id))) {
                let key = Planner.Key(server: state.server, id: state.id)
                if keys.contains(key) { previous[key] = state }
            }
        }
        return previous
    }

    static func gitMessage(_ error: Error) -> String {
        (error as? GitError)?.message ?? "\(error)"
    }
}
