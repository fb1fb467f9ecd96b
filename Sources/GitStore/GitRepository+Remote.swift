import CGit2
import Foundation

extension GitRepository {
    /// Fetches refspecs from a remote given by name ("origin") or URL (a local path, file://,
    /// ssh://user@host:port/path, user@host:path), updating the refs on the right side of each refspec. Tags are
    /// not followed in: only the refs asked for move.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package func fetch(from remote: String, refspecs: [String], options: RemoteOptions = RemoteOptions()) throws {
        try handles.use { repo in
            try RemoteSession.open(repo, remote, pool: handles, options: options, direction: GIT_DIRECTION_FETCH) {
                session, handle in
                var fetch = git_fetch_options()
                try GitError.check(
                    git_fetch_options_init(&fetch, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
                session.install(&fetch.callbacks)
                fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
                // FETCH_HEAD is for a person's next merge; libgit2 1.5 still leaves an empty one.
                fetch.update_fetchhead = 0
                let code = withStringArray(refspecs) { git_remote_fetch(handle, $0, &fetch, "baton: fetch") }
                try session.check(code, "fetching \(refspecs.joined(separator: " ")) from \(remote)")
            }
        }
    }

    /// Pushes refspecs. A ref the remote refuses throws; when it was refused for not being a fast-forward (seen by
    /// libgit2 before sending, or reported by the remote), the `GitError`'s `isNonFastForward` is true.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package func push(to remote: String, refspecs: [String], options: RemoteOptions = RemoteOptions()) throws {
        if let path = try localRemotePath(remote) {
            try pushLocally(to: remote, path: path, refspecs: refspecs, options: options)
        } else {
            try pushWithLibgit2(to: remote, refspecs: refspecs, options: options)
        }
    }

    /// libgit2's local transport (`file://` and paths) updates the remote's refs by force, after checking a
    /// fast-forward against the refs it listed when it connected: two writers pushing at once both succeed,
    /// and the last one wins (two daemons both took one lease). So for a repository on this machine the objects
    /// go to a ref of their own, and the ref itself is updated as `git receive-pack` does it: a compare-and-swap
    /// under the ref's lock, refused when it is not a fast-forward.
    private func pushLocally(to remote: String, path: String, refspecs: [String], options: RemoteOptions) throws {
        for spec in refspecs {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !spec.hasPrefix("+") else {
                try pushWithLibgit2(to: remote, refspecs: [spec], options: options)
                continue
            }
            let (source, destination) = (parts[0], parts[1])
            let new = try resolve(source)
            let incoming = "refs/baton/incoming/" + UUID().uuidString.lowercased()
            try pushWithLibgit2(to: remote, refspecs: ["\(source):\(incoming)"], options: options)
            let target = try GitRepository(path: path)
            defer { try? target.deleteReference(incoming) }
            let refused = GitError(
                code: GIT_ENONFASTFORWARD.rawValue, call: "pushing \(spec) to \(remote)",
                message: "\(destination) moved on the remote: not a fast-forward")
            let current = try target.reference(destination)
            if current != new {
                if let current, try !target.isAncestor(current, of: new) { throw refused }
                do { try target.setReference(destination, to: new, expected: current) } catch let error as GitError
                    where error.isMovedReference || error.code == GIT_EEXISTS.rawValue
                {
                    throw refused
                } catch let error as GitError where error.isLocked {
                    // Another writer is moving it now, as receive-pack's "failed to lock": the caller reads again.
                    throw GitError(
                        code: GIT_ENONFASTFORWARD.rawValue, call: "pushing \(spec) to \(remote)",
                        message: "\(destination) is being updated on the remote (\(error.message)): not a fast-forward")
                }
            }
            // As libgit2's push does: the remote-tracking branch follows what the remote now has.
            if destination.hasPrefix("refs/heads/"), (try? hasRemote(remote)) == true {
                let tracking = "refs/remotes/\(remote)/" + destination.dropFirst("refs/heads/".count)
                try? setReference(tracking, to: new, expected: try reference(tracking))
            }
        }
    }

    private func pushWithLibgit2(to remote: String, refspecs: [String], options: RemoteOptions) throws {
        try handles.use { repo in
            try RemoteSession.open(repo, remote, pool: handles, options: options, direction: GIT_DIRECTION_PUSH) {
                session, handle in
                var push = git_push_options()
                try GitError.check(
                    git_push_options_init(&push, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
                session.install(&push.callbacks)
                let call = "pushing \(refspecs.joined(separator: " ")) to \(remote)"
                let code = withStringArray(refspecs) { git_remote_push(handle, $0, &push) }
                try session.check(code, call)
                try session.checkRejections(call)
            }
        }
    }
}

/// The state libgit2's remote callbacks share through their payload: what to trust and offer, and what went
/// wrong in words better than libgit2's own ("user canceled hostkey check").
final class RemoteSession {
    let url: String
    let endpoint: SSHEndpoint?
    let options: RemoteOptions
    let policy: HostKeyPolicy
    var failure: String?
    var credentialRequests = 0
    var rejected: [(ref: String, status: String)] = []

    private init(url: String, options: RemoteOptions) {
        self.url = url
        self.options = options
        endpoint = SSHEndpoint(url: url) { FileManager.default.fileExists(atPath: $0) }
        policy = HostKeyPolicy(options)
    }

    /// A remote by name when the repository has one so called, else an anonymous one for the URL; opened once
    /// per libgit2 handle (`HandlePool.remote`).
    static func open(
        _ repo: OpaquePointer, _ remote: String, pool: HandlePool, options: RemoteOptions, direction: git_direction,
        _ body: (RemoteSession, OpaquePointer) throws -> Void
    ) throws {
        let handle = try pool.remote(on: repo, remote) {
            var handle: OpaquePointer?
            var valid: Int32 = 0
            var code = GIT_ENOTFOUND.rawValue
            if git_remote_name_is_valid(&valid, remote) == 0 && valid == 1 {
                code = git_remote_lookup(&handle, repo, remote)
            }
            if code == GIT_ENOTFOUND.rawValue {
                code = git_remote_create_anonymous(&handle, repo, remote)
            }
            try GitError.check(code, "opening remote \(remote)")
            return handle!
        }
        let pushURL = direction == GIT_DIRECTION_PUSH ? git_remote_pushurl(handle) : nil
        guard let url = (pushURL ?? git_remote_url(handle)).map({ String(cString: $0) }) else {
            throw GitError(code: GIT_EINVALIDSPEC.rawValue, call: "opening remote \(remote)", message: "it has no URL")
        }
        let session = RemoteSession(url: url, options: options)
        if session.endpoint != nil && git_libgit2_features() & Int32(GIT_FEATURE_SSH.rawValue) == 0 {
            throw GitError(
                code: GIT_ERROR.rawValue, call: "opening remote \(remote)",
                message: "the linked libgit2 \(GitLibrary.version) was built without SSH support, so \(url) cannot"
                    + " be reached")
        }
        try withExtendedLifetime(session) { try body(session, handle) }
    }

    func install(_ callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, userFromURL, allowed, payload in
            guard let out, let payload else { return GIT_ERROR.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.credential(out, user: userFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.certificate_check = { cert, _, host, payload in
            guard let cert, let payload else { return GIT_ECERTIFICATE.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.checkCertificate(cert, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.push_update_reference = { ref, status, payload in
            guard let payload, let status else { return 0 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            session.rejected.append((ref.map { String(cString: $0) } ?? "?", String(cString: status)))
            return 0
        }
    }

    /// Records why a callback refused, for `check`, and tells libgit2 the same in case its message is shown.
    private func fail(_ message: String, _ code: git_error_code) -> Int32 {
        failure = message
        _ = git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), message)
        return code.rawValue
    }

    private func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String?, allowed: UInt32
    ) -> Int32 {
        let name = user ?? Self.localUser
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, name)
        }
        let server = endpoint?.description ?? url
        guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
            return fail("\(server) asks for a kind of credential Baton does not have (only ssh keys)", GIT_EAUTH)
        }
        // libgit2 asks again after every refusal; the one key there is was already refused.
        credentialRequests += 1
        guard credentialRequests == 1 else {
            let key = options.privateKey.map { "the key \($0)" } ?? "the ssh-agent's keys"
            return fail("ssh authentication as \(name) at \(server) failed with \(key)", GIT_EAUTH)
        }
        guard let privateKey = options.privateKey else {
            return git_credential_ssh_key_from_agent(out, name)
        }
        let publicKey =
            options.publicKey
            ?? (FileManager.default.fileExists(atPath: privateKey + ".pub") ? privateKey + ".pub" : nil)
        return git_credential_ssh_key_new(out, name, publicKey, privateKey, options.passphrase)
    }

    private func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, host: String) -> Int32 {
        // TLS certificates are for libgit2's own verification against the system's authorities.
        guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
        let hostkey = UnsafeRawPointer(cert).load(as: git_cert_hostkey.self)
        let at = endpoint ?? SSHEndpoint(host: host, port: 22)
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
            return fail("the host key of \(at) is not available to check", GIT_ECERTIFICATE)
        }
        let offered = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
        guard let refusal = policy.refusal(offered: offered, at: at) else { return 0 }
        return fail(refusal, GIT_ECERTIFICATE)
    }

    /// A failed libgit2 call as a `GitError`, in the callback's words when a callback refused.
    func check(_ code: Int32, _ call: String) throws {
        guard code < 0 else { return }
        throw GitError(code: code, call: call, message: failure ?? GitError.lastMessage(code))
    }

    func checkRejections(_ call: String) throws {
        guard !rejected.isEmpty else { return }
        let nonFastForward = rejected.contains { Self.isNonFastForward($0.status) }
        throw GitError(
            code: nonFastForward ? GIT_ENONFASTFORWARD.rawValue : GIT_ERROR.rawValue, call: call,
            message: "the remote refused " + rejected.map { "\($0.ref) (\($0.status))" }.joined(separator: ", "))
    }

    /// The remote's words for "your push does not contain what I have": git-receive-pack's "non-fast-forward"
    /// (receive.denyNonFastForwards) and "fetch first", a lost race for a ref's lock ("is at X but expected Y",
    /// "stale info"), and libgit2's local transport finding the ref created meanwhile ("already exists").
    static func isNonFastForward(_ status: String) -> Bool {
        let text = status.lowercased()
        return ["non-fast-forward", "fetch first", "but expected", "stale info", "already exists"].contains {
            text.contains($0)
        }
    }

    static var localUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}

func withStringArray<T>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) throws -> T) rethrows -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
