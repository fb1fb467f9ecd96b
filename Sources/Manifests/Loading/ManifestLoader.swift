import Concurrency
import Dispatch
import Foundation

/// Loads every manifest of a source into a `ManifestSet`, reading and parsing files on all cores.
package enum ManifestLoader {
    package struct Result: Sendable {
        package var manifests: ManifestSet
        package var diagnostics: [Diagnostic]
        package var files: Int
        package var documents: Int
    }

    /// Larger files are refused before parsing: no manifest is this big, and the tree would be.
    package static let maxFileSize = 16 << 20

    /// Throws only when the source itself cannot be listed; a file that cannot be read is a diagnostic.
    /// The set as `LoadedFiles` assembles it, without the table by path it keeps for later updates: a load
    /// that is used once needs none, and building and freeing it was a tenth of loading's serial part.
    package static func load(_ source: some ManifestSource, cache: ParseCache? = nil) throws -> Result {
        let paths: [String]
        let decoded: [FileResult]
        if cache == nil, let folder = source as? DirectorySource {
            // Each file read and decoded as soon as its folder is listed: listing the first levels of a wide tree
            // no longer keeps the other cores waiting. The same files, results and order as below.
            (paths, decoded) = try folder.manifestPaths(visiting: { decode(path: $0, from: folder, cache: nil) })
        } else {
            // A folder lists its paths sorted already: checking costs one comparison a path, sorting again twenty.
            let listed = try source.manifestPaths()
            paths = zip(listed, listed.dropFirst()).allSatisfy({ $0 <= $1 }) ? listed : listed.sorted()
            decoded = decode(paths, from: source, cache: cache)
        }
        // Each kind gathered on a core of its own: this runs after every file is decoded, when nothing else does.
        let set = ManifestSet(concatenating: decoded.map(\.set))
        var diagnostics: [Diagnostic] = []
        var documents = 0
        // `decoded` is in path order, so each file's own problems come in the order `LoadedFiles` reports them.
        for result in decoded {
            diagnostics += result.diagnostics
            documents += result.documents
        }
        // The files' own results hold a second reference to every resource: letting them go was 50,000 results
        // released one by one on this thread while the other cores waited for the rules. Another thread does it,
        // beside them; nothing reads them after this.
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(decoded) {} }
        return Result(
            manifests: set, diagnostics: diagnostics + duplicates(in: set), files: paths.count, documents: documents)
    }

    /// Each path's file read and decoded, in the order of `paths`, on all cores.
    static func decode(_ paths: [String], from source: some ManifestSource, cache: ParseCache?) -> [FileResult] {
        let slots = Slots<FileResult>(count: paths.count)
        // Chunks keep scheduling cheap for tens of thousands of small files.
        let chunk = 64
        let chunks = (paths.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(paths.count, (c + 1) * chunk) {
                slots.set(i, decode(path: paths[i], from: source, cache: cache))
            }
        }
        return slots.values()
    }

    /// One path's file read and decoded (or taken from the cache); a file that cannot be read is a diagnostic.
    static func decode(path: String, from source: some ManifestSource, cache: ParseCache?) -> FileResult {
        // The key holds the path too: positions and tenancy depend on where the content lies.
        let key = cache == nil ? nil : source.contentID(path).map { "\($0) \(path)" }
        if let key, let cached = cache?.lookup(key) { return cached }
        do {
            let result = decode(file: path, bytes: try source.read(path))
            if let key { cache?.store(result, key) }
            return result
        } catch let problem as ManifestReadError {
            return FileResult(
                set: ManifestSet(), documents: 0,
                diagnostics: [
                    .error(
                        at: SourceLocation(file: path, mark: .start), rule: problem.rule, problem.message,
                        hint: problem.hint)
                ])
        } catch {
            let location = SourceLocation(file: path, mark: .start)
            return FileResult(
                set: ManifestSet(), documents: 0,
                diagnostics: [
                    .error(
                        at: location, rule: "io.read", "\(error)",
                        hint: "check the file's permissions, or list it in .batonignore")
                ])
        }
    }

    package struct FileResult: Sendable {
        var set: ManifestSet
        var documents: Int
        var diagnostics: [Diagnostic]
    }

    /// One file's documents, decoded; pure, so a cache keyed by content can reuse it.
    static func decode(file: String, bytes: [UInt8]) -> FileResult {
        var set = ManifestSet()
        guard bytes.count <= maxFileSize else {
            let problem = ManifestReadError.tooLarge(bytes.count)
            let diagnostic = Diagnostic.error(
                at: SourceLocation(file: file, mark: .start), rule: problem.rule, problem.message, hint: problem.hint)
            return FileResult(set: set, documents: 0, diagnostics: [diagnostic])
        }
        return YAMLReader.withTree(bytes) { tree in
            var diagnostics = tree.problems.map {
                Diagnostic.error(
                    at: SourceLocation(file: file, mark: $0.mark), rule: $0.rule, $0.message, hint: $0.hint)
            }
            for document in tree.documents {
                diagnostics += DocumentDecoder.decode(document.root, file: file, into: &set)
            }
            return FileResult(set: set, documents: tree.documents.count, diagnostics: diagnostics)
        }
    }

    /// `kind` + `name` is unique across the repository: the second of two is reported, at its name.
    package static func duplicates(in set: ManifestSet) -> [Diagnostic] {
        // Kinds are independent: each is checked on a core of its own, and the findings kept in kind order.
        let found = Slots<[Diagnostic]>(count: Kind.allCases.count)
        DispatchQueue.concurrentPerform(iterations: Kind.allCases.count) { k in
            switch k {
            case 0: found.set(k, duplicates(set.servers, .server))
            case 1: found.set(k, duplicates(set.accounts, .account))
            case 2: found.set(k, duplicates(set.systemUsers, .systemUser))
            case 3: found.set(k, duplicates(set.domains, .domain))
            case 4: found.set(k, duplicates(set.webApps, .webApp))
            default: found.set(k, duplicates(set.monitoredSites, .monitoredSite))
            }
        }
        return found.values().flatMap { $0 }
    }

    private static func duplicates<S>(_ items: [Manifest<S>], _ kind: Kind) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        do {
            // Positions, not copies of each origin.
            var first: [String: Int] = Dictionary(minimumCapacity: items.count)
            for i in items.indices {
                if let earlier = first[items[i].name] {
                    let at = items[earlier].origin.location("metadata.name")
                    diagnostics.append(
                        .error(
                            at: items[i].origin.location("metadata.name"), rule: "resource.duplicate",
                            "\(kind.rawValue) '\(items[i].name)' is already declared at \(at.file):\(at.line)",
                            hint: "remove one of the two, or give this one another name"))
                } else {
                    first[items[i].name] = i
                }
            }
        }
        return diagnostics
    }
}

/// Fixed slots that concurrent workers fill, each writing only its own index.
package final class Slots<T: Sendable>: Sendable {
    private let storage: LockedBox<[T?]>

    package init(count: Int) {
        storage = LockedBox(Array(repeating: nil, count: count))
    }

    package func set(_ index: Int, _ value: T) { storage.update { $0[index] = value } }

    package func values() -> [T] { storage.current.compactMap { $0 } }
}

/// Decoded files by content id: a process that loads revision after revision (the daemon) decodes only the
/// files whose blobs changed. Bounded: past `limit` entries, those no load used since the last `resetCounters()`
/// (the start of a plan) are dropped, so a daemon keeps about the files of the revisions it is working on.
package final class ParseCache: Sendable {
    struct State {
        var entries: [String: (result: ManifestLoader.FileResult, used: Int)] = [:]
        var generation = 0
        /// The size past which the next store trims: twice what the last trim kept, so a working set larger
        /// than `limit` is not filtered again at every store.
        var ceiling = 0
        var hits = 0
        var misses = 0
    }

    private let state = LockedBox(State())
    package let limit: Int

    package init(limit: Int = 200_000) { self.limit = limit }

    package var hits: Int { state.current.hits }
    package var misses: Int { state.current.misses }

    func lookup(_ key: String) -> ManifestLoader.FileResult? {
        state.update { state in
            guard let entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            state.entries[key]?.used = state.generation
            return entry.result
        }
    }

    func store(_ result: ManifestLoader.FileResult, _ key: String) {
        state.update { state in
            state.entries[key] = (result, state.generation)
            if state.entries.count > max(limit, state.ceiling) {
                let current = state.generation
                state.entries = state.entries.filter { $0.value.used >= current - 1 }
                state.ceiling = state.entries.count * 2
            }
        }
    }

    /// A new plan starts: counters to zero, and what the coming loads use is told from what earlier ones did.
    package func resetCounters() {
        state.update { state in
            (state.hits, state.misses) = (0, 0)
            state.generation += 1
        }
    }

    package var count: Int { state.current.entries.count }
}
