import Foundation
import GitStore
import Logging
import Manifests
import Planning
import StatusStore

/// A revision planned against the status branch: the I/O around the pure planner (read the revision, read
/// the applied state, reload what was applied from its own revisions for field-level diffs).
package struct Planned {
    package var plan: Plan
    /// Set when the revision's manifests are not valid: nothing is planned then.
    package var invalid: [Diagnostic]?
    package var manifests: ManifestSet
    /// The status branch the plan was made against.
    package var statusBranch: String = StatusBranch.defaultName
    /// What apply needs besides the plan: the branch as read, and the whole applied forms of the changes.
    package var snapshot: StatusBranch.Snapshot = .empty
    package var details: [Planner.Key: ResourceState] = [:]
    package var previous: [Planner.Key: ResourceState] = [:]
    /// What the status branch's checks found and let pass because the caller repairs it (adopt).
    package var distrusted: [String] = []
    /// `suspend: true` in the revision's baton.yaml: the daemon plans and reports, and applies nothing.
    package var suspended = false

    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    /// `opened`: the repository `repo` already open (the daemon's own). A long-running process passes it, so
    /// that it keeps one pool of libgit2 handles and their remotes: every new handle's remote lookup leaks in
    /// libgit2 1.5.
    @available(*, noasync)
    package static func make(
        repo: String, rev: String, fetch: Bool, zoneChecker: ZoneCheckerChoice?, zoneCache: Bool,
        allowMassDelete: Bool, servers only: [String], logger: Logger, parseCache: ParseCache = ParseCache(),
        reuse: Bool = true, session: PlanSession? = nil, repairing: Bool = false, opened: GitRepository? = nil
    ) throws -> Planned {
        let started = Date()
        let repository: GitRepository
        do {
            repository = try opened ?? GitRepository(path: repo)
        } catch {
            throw PlanFailure(notARepository(repo, error))
        }
        let commit: ObjectID
        do {
            commit = try repository.resolve(rev)
        } catch {
            if repository.headIsUnborn && rev == "HEAD" {
                // Baton plans commits, never files: the first hour's most common stop.
                throw PlanFailure(
                    "\(repository.path) has no commit yet: Baton plans a commit, not the files on disk; commit the "
                        + "manifests first (git add -A && git commit -m 'hosting'), then plan")
            }
            throw PlanFailure(
                "revision '\(rev)' does not exist in \(repository.path): \(gitMessage(error)); name a branch, tag or commit id"
            )
        }
        let config: RepositoryConfig
        let configBytes: [UInt8]
        do {
            configBytes = try repository.file(RepositoryConfig.fileName, at: commit.description) ?? []
            config = try RepositoryConfig.parse(configBytes)
        } catch {
            throw PlanFailure("\(error)")
        }
        if let problem = repository.ownedRefProblem(OwnedRefName.branch(config.statusBranch), applying: rev) {
            throw PlanFailure(
                "\(RepositoryConfig.fileName): statusBranch: \(problem); nothing was read or written: name a branch "
                    + "of Baton's own under baton/ (the default is \(StatusBranch.defaultName))")
        }
        let branch = StatusBranch(repository: repository, name: config.statusBranch)
        if fetch {
            guard try repository.hasRemote("origin") else {
                throw PlanFailure(
                    "--fetch: \(repository.path) has no remote named origin to fetch \(branch.name) from; add it "
                        + "(git remote add origin URL) or plan without --fetch")
            }
            do {
                try repository.fetch(
                    from: "origin", refspecs: ["+refs/heads/\(branch.name):refs/remotes/origin/\(branch.name)"],
                    options: RemoteConfiguration.options())
            } catch {
                throw PlanFailure("cannot fetch \(branch.name) from origin: \(gitMessage(error))")
            }
        }
        // A session has the branch already when its tip did not move; else it is read beside the manifests.
        let status = session == nil ? Background { try branch.snapshot() } : nil
        let checked: CheckedManifests
        do {
            if let session {
                checked = try session.check(
                    repository, commit: commit, config: configBytes, repositoryConfig: config,
                    zoneChecker: zoneChecker, zoneCache: zoneCache, timing: { logger.debug("\($0)") })
            } else {
                checked = try CheckedManifests.check(
                    try repository.source(at: commit.description), config: config, zoneChecker: zoneChecker,
                    zoneCache: zoneCache, parseCache: parseCache, timing: { logger.debug("\($0)") })
            }
        } catch let problem as TreeProblem {
            checked = .refused(problem)
        } catch {
            throw PlanFailure("cannot read \(rev): \(error)")
        }
        if checked.hasErrors {
            return Planned(
                plan: Plan(revision: commit.description, appliedRevision: nil, appliedDigest: "", changes: []),
                invalid: checked.diagnostics, manifests: checked.manifests)
        }
        let loadedAt = Date()
        var snapshot: StatusBranch.Snapshot
        do {
            snapshot = try session?.snapshot(branch) ?? status!.value()
        } catch {
            throw PlanFailure("cannot read the status branch \(branch.name): \(error)")
        }
        var trust = try StatusTrust.checkApplied(
            &snapshot, branch: branch.name, planned: commit, repository: repository, repairing: repairing)
        let applied = snapshot.state
        let managed = snapshot.managed
        if managed > 0, checked.manifests.count == 0 {
            // Every resource would be gone: that is a wrong --repo or revision far more often than a wish.
            throw PlanFailure(
                "\(rev) holds no manifests in \(repository.path)\(repository.prefix.isEmpty ? "" : "/" + repository.prefix), "
                    + "while Baton manages \(managed) resources: a plan from it would delete them all; check --repo "
                    + "(the work tree or a folder of it) and --rev")
        }
        let readAt = Date()
        let deltas = Deltas(planned: commit, repository: repository, cache: parseCache)
        let unknown = Set(only).subtracting(checked.manifests.servers.map(\.name))
        if let name = unknown.sorted().first {
            throw PlanFailure("--server \(name): no Server of that name is declared at \(rev)")
        }
        func input(
            _ desired: [StateDigest], _ details: [Planner.Key: ResourceState],
            _ previous: [Planner.Key: ResourceState], _ scope: Planner.Scope?
        ) -> Planner.Input {
            var input = Planner.Input(
                revision: commit.description, desired: desired, details: details,
                servers: Set(checked.manifests.servers.map(\.name)),
                applied: applied, previous: previous,
                safety: SafetyPolicy(threshold: config.deleteThreshold, minimum: config.deleteMinimum),
                allowMassDelete: allowMassDelete, only: only.isEmpty ? nil : Set(only))
            input.scope = scope
            return input
        }
        let plan: Plan
        let details: [Planner.Key: ResourceState]
        let previous: [Planner.Key: ResourceState]
        if let session, let changedAccounts = session.changedAccounts, !session.forms.isEmpty {
            (plan, details, previous) = try planInSession(
                session, changedAccounts: changedAccounts, manifests: checked.manifests, snapshot: snapshot,
                repository: repository, deltas: deltas, input: { input($0, $1, $2, $3) }, logger: logger)
        } else {
            let reused =
                reuse ? try AppliedReuse.accounts(applied, manifests: checked.manifests, deltas: deltas) : []
            // Applied forms depend on their own account and the servers only: build the others' alone.
            let builder = ResourceStates.Builder(
                reused.isEmpty
                    ? checked.manifests
                    : checked.manifests.within(
                        accounts: Set(checked.manifests.accounts.map(\.name)).subtracting(reused)))
            let desired = builder.digests() + AppliedReuse.digests(applied, accounts: reused)
            logger.debug("applied forms reused for \(reused.count) of \(checked.manifests.accounts.count) accounts")
            let changed = Planner.changed(desired: desired, applied: applied)
            details = Dictionary(
                builder.states(only: Set(changed.map(\.id))).map { (Planner.Key(server: $0.server, id: $0.id), $0) }
                    .filter { changed.contains($0.0) },
                uniquingKeysWith: { a, _ in a })
            let needed = Planner.needed(desired: desired, applied: applied)
            previous = try previousStates(
                needed, applied: applied, manifests: checked.manifests, repository: repository, deltas: deltas)
            plan = Planner.plan(input(desired, details, previous, nil))
            session?.start(desired: desired, details: details, previous: previous, snapshot: snapshot)
        }
        trust.distrusted += try StatusTrust.checkDeletes(
            plan, previous: previous, applied: applied, branch: branch.name, repairing: repairing)
        for warning in trust.notices + trust.distrusted { EngineNotice.say("baton: warning: \(warning)") }
        logger.debug(
            "checked in \(loadedAt.timeIntervalSince(started))s, status read in \(readAt.timeIntervalSince(loadedAt))s, planned in \(Date().timeIntervalSince(readAt))s"
        )
        return Planned(
            plan: plan, invalid: nil, manifests: checked.manifests, statusBranch: branch.name, snapshot: snapshot,
            details: details, previous: previous, distrusted: trust.distrusted, suspended: config.suspend)
    }

    /// A plan in a session: the accounts whose files changed get their desired forms built again, every other
    /// account's come from the session, and only the accounts that differ from the inventory are planned
    /// (`Planner.Scope`), with the whole states the session kept for keys whose inputs did not move.
    package static func planInSession(
        _ session: PlanSession, changedAccounts: Set<String>, manifests: ManifestSet, snapshot: StatusBranch.Snapshot,
        repository: GitRepository, deltas: Deltas,
        input: (
            _ desired: [StateDigest], _ details: [Planner.Key: ResourceState],
            _ previous: [Planner.Key: ResourceState], _ scope: Planner.Scope
        ) -> Planner.Input, logger: Logger
    ) throws -> (Plan, [Planner.Key: ResourceState], [Planner.Key: ResourceState]) {
        let applied = snapshot.state
        let accounts = Set(manifests.accounts.map(\.name))
        let rebuild = changedAccounts.union(accounts.filter { session.forms[$0] == nil })
        let fresh = ResourceStates.Builder(session.part(accounts: rebuild) ?? manifests.within(accounts: rebuild))
            .digests()
        let replaced = rebuild.union(session.forms.keys.filter { !accounts.contains($0) })
        session.replaceForms(of: replaced, with: fresh)
        session.formsBuilt()
        let differing = session.differing(snapshot, changed: replaced)
        logger.debug(
            "session: desired forms built for \(rebuild.count) of \(accounts.count) accounts; \(differing.count) differ from the inventory"
        )

        let desired = differing.flatMap { session.forms[$0] ?? [] }
        let changed = Set(
            desired.lazy.map { Planner.Key(server: $0.server, id: $0.id) }.filter {
                applied.index[$0]?.hash != session.desired[$0]
            })
        session.details = session.details.filter { changed.contains($0.key) && !rebuild.contains($0.value.account) }
        let missing = changed.filter { session.details[$0] == nil }
        if !missing.isEmpty {
            // Whole states of just the accounts that hold them.
            let owners = Set(
                desired.lazy.filter { missing.contains(Planner.Key(server: $0.server, id: $0.id)) }.map(\.account))
            let part = session.part(accounts: owners) ?? manifests.within(accounts: owners)
            for state in ResourceStates.build(part, only: Set(missing.map(\.id))) {
                let key = Planner.Key(server: state.server, id: state.id)
                if changed.contains(key) { session.details[key] = state }
            }
        }

        let inventory = differing.flatMap { session.inventory?.byAccount[$0] ?? [] }
        var previous: [Planner.Key: ResourceState] = [:]
        var needed: [String: Set<Planner.Key>] = [:]
        var kept: [Planner.Key: (revision: String, hash: String, state: ResourceState)] = [:]
        for key in inventory {
            guard let entry = applied.index[key], session.desired[key] != entry.hash else { continue }
            if let old = session.previous[key], old.revision == entry.revision, old.hash == entry.hash {
                previous[key] = old.state
                kept[key] = old
            } else {
                needed[entry.revision, default: []].insert(key)
            }
        }
        for (key, state) in try previousStates(
            needed, applied: applied, manifests: manifests, repository: repository, deltas: deltas,
            part: session.part)
        {
            previous[key] = state
            if let entry = applied.index[key] { kept[key] = (entry.revision, entry.hash, state) }
        }
        session.previous = kept
        let scope = Planner.Scope(
            inventory: inventory, desired: session.desired, unlisted: session.inventory?.unlisted ?? [])
        return (Planner.plan(input(desired, session.details, previous, scope)), session.details, previous)
    }

    /// The applied form of the resources that change or go, rebuilt as of the revision each was applied
    /// from. That revision's manifests are the planned ones with the files that differ read back from it: a
    /// tree diff and those files, not a second load of the repository.
    package static func previousStates(
        _ needed: [String: Set<Planner.Key>], applied: AppliedState, manifests: ManifestSet, repository: GitRepository,
        deltas: Deltas, part: ((Set<String>) -> ManifestSet?)? = nil
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
            // An applied form depends on its account's resources and the servers only: build just those.
            let accounts = Set(keys.compactMap { applied.index[$0]?.account })
            let old =
                part.flatMap { delta.manifestsThen(accounts: accounts, now: $0(accounts)) }
                ?? delta.manifestsThen(from: manifests).within(accounts: accounts)
            for state in ResourceStates.build(old, only: Set(keys.map(\.id))) {
                let key = Planner.Key(server: state.server, id: state.id)
                if keys.contains(key) { previous[key] = state }
            }
        }
        return previous
    }

    package static func gitMessage(_ error: Error) -> String {
        (error as? GitError)?.message ?? "\(error)"
    }

    /// A path that is not a git repository: libgit2's reason in plain words, and what to pass instead.
    package static func notARepository(_ path: String, _ error: Error, option: String = "--repo") -> String {
        "\(path) is not a git repository (nor inside one): \(gitMessage(error)); pass \(option) with the repository's "
            + "folder, or make one (git init, git add -A, git commit)"
    }
}
