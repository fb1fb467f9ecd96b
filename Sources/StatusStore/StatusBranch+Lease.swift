import Foundation
import GitStore

extension StatusBranch {
    /// What taking a lease came to.
    package enum LeaseOutcome: Sendable, Equatable {
        /// This holder has it (taken, renewed, or taken over from a holder whose lease expired).
        case held(LeaseFile)
        /// Another holder's lease on an overlapping scope has not expired.
        case heldByOther(LeaseFile)
    }

    /// Every lease at the branch's tip.
    package func leases() throws -> [LeaseFile] {
        guard let tip = try tip() else { return [] }
        return try leases(at: tip)
    }

    func leases(at tip: ObjectID) throws -> [LeaseFile] {
        try repository.names(in: LeaseFile.folder, at: tip).filter { $0.hasSuffix(".yaml") }.compactMap { name in
            let path = LeaseFile.folder + "/" + name
            return try repository.file(atRoot: path, commit: tip).map {
                try LeaseFile.parse($0, file: "\(self.name):\(path)")
            }
        }
    }

    /// Takes or renews the lease of `holder` on `servers` (empty: all) until `now + duration`, unless another
    /// holder's unexpired lease overlaps. A compare-and-swap: the commit goes on the tip that was read, and is
    /// pushed without force where the repository has `remote`; a daemon that lost the race reads again.
    package func acquireLease(
        holder: String, servers: [String], now: Date, duration: TimeInterval, remote: String = "origin",
        options: RemoteOptions = RemoteOptions(), attempts limit: Int = 5
    ) throws -> LeaseOutcome {
        try StatusBranchWriters.exclusively(self) {
            try acquireLeaseAlone(
                holder: holder, servers: servers, now: now, duration: duration, remote: remote, options: options,
                attempts: limit)
        }
    }

    private func acquireLeaseAlone(
        holder: String, servers: [String], now: Date, duration: TimeInterval, remote: String,
        options: RemoteOptions, attempts limit: Int
    ) throws -> LeaseOutcome {
        try checkWritable()
        var attempts = 0
        while true {
            attempts += 1
            if try repository.hasRemote(remote) { try fetchStatus(remote: remote, options: options) }
            let tip = try tip()
            let all = try tip.map { try leases(at: $0) } ?? []
            if let other = all.first(where: { $0.holder != holder && $0.expires > now && $0.overlaps(servers) }) {
                return .heldByOther(other)
            }
            let path = LeaseFile.path(servers: servers)
            let mine = all.first { LeaseFile.path(servers: $0.servers) == path }
            let generation =
                mine.map { $0.holder == holder && $0.expires > now ? $0.generation : $0.generation + 1 } ?? 1
            let lease = LeaseFile(
                holder: holder, generation: generation, servers: servers, renewed: now,
                expires: now.addingTimeInterval(duration))
            do {
                try commitLease([path: Array(lease.render().utf8)], on: tip, remote: remote, options: options)
                return .held(lease)
            } catch let error as GitError where (error.isNonFastForward || error.isMovedReference) && attempts < limit {
                continue
            }
        }
    }

    /// Gives the lease up (on SIGTERM): another daemon need not wait for it to expire.
    package func releaseLease(
        holder: String, servers: [String], remote: String = "origin", options: RemoteOptions = RemoteOptions()
    ) throws {
        try StatusBranchWriters.exclusively(self) {
            try releaseLeaseAlone(holder: holder, servers: servers, remote: remote, options: options)
        }
    }

    private func releaseLeaseAlone(holder: String, servers: [String], remote: String, options: RemoteOptions) throws {
        try checkWritable()
        if try repository.hasRemote(remote) { try fetchStatus(remote: remote, options: options) }
        guard let tip = try tip() else { return }
        let path = LeaseFile.path(servers: servers)
        guard
            try leases(at: tip).contains(where: { LeaseFile.path(servers: $0.servers) == path && $0.holder == holder })
        else { return }
        try commitLease([path: nil], on: tip, remote: remote, options: options)
    }

    private func fetchStatus(remote: String, options: RemoteOptions) throws {
        try repository.fetch(
            from: remote, refspecs: ["+refs/heads/\(name):refs/remotes/\(remote)/\(name)"], options: options)
        // The local branch follows the remote's when it is behind, or when it went another way (a commit left by
        // a push that lost: the lease is a compare-and-swap on the remote). A local branch ahead of the remote
        // keeps its commits (a run whose push did not happen yet): the lease goes on top and carries them.
        if let remoteTip = try repository.reference("refs/remotes/\(remote)/\(name)") {
            let local = try repository.reference("refs/heads/" + name)
            if local == remoteTip { return }
            if let local, try repository.isAncestor(remoteTip, of: local) { return }
            try repository.setReference("refs/heads/" + name, to: remoteTip, expected: local)
        }
    }

    private func commitLease(
        _ files: [String: [UInt8]?], on tip: ObjectID?, remote: String, options: RemoteOptions
    ) throws {
        let commit = try repository.commit(
            branch: name, updates: files, message: "baton: lease", expectedTip: .some(tip))
        guard try repository.hasRemote(remote) else { return }
        do {
            try repository.push(to: remote, refspecs: ["refs/heads/\(name):refs/heads/\(name)"], options: options)
        } catch {
            // The remote refused (another daemon moved the branch): this commit is not the branch's.
            try? repository.setReference("refs/heads/" + name, to: tip ?? commit, expected: commit)
            throw error
        }
    }
}
