import Manifests

/// Validation kept for the next revision, as a process that follows a repository needs it: after a commit that
/// changed a few files, the rules run again over the accounts those files touch, the accounts whose lookups
/// their change can reach, and the neighbours those lookups need (see `ResourceLinks`); every other file keeps
/// its findings. The result is the whole validation's, finding for finding; a change to a Server, which every
/// account reads, validates everything again.
package struct IncrementalValidator: Sendable {
    /// How the last update went: the whole repository, or this many accounts of it.
    package enum Scope: Sendable, Equatable {
        case whole
        case accounts(checked: Int, changed: Int)
    }

    /// Rule findings and duplicate names, by the file they point at.
    private var byFile: [String: [Diagnostic]] = [:]
    private var links: [String: ResourceLinks] = [:]
    private var fileUnits: [String: Set<String>] = [:]
    /// How many Account documents declare each name (a name declared twice is still there when one goes).
    private var accountCounts: [String: Int] = [:]
    /// Sorted, for suggestions.
    private var accountNames: [String] = []
    package private(set) var scope = Scope.whole

    package init(_ files: LoadedFiles) {
        validateWhole(files.manifests)
    }

    /// The accounts whose files changed in the last update; nil when it validated everything.
    package private(set) var changedAccounts: Set<String>?

    /// Every finding of the rules and of the repository-wide name check, in no particular order.
    package var diagnostics: [Diagnostic] { byFile.values.flatMap { $0 } }

    /// Takes in the next revision: `changedFiles` names every file whose content differs between the files
    /// this validator last saw and `new`; `before` holds those files' resources as they were.
    package mutating func update(to new: LoadedFiles, changedFiles: Set<String>, before: ManifestSet) {
        guard !changedFiles.isEmpty else {
            (scope, changedAccounts) = (.accounts(checked: 0, changed: 0), [])
            return
        }
        let after = new.manifests(in: changedFiles)
        guard before.servers.isEmpty, after.servers.isEmpty else { return validateWhole(new.manifests) }
        // The set of names changes only when a count leaves or reaches zero.
        var namesChanged = false
        for account in before.accounts {
            accountCounts[account.name, default: 0] -= 1
            if accountCounts[account.name] == 0 {
                accountCounts[account.name] = nil
                namesChanged = true
            }
        }
        for account in after.accounts {
            accountCounts[account.name, default: 0] += 1
            if accountCounts[account.name] == 1 { namesChanged = true }
        }
        if namesChanged { accountNames = accountCounts.keys.sorted() }
        let counts = accountCounts
        var changed = Set<String>()
        for part in [before, after] { changed.formUnion(part.owningAccounts) }
        // The changed accounts' links as they were and as they are.
        var files = changedFiles
        for account in changed { files.formUnion(links[account]?.files ?? []) }
        let fresh = ResourceLinks.of(new.manifests(in: files, accounts: changed)) { counts[$0] != nil }
        var offered = Set<Int>()
        for account in changed {
            offered.formUnion(links[account]?.provides ?? [])
            offered.formUnion(fresh[account]?.provides ?? [])
        }
        if namesChanged { offered.insert(ResourceLinks.anyAccount) }
        for account in changed { links[account] = fresh[account] }

        // Accounts whose findings may change: the changed ones, those that look up what they offer(ed), and
        // any account sharing a file with those.
        var affected = changed
        for (account, link) in links where !affected.contains(account) && !link.reads.isDisjoint(with: offered) {
            affected.insert(account)
        }
        var pending = Array(affected)
        var seen = Set<String>()
        while let account = pending.popLast() {
            for file in links[account]?.files ?? [] where seen.insert(file).inserted {
                for other in fileUnits[file] ?? [] where affected.insert(other).inserted { pending.append(other) }
            }
        }
        files.formUnion(seen)
        // Their neighbours: whoever offers what they look up, so the rules see every resource they need.
        var wanted = Set<Int>()
        for account in affected { wanted.formUnion(links[account]?.reads ?? []) }
        var neighbourhood = affected
        var partFiles = files
        for (account, link) in links
        where !neighbourhood.contains(account) && !link.provides.isDisjoint(with: wanted) {
            neighbourhood.insert(account)
            partFiles.formUnion(link.files)
        }
        let part = new.manifests(in: partFiles, accounts: neighbourhood)
        let findings = Validator.validate(part, accountNames: accountNames) + ManifestLoader.duplicates(in: part)
        for file in files { byFile[file] = nil }
        for diagnostic in findings where files.contains(diagnostic.location.file) {
            byFile[diagnostic.location.file, default: []].append(diagnostic)
        }
        for file in changedFiles { fileUnits[file] = nil }
        for account in changed {
            for file in links[account]?.files ?? [] { fileUnits[file, default: []].insert(account) }
        }
        (scope, changedAccounts) = (.accounts(checked: affected.count, changed: changed.count), changed)
    }

    /// The files that hold resources of these accounts.
    package func files(of accounts: Set<String>) -> Set<String> {
        var files = Set<String>()
        for account in accounts { files.formUnion(links[account]?.files ?? []) }
        return files
    }

    private mutating func validateWhole(_ set: ManifestSet) {
        byFile = Dictionary(
            grouping: Validator.validate(set) + ManifestLoader.duplicates(in: set), by: \.location.file)
        accountCounts = Dictionary(set.accounts.map { ($0.name, 1) }, uniquingKeysWith: +)
        accountNames = accountCounts.keys.sorted()
        let counts = accountCounts
        links = ResourceLinks.of(set) { counts[$0] != nil }
        fileUnits = [:]
        for (account, link) in links {
            for file in link.files { fileUnits[file, default: []].insert(account) }
        }
        (scope, changedAccounts) = (.whole, nil)
    }
}
