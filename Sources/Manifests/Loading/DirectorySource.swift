import Concurrency
import Dispatch
import Foundation

/// The manifests of a working tree: every `*.yaml`/`*.yml` below the root, hidden folders and files
/// skipped, and anything matched by the root's `.batonignore`.
package struct DirectorySource: ManifestSource {
    package let root: String
    package let ignore: IgnoreList

    package init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw SourceError("\(root): no such file or directory")
        }
        guard isDirectory.boolValue else { throw SourceError("\(root): not a directory") }
        guard FileManager.default.isReadableFile(atPath: root) else { throw SourceError("\(root): permission denied") }
        self.root = root
        let ignoreFile = (root as NSString).appendingPathComponent(IgnoreList.fileName)
        ignore = try IgnoreList.parse(try ConfigFile.read(ignoreFile, name: IgnoreList.fileName) ?? [])
    }

    /// Walks the tree a level at a time, listing the folders of each level on all cores: a hosting
    /// repository is wide (`accounts/` holds a folder per tenant) rather than deep.
    /// Every folder listed is held to `TreeRules`, as a commit of it would be (a `TreeProblem` refuses the whole
    /// folder): a folder and a commit of it never load differently.
    package func manifestPaths() throws -> [String] {
        try walk(visiting: Optional<@Sendable (String) -> Bool>.none).paths
    }

    /// The manifest paths, sorted, each with what `visit` made of it (in `results`, in the same order): a file is
    /// visited on the core that listed its folder, as soon as it is listed, instead of after the whole tree is (the
    /// first levels of a wide tree are listed on one core while the others would wait). A tree `TreeRules` refuses
    /// is refused as by `manifestPaths()`, whatever was visited before its problem was found; no more than
    /// `TreeRules.maxEntries` files are ever visited.
    package func manifestPaths<R: Sendable>(visiting visit: @escaping @Sendable (String) -> R) throws -> (
        paths: [String], results: [R]
    ) {
        try walk(visiting: visit)
    }

    private func walk<R: Sendable>(visiting visit: (@Sendable (String) -> R)?) throws -> (
        paths: [String], results: [R]
    ) {
        var paths: [String] = []
        var results: [R] = []
        var level = [""]
        var depth = 0
        var total = 0
        while !level.isEmpty {
            let folders = level
            depth += 1
            let listed = Slots<Result<Listing<R>, Error>>(count: folders.count)
            // Entries that may still be listed before the tree is too large: files are visited only within it. A
            // folder that finds no room is one of a level whose entries pass the limit, which the loop below
            // refuses before anything is returned.
            let room = LockedBox(TreeRules.maxEntries - total)
            DispatchQueue.concurrentPerform(iterations: folders.count) { i in
                var listing = Listing<R>()
                do {
                    try list(folders[i], into: &listing)
                    if let visit, !listing.files.isEmpty,
                        room.update({ left in
                            left -= listing.entries
                            return left >= 0
                        })
                    {
                        listing.results = listing.files.map(visit)
                    }
                    listed.set(i, .success(listing))
                } catch {
                    listed.set(i, .failure(error))
                }
            }
            level = []
            for (i, result) in listed.values().enumerated() {
                let listing = try result.get()
                if let first = listing.first {
                    try TreeRules.checkDepth(depth, path: TreeRules.join(folders[i], first))
                }
                total += listing.entries
                try TreeRules.checkCount(total, path: Array(folders[i].utf8))
                paths += listing.files
                results += listing.results
                level += listing.folders
            }
        }
        guard visit != nil else { return (paths.sorted(), []) }
        // Each path sorted with its result's position: moving the results about would copy more than the numbers.
        var order = zip(paths, paths.indices).map { (path: $0, at: $1) }
        order.sort { $0.path < $1.path }
        return (order.map(\.path), order.map { results[$0.at] })
    }

    private struct Listing<R: Sendable>: Sendable {
        var files: [String] = []
        var folders: [String] = []
        var entries = 0
        var first: [UInt8]?
        /// What was made of each file, in the order of `files`.
        var results: [R] = []
    }

    private func list<R: Sendable>(_ relative: String, into listing: inout Listing<R>) throws {
        let absolute = relative.isEmpty ? root : root + "/" + relative
        guard let dir = opendir(absolute) else {
            throw SourceError("\(absolute): cannot list the folder (\(String(cString: strerror(errno))))")
        }
        defer { closedir(dir) }
        var entries: [(name: String, type: UInt8)] = []
        var names: [[UInt8]] = []
        let git = Array(".git".utf8)
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            // `.` and `..` are the listing's own; `.git` is the repository a work tree holds, never its content.
            guard bytes != [0x2E], bytes != [0x2E, 0x2E], bytes != git else { continue }
            names.append(bytes)
            entries.append((String(decoding: bytes, as: UTF8.self), entry.pointee.d_type))
        }
        try TreeRules.check(folder: relative, names: names)
        listing.entries = names.count
        listing.first = names.first
        for (name, type) in entries {
            guard !name.hasPrefix(".") else { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var type = type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard lstat(root + "/" + path, &info) == 0 else { continue }
                type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            } else if type == UInt8(DT_LNK) {
                // Never descended; one with a manifest's name is read by `LinkRule`, as from a revision, or is
                // an error at the link.
                type = UInt8(DT_REG)
            }
            if type == UInt8(DT_DIR) {
                if !ignore.matches(path, isDirectory: true) { listing.folders.append(path) }
            } else if type == UInt8(DT_REG), ManifestPath.isManifest(path), !ignore.matches(path, isDirectory: false) {
                listing.files.append(path)
            }
        }
    }

    /// What `path` is, by `lstat` of each component: a link on the way is no folder, as in a git tree.
    func entry(_ path: String) -> LinkRule.Entry {
        var here = root
        let parts = path.split(separator: "/")
        for (index, part) in parts.enumerated() {
            here += "/" + part
            var info = stat()
            guard lstat(here, &info) == 0 else { return .missing }
            let kind = info.st_mode & S_IFMT
            if index < parts.count - 1 {
                guard kind == S_IFDIR else { return .missing }
                continue
            }
            switch kind {
            case S_IFREG: return .file
            case S_IFDIR: return .folder
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: 4097)
                let n = readlink(here, &buffer, 4096)
                guard n >= 0 else { return .missing }
                return .link(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            default: return .other
            }
        }
        return .folder
    }

    package func read(_ path: String) throws -> [UInt8] {
        // Almost every path is a regular file: opened at once without following a link at its end (O_NOFOLLOW),
        // which fails with ELOOP exactly when there is one. Only then is the path walked with `lstat` (three
        // calls for `accounts/NAME/FILE`, which at 50,000 files cost more than reading them) and the link
        // resolved by the rule; a path whose last component is no link opens the same file either way.
        // Non-blocking, so that a FIFO planted in the tree cannot hang the open before it is refused.
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW
        var fd = open(root + "/" + path, flags)
        if fd < 0, errno == ELOOP {
            var file = path
            if case .link = entry(path) { file = try LinkRule.resolve(path, entry: entry) }
            fd = open(root + "/" + file, flags)
        }
        guard fd >= 0 else { throw SourceError("cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SourceError("cannot read the file: \(String(cString: strerror(errno)))")
        }
        // Only regular files: a link to /dev/zero or a FIFO would never end. Size is checked before reading.
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw SourceError("cannot read the file: not a regular file") }
        guard Int(info.st_size) <= ManifestLoader.maxFileSize else {
            throw ManifestReadError.tooLarge(Int(info.st_size))
        }
        // One byte more than the size, so that the read that finds the end needs no larger buffer (growing it
        // would copy every file once more); a file that grew since `fstat` still reads whole.
        var bytes = [UInt8](repeating: 0, count: max(0, Int(info.st_size)) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceError("cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}

/// `.batonignore`: one glob per line (`#` comments), matched against the path relative to the root;
/// a pattern without `/` matches a name at any depth, and a trailing `/` matches folders only.
package struct IgnoreList: Sendable {
    /// The file, at the repository root.
    package static let fileName = ".batonignore"

    private var patterns: [(glob: String, anchored: Bool, directoryOnly: Bool)] = []

    /// The file's bytes, which must be UTF-8 text: one bad byte, even in a comment, is an error at the file, not
    /// a list that silently hides nothing.
    package static func parse(_ bytes: [UInt8]) throws -> IgnoreList {
        IgnoreList(try ConfigFile.text(bytes, name: fileName))
    }

    package init(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let directoryOnly = line.hasSuffix("/")
            if directoryOnly { line.removeLast() }
            let anchored = line.contains("/")
            if line.hasPrefix("/") { line.removeFirst() }
            patterns.append((line, anchored, directoryOnly))
        }
    }

    package func matches(_ path: String, isDirectory: Bool) -> Bool {
        // Every file and folder of the tree is asked about, and most repositories ignore nothing.
        guard !patterns.isEmpty else { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return patterns.contains { pattern in
            if pattern.directoryOnly && !isDirectory { return false }
            return fnmatch(pattern.glob, pattern.anchored ? path : name, pattern.anchored ? FNM_PATHNAME : 0) == 0
        }
    }
}
