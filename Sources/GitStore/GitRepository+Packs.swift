import CGit2
import Foundation

extension GitRepository {
    /// The pack files under `objects/pack`, by name (`pack-<hash>.pack`).
    package var packFiles: [String] {
        let folder = gitDirectory + "/objects/pack"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".pack") }
            .sorted()
    }

    /// Folds the mirror's small packs, and its loose objects, into one new pack once it has more than `limit`
    /// packs or more than `looseLimit` loose objects, then removes what it folded and reopens the libgit2
    /// handles. A mirror that fetches every minute gains a pack per fetch, and each status commit loose objects;
    /// each pack stays open in every handle (a descriptor and its index in memory) and every lookup searches
    /// them all, so a process that runs for months must fold them, as `git gc --auto` does. Geometric, as
    /// `git repack --geometric=2`: a pack at least twice the size of all smaller ones together is left alone, so
    /// the large first pack of a big repository is not rewritten every time (at 10,000 accounts that took 42 s,
    /// in the way of a webhook). Nothing is pruned (a commit being written elsewhere loses nothing), and a pack
    /// with a `.keep` file is left alone. Returns how many packs were folded (0: nothing done).
    /// Blocks on libgit2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    @discardableResult
    package func compactPacks(ifMoreThan limit: Int, looseLimit: Int = 1000) throws -> Int {
        let folder = gitDirectory + "/objects/pack"
        let packs = packFiles.filter {
            !FileManager.default.fileExists(atPath: folder + "/" + $0.dropLast(5) + ".keep")
        }
        let loose = looseObjects()
        guard packs.count > limit || loose.count > looseLimit else { return 0 }
        let sized = packs.map { pack in
            (pack, ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + pack))?[.size] as? Int) ?? 0)
        }.sorted { $0.1 < $1.1 }
        var count = Self.geometricSplit(sized.map(\.1))
        // A run of packs that each double the last folds nothing by that rule: the two smallest then, so that the
        // count still comes down.
        if packs.count > limit { count = max(count, 2) }
        let fold = sized.prefix(count).map(\.0)
        commitLock.lock()
        defer { commitLock.unlock() }
        let written: String = try handles.use { repo in
            var ids: [git_oid] = []
            final class Collected { var ids: [git_oid] = [] }
            for pack in fold {
                // The objects of this pack alone, through a store that holds only its index.
                var backend: UnsafeMutablePointer<git_odb_backend>?
                try GitError.check(
                    git_odb_backend_one_pack(&backend, folder + "/" + pack.dropLast(5) + ".idx"),
                    "git_odb_backend_one_pack(\(pack))")
                var odb: OpaquePointer?
                try GitError.check(git_odb_new(&odb), "git_odb_new")
                defer { git_odb_free(odb) }
                let added = git_odb_add_backend(odb, backend, 1)
                if added != 0 { backend?.pointee.free?(backend) }
                try GitError.check(added, "git_odb_add_backend")
                let collected = Collected()
                let code = git_odb_foreach(
                    odb,
                    { id, payload in
                        guard let id, let payload else { return 0 }
                        Unmanaged<Collected>.fromOpaque(payload).takeUnretainedValue().ids.append(id.pointee)
                        return 0
                    }, Unmanaged.passUnretained(collected).toOpaque())
                try withExtendedLifetime(collected) { try GitError.check(code, "git_odb_foreach(\(pack))") }
                ids += collected.ids
            }
            for object in loose {
                var id = git_oid()
                guard git_oid_fromstr(&id, object.id) == 0 else { continue }
                ids.append(id)
            }
            var builder: OpaquePointer?
            try GitError.check(git_packbuilder_new(&builder, repo), "git_packbuilder_new")
            defer { git_packbuilder_free(builder) }
            for var id in ids {
                try GitError.check(git_packbuilder_insert(builder, &id, nil), "git_packbuilder_insert")
            }
            try GitError.check(git_packbuilder_write(builder, folder, 0, nil, nil), "git_packbuilder_write")
            guard let name = git_packbuilder_name(builder) else {
                throw GitError(code: GIT_ERROR.rawValue, call: "git_packbuilder_name", message: "no pack written")
            }
            return "pack-" + String(cString: name) + ".pack"
        }
        for pack in fold where pack != written {
            let stem = folder + "/" + pack.dropLast(5)
            for suffix in [".pack", ".idx", ".rev"] { try? FileManager.default.removeItem(atPath: stem + suffix) }
        }
        // Now in the pack just written: the loose copies go, as `git prune-packed` does.
        for object in loose { try? FileManager.default.removeItem(atPath: object.path) }
        handles.retire()
        return fold.count
    }

    /// How many of the packs, sizes in ascending order, to fold: every pack up to the last one that is under twice
    /// the size of all the packs before it together (`git repack --geometric=2`).
    package static func geometricSplit(_ ascending: [Int]) -> Int {
        var total = 0
        var split = 0
        for (index, size) in ascending.enumerated() {
            if index > 0, size < 2 * total { split = index + 1 }
            total += size
        }
        return split
    }

    /// The loose objects: `objects/xx/<38 hex digits>`, with their ids.
    package func looseObjects() -> [(path: String, id: String)] {
        let objects = gitDirectory + "/objects"
        let hex = Set("0123456789abcdef")
        var found: [(path: String, id: String)] = []
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? []
        where folder.count == 2 && folder.allSatisfy(hex.contains) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: objects + "/" + folder)) ?? []
            where name.count == 38 && name.allSatisfy(hex.contains) {
                found.append((objects + "/" + folder + "/" + name, folder + name))
            }
        }
        return found
    }
}
