import CGit2
import Manifests

extension GitRepository {
    /// The commit a full reference name points to (e.g. "refs/heads/baton/status",
    /// "refs/remotes/origin/baton/status"), nil when the ref does not exist.
    package func reference(_ fullName: String) throws -> ObjectID? {
        try handles.use { try Self.reference($0, fullName) }
    }

    /// True for a shallow clone (git_repository_is_shallow).
    package var isShallow: Bool {
        (try? handles.use { git_repository_is_shallow($0) == 1 }) ?? false
    }

    /// Whether the object database holds this commit.
    package func hasCommit(_ id: ObjectID) -> Bool {
        (try? handles.use { repo in
            var odb: OpaquePointer?
            guard git_repository_odb(&odb, repo) == 0 else { return false }
            defer { git_odb_free(odb) }
            var oid = id.oid
            var size = 0
            var type = GIT_OBJECT_INVALID
            // The header alone: a commit's type without inflating it, and a miss costs no parse.
            guard git_odb_read_header(&size, &type, odb, &oid) == 0 else { return false }
            return type == GIT_OBJECT_COMMIT
        }) ?? false
    }

    /// Every blob under `folder` (recursive) of a commit's tree, paths relative to the repository root (not the
    /// opened prefix); empty when the folder does not exist. `folder` "" means the whole tree. Hidden entries are
    /// kept: this is storage, not the manifests.
    package func files(under folder: String, at commit: ObjectID) throws -> [String: ObjectID] {
        let folder = folder.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return try handles.use { repo in
            let root = try Self.tree(repo, commit: commit)
            defer { git_tree_free(root) }
            var tree = root
            var subtree: OpaquePointer?
            defer { if let subtree { git_tree_free(subtree) } }
            if !folder.isEmpty {
                var entry: OpaquePointer?
                let code = git_tree_entry_bypath(&entry, root, folder)
                if code == GIT_ENOTFOUND.rawValue { return [:] }
                try GitError.check(code, "git_tree_entry_bypath(\(folder))")
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [:] }
                try GitError.check(
                    git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "git_tree_lookup(\(folder))")
                tree = subtree!
            }
            final class Box {
                var found: [String: ObjectID] = [:]
                let prefix: String
                init(prefix: String) { self.prefix = prefix }
            }
            let box = Box(prefix: folder.isEmpty ? "" : folder + "/")
            let code = git_tree_walk(
                tree, GIT_TREEWALK_PRE,
                { root, entry, payload in
                    guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB,
                        let name = git_tree_entry_name(entry)
                    else { return 0 }
                    let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                    let inner = root.map { String(cString: $0) } ?? ""
                    box.found[box.prefix + inner + String(cString: name)] = ObjectID(git_tree_entry_id(entry)!.pointee)
                    return 0
                }, Unmanaged.passUnretained(box).toOpaque())
            try withExtendedLifetime(box) { try GitError.check(code, "git_tree_walk") }
            return box.found
        }
    }

    /// One file at a commit, path relative to the repository root (ignores prefix); nil when absent.
    package func file(atRoot path: String, commit: ObjectID) throws -> [UInt8]? {
        try handles.use { repo in
            let tree = try Self.tree(repo, commit: commit)
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, path)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try GitError.check(code, "git_tree_entry_bypath(\(path))")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
            return try Self.blob(repo, ObjectID(git_tree_entry_id(entry)!.pointee))
        }
    }

    /// A blob's bytes.
    package func blob(_ id: ObjectID) throws -> [UInt8] {
        try read(id)
    }

    /// The commit a ref names, symbolic refs followed and tags peeled; nil when there is no such ref.
    static func reference(_ repo: OpaquePointer, _ fullName: String) throws -> ObjectID? {
        var ref: OpaquePointer?
        let code = git_reference_lookup(&ref, repo, fullName)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(code, "git_reference_lookup(\(fullName))")
        defer { git_reference_free(ref) }
        var object: OpaquePointer?
        let peeled = git_reference_peel(&object, ref, GIT_OBJECT_COMMIT)
        // A symbolic ref to an unborn branch (HEAD of a new repository) points at no commit yet.
        if peeled == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(peeled, "git_reference_peel(\(fullName))")
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object)!.pointee)
    }
}

extension GitRepository {
    /// Some manifest files of a revision, by path relative to the opened folder; paths the revision does not
    /// hold, and paths that are not manifests there (hidden, ignored, not YAML), are left out. Loading just
    /// the files that differ from another revision costs what they cost, and the tree check (`TreeRules`) the
    /// folders that differ.
    package func source(at revision: String, only candidates: some Sequence<String>) throws -> RevisionSource {
        let commit = try resolve(revision)
        try checkTree(commit)
        let inside = prefix.isEmpty ? "" : prefix + "/"
        let ignore = try IgnoreList.parse(try file(IgnoreList.fileName, at: commit.description) ?? [])
        let paths = candidates.filter { path in
            ManifestPath.isManifest(path) && !path.split(separator: "/").contains { $0.hasPrefix(".") }
                && !ignore.matches(path, isDirectory: false)
                && !Self.folders(of: path).contains { ignore.matches($0, isDirectory: true) }
        }
        var problems: [String: ManifestReadError] = [:]
        let blobs = try handles.use { repo in
            var links: Set<String> = []
            var blobs = try Self.blobIDs(repo, commit: commit, paths: paths.map { inside + $0 }, links: &links)
                .reduce(into: [String: ObjectID]()) { $0[String($1.key.dropFirst(inside.count))] = $1.value }
            let linked = links.map { String($0.dropFirst(inside.count)) }
            for path in linked { blobs[path] = nil }
            try Self.resolveLinks(repo, commit: commit, inside: inside, linked, into: &blobs, problems: &problems)
            return blobs
        }
        return RevisionSource(repository: self, commit: commit, blobs: blobs, problems: problems)
    }

    /// The names of the entries directly inside a folder of a commit (path from the repository root), or
    /// empty when there is no such folder. Cheaper than `files(under:)` when only names matter.
    package func names(in folder: String, at commit: ObjectID) throws -> [String] {
        try handles.use { repo in
            let tree = try Self.tree(repo, commit: commit)
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, folder)
            if code == GIT_ENOTFOUND.rawValue { return [] }
            try GitError.check(code, "git_tree_entry_bypath(\(folder))")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [] }
            var sub: OpaquePointer?
            var oid = git_tree_entry_id(entry)!.pointee
            try GitError.check(git_tree_lookup(&sub, repo, &oid), "git_tree_lookup(\(folder))")
            defer { git_tree_free(sub) }
            return (0..<git_tree_entrycount(sub)).compactMap { i in
                git_tree_entry_byindex(sub, i).flatMap { git_tree_entry_name($0) }.map { String(cString: $0) }
            }
        }
    }
}

extension GitRepository {
    /// The blob ids of some paths of a commit. Each folder is looked up once: libgit2 caches no tree bigger
    /// than 4 KiB, so `git_tree_entry_bypath` would parse a folder of 10,000 accounts again for every file.
    static func blobIDs(_ repo: OpaquePointer, commit: ObjectID, paths: [String]) throws -> [String: ObjectID] {
        var links: Set<String> = []
        return try blobIDs(repo, commit: commit, paths: paths, links: &links)
    }

    /// As above; the paths that are symbolic links are also put in `links`.
    static func blobIDs(_ repo: OpaquePointer, commit: ObjectID, paths: [String], links: inout Set<String>) throws
        -> [String: ObjectID]
    {
        let root = try tree(repo, commit: commit)
        var folders: [String: OpaquePointer] = ["": root]
        defer { for tree in folders.values { git_tree_free(tree) } }
        func folder(_ path: String) throws -> OpaquePointer? {
            if let known = folders[path] { return known }
            let slash = path.lastIndex(of: "/")
            let parentPath = slash.map { String(path[..<$0]) } ?? ""
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            guard let parent = try folder(parentPath), let entry = git_tree_entry_byname(parent, name),
                git_tree_entry_type(entry) == GIT_OBJECT_TREE
            else { return nil }
            var sub: OpaquePointer?
            var oid = git_tree_entry_id(entry)!.pointee
            try GitError.check(git_tree_lookup(&sub, repo, &oid), "git_tree_lookup(\(path))")
            folders[path] = sub
            return sub
        }
        var found: [String: ObjectID] = [:]
        for path in paths {
            let slash = path.lastIndex(of: "/")
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            guard let parent = try folder(slash.map { String(path[..<$0]) } ?? ""),
                let entry = git_tree_entry_byname(parent, name), git_tree_entry_type(entry) == GIT_OBJECT_BLOB
            else { continue }
            found[path] = ObjectID(git_tree_entry_id(entry)!.pointee)
            if git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK { links.insert(path) }
        }
        return found
    }
}

extension GitRepository {
    /// The blob id of one file of a commit, path from the repository root; nil when there is no such file.
    package func blobID(atRoot path: String, commit: ObjectID) throws -> ObjectID? {
        try handles.use { repo in try Self.blobIDs(repo, commit: commit, paths: [path])[path] }
    }
}

extension GitRepository {
    /// Whether `ancestor` is reachable from `commit` by parents (false when they are the same commit).
    package func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws -> Bool {
        try handles.use { repo in
            var a = ancestor.oid
            var c = commit.oid
            let code = git_graph_descendant_of(repo, &c, &a)
            try GitError.check(code < 0 ? code : 0, "git_graph_descendant_of")
            return code == 1
        }
    }
}

extension GitRepository {
    /// The manifest paths that are symbolic links, read by `LinkRule` as a folder's are: each gets the blob of the
    /// file it leads to, or a problem.
    static func resolveLinks(
        _ repo: OpaquePointer, commit: ObjectID, inside: String, _ links: [String],
        into blobs: inout [String: ObjectID],
        problems: inout [String: ManifestReadError]
    ) throws {
        guard !links.isEmpty else { return }
        let tree = try tree(repo, commit: commit)
        defer { git_tree_free(tree) }
        var ids: [String: ObjectID] = [:]
        func entry(_ path: String) throws -> LinkRule.Entry {
            var found: OpaquePointer?
            let code = git_tree_entry_bypath(&found, tree, inside + path)
            if code == GIT_ENOTFOUND.rawValue { return .missing }
            try GitError.check(code, "git_tree_entry_bypath(\(path))")
            defer { git_tree_entry_free(found) }
            let id = ObjectID(git_tree_entry_id(found)!.pointee)
            switch git_tree_entry_type(found) {
            case GIT_OBJECT_TREE: return .folder
            case GIT_OBJECT_BLOB where git_tree_entry_filemode(found) == GIT_FILEMODE_LINK:
                return .link(String(decoding: try blob(repo, id), as: UTF8.self))
            case GIT_OBJECT_BLOB:
                ids[path] = id
                return .file
            default: return .other
            }
        }
        for path in links {
            do {
                let target = try LinkRule.resolve(path, entry: entry)
                blobs[path] = ids[target]
            } catch let problem as ManifestReadError {
                problems[path] = problem
            }
        }
    }
}

extension GitRepository {
    /// The ids of entries of a commit's root folder, files or folders alike; a name that is absent is left out.
    package func rootEntryIDs(_ names: [String], commit: ObjectID) throws -> [String: ObjectID] {
        try handles.use { repo in
            let root = try Self.tree(repo, commit: commit)
            defer { git_tree_free(root) }
            var found: [String: ObjectID] = [:]
            for name in names {
                guard let entry = git_tree_entry_byname(root, name) else { continue }
                found[name] = ObjectID(git_tree_entry_id(entry)!.pointee)
            }
            return found
        }
    }
}
