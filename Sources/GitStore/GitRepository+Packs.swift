import CGit2
import Foundation

extension GitRepository {
    /// The pack files under `objects/pack`, by name (`pack-<hash>.pack`).
    package var packFiles: [String] {
        let folder = gitDirectory + "/objects/pack"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".pack") }
            .sorted()
    }

    /// Rewrites every object of the repository into one pack once it has more than `limit` packs, then removes
    /// the packs it read and reopens the libgit2 handles. A mirror that fetches every minute gains a pack per
    /// fetch; each stays open in every handle (a descriptor and its index in memory) and every lookup searches
    /// them all, so a process that runs for months must fold them, as `git gc --auto` does past 50. Every object
    /// goes in, reachable or not (nothing is pruned: a commit being written elsewhere loses nothing), and a pack
    /// with a `.keep` file is left alone. Returns how many packs were folded (0: under the limit).
    /// Blocks on libgit2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    @discardableResult
    package func compactPacks(ifMoreThan limit: Int) throws -> Int {
        let folder = gitDirectory + "/objects/pack"
        let old = packFiles.filter {
            !FileManager.default.fileExists(atPath: folder + "/" + $0.dropLast(5) + ".keep")
        }
        guard old.count > limit else { return 0 }
        commitLock.lock()
        defer { commitLock.unlock() }
        let written: String = try handles.use { repo in
            var odb: OpaquePointer?
            try GitError.check(git_repository_odb(&odb, repo), "git_repository_odb")
            defer { git_odb_free(odb) }
            final class Collected { var ids: [git_oid] = [] }
            let collected = Collected()
            let code = git_odb_foreach(
                odb,
                { id, payload in
                    guard let id, let payload else { return 0 }
                    Unmanaged<Collected>.fromOpaque(payload).takeUnretainedValue().ids.append(id.pointee)
                    return 0
                }, Unmanaged.passUnretained(collected).toOpaque())
            try withExtendedLifetime(collected) { try GitError.check(code, "git_odb_foreach") }
            var builder: OpaquePointer?
            try GitError.check(git_packbuilder_new(&builder, repo), "git_packbuilder_new")
            defer { git_packbuilder_free(builder) }
            for var id in collected.ids {
                try GitError.check(git_packbuilder_insert(builder, &id, nil), "git_packbuilder_insert")
            }
            try GitError.check(git_packbuilder_write(builder, folder, 0, nil, nil), "git_packbuilder_write")
            guard let name = git_packbuilder_name(builder) else {
                throw GitError(code: GIT_ERROR.rawValue, call: "git_packbuilder_name", message: "no pack written")
            }
            return "pack-" + String(cString: name) + ".pack"
        }
        for pack in old where pack != written {
            let stem = folder + "/" + pack.dropLast(5)
            for suffix in [".pack", ".idx", ".rev"] { try? FileManager.default.removeItem(atPath: stem + suffix) }
        }
        handles.retire()
        return old.count
    }
}
