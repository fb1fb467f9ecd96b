/// One load kept for the next: each manifest file's decoded documents by path. Loading a revision that differs
/// in a few files then decodes those files only and splices their resources into the set in place, in path
/// order (the order every rule and the planner see), so it is exactly the set a whole load gives.
package struct LoadedFiles: Sendable {
    private var results: [String: ManifestLoader.FileResult]
    /// Sorted, as sources list them; `counts` runs beside it.
    private var paths: [String]
    private var counts: [Counts]
    package private(set) var manifests = ManifestSet()
    /// The files that have problems of their own (YAML, schema).
    private var problems: [String: [Diagnostic]] = [:]
    package private(set) var documents = 0

    package var count: Int { paths.count }

    /// Each file's own problems, in path order. Checks across files are validation's.
    package var diagnostics: [Diagnostic] { problems.keys.sorted().flatMap { problems[$0]! } }

    package init(_ source: some ManifestSource, cache: ParseCache? = nil) throws {
        paths = try source.manifestPaths().sorted()
        let decoded = ManifestLoader.decode(paths, from: source, cache: cache)
        results = Dictionary(zip(paths, decoded), uniquingKeysWith: { a, _ in a })
        counts = []
        assemble()
    }

    /// Takes in a new revision. `changed` names every path whose content differs from the loaded one (added,
    /// modified, deleted, and both names of a rename); `source` is the new revision, and may list only the
    /// changed paths that are manifests there. Paths it does not list are gone.
    package mutating func update(changed: Set<String>, from source: some ManifestSource, cache: ParseCache? = nil)
        throws
    {
        guard !changed.isEmpty else { return }
        let present = try source.manifestPaths().filter { changed.contains($0) }.sorted()
        let decoded = Dictionary(
            zip(present, ManifestLoader.decode(present, from: source, cache: cache)), uniquingKeysWith: { a, _ in a })
        // Many changes at once: assembling anew costs less than splicing each.
        if changed.count > 64 && changed.count > paths.count / 16 {
            for path in changed { results[path] = decoded[path] }
            paths = results.keys.sorted()
            return assemble()
        }
        for path in changed.sorted() { splice(path, decoded[path]) }
    }

    /// The resources of these files, in path order: what a change added or took away, without a pass over the
    /// whole set.
    package func manifests(in files: some Collection<String>) -> ManifestSet {
        var set = ManifestSet()
        for path in files.sorted() {
            if let result = results[path] { set.append(contentsOf: result.set) }
        }
        return set
    }

    /// Every server, and the resources of these accounts that lie in these files, in path order: a part of the
    /// repository gathered from its files alone.
    package func manifests(in files: some Collection<String>, accounts: Set<String>) -> ManifestSet {
        var set = ManifestSet()
        set.servers = manifests.servers
        for path in files.sorted() {
            guard let result = results[path] else { continue }
            var part = result.set.within(accounts: accounts)
            part.servers = []
            set.append(contentsOf: part)
        }
        return set
    }

    /// Replaces one file's resources (none when `result` is nil) where the file lies in path order.
    private mutating func splice(_ path: String, _ result: ManifestLoader.FileResult?) {
        var low = 0
        var high = paths.count
        while low < high {
            let mid = (low + high) / 2
            if paths[mid] < path { low = mid + 1 } else { high = mid }
        }
        let exists = low < paths.count && paths[low] == path
        var start = Counts()
        for i in 0..<low { start.add(counts[i]) }
        let old = exists ? counts[low] : Counts()
        let new = result.map { Counts($0.set) } ?? Counts()
        let set = result?.set ?? ManifestSet()
        manifests.servers.replaceSubrange(start.servers..<start.servers + old.servers, with: set.servers)
        manifests.accounts.replaceSubrange(start.accounts..<start.accounts + old.accounts, with: set.accounts)
        manifests.systemUsers.replaceSubrange(
            start.systemUsers..<start.systemUsers + old.systemUsers, with: set.systemUsers)
        manifests.domains.replaceSubrange(start.domains..<start.domains + old.domains, with: set.domains)
        manifests.webApps.replaceSubrange(start.webApps..<start.webApps + old.webApps, with: set.webApps)
        manifests.monitoredSites.replaceSubrange(
            start.monitoredSites..<start.monitoredSites + old.monitoredSites, with: set.monitoredSites)
        documents += (result?.documents ?? 0) - (results[path]?.documents ?? 0)
        switch (exists, result != nil) {
        case (true, true): counts[low] = new
        case (true, false):
            paths.remove(at: low)
            counts.remove(at: low)
        case (false, true):
            paths.insert(path, at: low)
            counts.insert(new, at: low)
        case (false, false): break
        }
        results[path] = result
        problems[path] = result.flatMap { $0.diagnostics.isEmpty ? nil : $0.diagnostics }
    }

    private mutating func assemble() {
        var set = ManifestSet()
        documents = 0
        problems = [:]
        counts = []
        counts.reserveCapacity(paths.count)
        for path in paths {
            guard let result = results[path] else { continue }
            set.append(contentsOf: result.set)
            counts.append(Counts(result.set))
            if !result.diagnostics.isEmpty { problems[path] = result.diagnostics }
            documents += result.documents
        }
        manifests = set
    }

    /// How many resources of each kind one file holds: where its resources start in the set's arrays.
    private struct Counts: Sendable {
        var servers = 0
        var accounts = 0
        var systemUsers = 0
        var domains = 0
        var webApps = 0
        var monitoredSites = 0

        init() {}

        init(_ set: ManifestSet) {
            (servers, accounts, systemUsers) = (set.servers.count, set.accounts.count, set.systemUsers.count)
            (domains, webApps, monitoredSites) = (set.domains.count, set.webApps.count, set.monitoredSites.count)
        }

        mutating func add(_ other: Counts) {
            servers += other.servers
            accounts += other.accounts
            systemUsers += other.systemUsers
            domains += other.domains
            webApps += other.webApps
            monitoredSites += other.monitoredSites
        }
    }
}
