import Dispatch
import Foundation

/// Loads every manifest of a source into a `ManifestSet`, reading and parsing files on all cores.
public enum ManifestLoader {
    public struct Result: Sendable {
        public var manifests: ManifestSet
        public var diagnostics: [Diagnostic]
        public var files: Int
        public var documents: Int
    }

    /// Larger files are refused before parsing: no manifest is this big, and the tree would be.
    public static let maxFileSize = 16 << 20

    /// Throws only when the source itself cannot be listed; a file that cannot be read is a diagnostic.
    public static func load(_ source: some ManifestSource, cache: ParseCache? = nil) throws -> Result {
        let files = try LoadedFiles(source, cache: cache)
        return Result(
            manifests: files.manifests, diagnostics: files.diagnostics + duplicates(in: files.manifests),
            files: files.count, documents: files.documents)
    }

    /// Each path's file read and decoded, in the order of `paths`, on all cores.
    static func decode(_ paths: [String], from source: some ManifestSource, cache: ParseCache?) -> [FileResult] {
        let slots = Slots<FileResult>(count: paths.count)
        // Chunks keep scheduling cheap for tens of thousands of small files.
        let chunk = 64
        let chunks = (paths.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(paths.count, (c + 1) * chunk) {
                let path = paths[i]
                let result: FileResult
                // The key holds the path too: positions and tenancy depend on where the content lies.
                let key = cache == nil ? nil : source.contentID(path).map { "\($0) \(path)" }
                if let key, let cached = cache?.lookup(key) {
                    slots.set(i, cached)
                    continue
                }
                do {
                    result = decode(file: path, bytes: try source.read(path))
                    if let key { cache?.store(result, key) }
                } catch let problem as ManifestReadError {
                    result = FileResult(
                        set: ManifestSet(), documents: 0,
                        diagnostics: [
                            .error(
                                at: SourceLocation(file: path, mark: .start), rule: problem.rule, problem.message,
                                hint: problem.hint)
                        ])
                } catch {
                    let location = SourceLocation(file: path, mark: .start)
                    result = FileResult(
                        set: ManifestSet(), documents: 0,
                        diagnostics: [
                            .error(
                                at: location, rule: "io.read", "\(error)",
                                hint: "check the file's permissions, or list it in .batonignore")
                        ])
                }
                slots.set(i, result)
            }
        }
        return slots.values()
    }

    public struct FileResult: Sendable {
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
        let parsed = YAMLReader.read(bytes)
        var diagnostics = parsed.problems.map {
            Diagnostic.error(at: SourceLocation(file: file, mark: $0.mark), rule: $0.rule, $0.message, hint: $0.hint)
        }
        for document in parsed.documents {
            diagnostics += DocumentDecoder.decode(document, file: file, into: &set)
        }
        return FileResult(set: set, documents: parsed.documents.count, diagnostics: diagnostics)
    }

    /// `kind` + `name` is unique across the repository: the second of two is reported, at its name.
    public static func duplicates(in set: ManifestSet) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        func check<S>(_ items: [Manifest<S>], _ kind: Kind) {
            var first: [String: Origin] = [:]
            for item in items {
                if let earlier = first[item.name] {
                    let at = earlier.location("metadata.name")
                    diagnostics.append(
                        .error(
                            at: item.origin.location("metadata.name"), rule: "resource.duplicate",
                            "\(kind.rawValue) '\(item.name)' is already declared at \(at.file):\(at.line)",
                            hint: "remove one of the two, or give this one another name"))
                } else {
                    first[item.name] = item.origin
                }
            }
        }
        check(set.servers, .server)
        check(set.accounts, .account)
        check(set.systemUsers, .systemUser)
        check(set.domains, .domain)
        check(set.webApps, .webApp)
        check(set.monitoredSites, .monitoredSite)
        return diagnostics
    }
}

/// Fixed slots that concurrent workers fill, each writing only its own index.
public final class Slots<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()

    public init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    public func set(_ index: Int, _ value: T) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    public func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}

/// Decoded files by content id: a process that loads revision after revision (the daemon) decodes only the
/// files whose blobs changed. Entries are kept for the cache's life; the daemon that holds one bounds it.
public final class ParseCache: @unchecked Sendable {
    private var entries: [String: ManifestLoader.FileResult] = [:]
    private let lock = NSLock()
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    func lookup(_ key: String) -> ManifestLoader.FileResult? {
        lock.lock()
        defer { lock.unlock() }
        let entry = entries[key]
        if entry == nil { misses += 1 } else { hits += 1 }
        return entry
    }

    func store(_ result: ManifestLoader.FileResult, _ key: String) {
        lock.lock()
        entries[key] = result
        lock.unlock()
    }

    public func resetCounters() {
        lock.lock()
        (hits, misses) = (0, 0)
        lock.unlock()
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
