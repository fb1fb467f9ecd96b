/// One script per server per run: the operations in plan order, each framed by marker lines so that the
/// executor knows which finished, failed or never ran, even when the connection dies halfway.
///
/// Markers go to stdout and nothing else does: each operation's own output is sent to stderr and its stdin is
/// /dev/null (the script itself arrives on the shell's stdin, and a command reading it would eat the rest of
/// the script). Markers also carry a per-run nonce.
package struct RunScript: Sendable {
    package struct Operation: Sendable {
        /// What the executor calls it in logs (`WebApp/shop`).
        package var label: String
        /// Indices of earlier operations that must have succeeded for this one to run.
        package var dependsOn: [Int]
        package var body: ScriptBuilder
        /// What the operation takes back when it is skipped (a dependency failed): what the run's `prepare`
        /// step did for it (a user made at once with the others, `UserBatch`). Nil: nothing.
        package var undo: ScriptBuilder?
        /// The body stages files whose test runs later (`ScriptBuilder.stage`): the operation's verdict comes
        /// after its end, from the run's batched check.
        package var defersVerdict: Bool { body.stagesFiles }

        package init(label: String, dependsOn: [Int] = [], body: ScriptBuilder, undo: ScriptBuilder? = nil) {
            self.label = label
            self.dependsOn = dependsOn
            self.body = body
            self.undo = undo
        }
    }

    package let nonce: String
    package let operations: [Operation]
    /// Seconds after which the server itself kills the whole script (its process group), so that nothing keeps
    /// running once Baton stopped waiting; nil for none.
    package var deadline: Int?
    /// Runs once after every operation: what is cheaper done once per run than once per change (reloading the
    /// daemons). Operations ask for it by appending lines to the file named by `$baton_todo`. When it fails,
    /// what the operations changed is not live, so none of them counts as applied.
    package var finish: ScriptBuilder?
    /// Runs once before the first operation: what is cheaper done for all of them at once (every new user of
    /// the run, `UserBatch`). It never fails the run: an operation finds what it did, or does the work itself.
    package var prepare: ScriptBuilder?
    /// Root's folder for the runs' scratch folders (`/var/lib/baton/runs`): there, a run finds what an earlier
    /// one killed during its checks left staged, and puts it back (`baton_recover`, which needs the prelude).
    /// Nil: a temporary folder, no recovery.
    package var scratch: String?
    /// The server's own record of this run (`ServerJournal`): kept in root's folder on the server, every marker
    /// appended to it before it is printed, so what the server did outlives the connection and the client. Nil:
    /// none (needs `scratch`).
    package var journal: ServerJournal.Writing?
    /// Start the run's helper (`TreeHelper`, which needs the prelude) after `prepare`, and stop it after the
    /// last operation's checks.
    package var helper: Bool

    package init(
        nonce: String, operations: [Operation], deadline: Int? = nil, finish: ScriptBuilder? = nil,
        scratch: String? = nil, journal: ServerJournal.Writing? = nil, prepare: ScriptBuilder? = nil,
        helper: Bool = false
    ) {
        self.helper = helper
        self.deadline = deadline
        self.finish = finish
        self.prepare = prepare
        self.scratch = scratch
        self.journal = journal
        precondition(!nonce.isEmpty && nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "nonce")
        self.nonce = nonce
        self.operations = operations
    }

    package func render() throws -> ScriptBuilder {
        var script = ScriptBuilder()
        script.code("set -u")
        script.code("umask 022")
        script.code("baton_failed=' '")
        script.code("baton_mark_failed() { baton_failed=\"$baton_failed$1 \"; }")
        script.code(
            "baton_dep_failed() { for baton_d in \"$@\"; do case \"$baton_failed\" in *\" $baton_d \"*) return 0;; esac; done; return 1; }"
        )
        // baton_mark WORDS: a marker line, into the journal first: a client gone away kills the shell at its next
        // write to stdout (SIGPIPE), and what the server did is on its disk by then.
        script.code("baton_journal=/dev/null")
        script.code("baton_mark() { printf '%s\\n' \"$*\" >> \"$baton_journal\"; printf '%s\\n' \"$*\"; }")
        // The run's scratch folder: files kept aside for staged checks, folders already made.
        if let scratch {
            try script.assign("baton_runs", scratch)
            script.code("mkdir -p -m 0700 -- \"$baton_runs\" && baton_safe_path \"$baton_runs\" || exit 1")
            script.code("baton_lock=$baton_runs/lock")
        } else {
            script.code("baton_tmp=$(mktemp -d) || exit 1")
            script.code("baton_lock=$baton_tmp/lock")
        }
        // One run at a time on a server (two repositories may name it): recovery then never mistakes a live
        // run's files for a dead one's. The lock goes with the shell and the operations it started, killed or not.
        script.code("exec 9> \"$baton_lock\" || exit 1")
        script.code(
            "flock -w 30 9 || { echo 'baton: another Baton run holds this server; try again when it ends' >&2; exit 1; }"
        )
        if let deadline {
            // The watchdog waits for the run's lock: it gets it the moment the run's shell and every operation
            // it started are gone, however they ended, and leaves nothing behind. Only when the run still holds
            // it at the deadline does it kill, and then with `kill -9 0`: its own process group, of which it is a
            // member, so the number cannot have passed to another group (a group's number stays taken while a
            // member lives). It holds no output open (the channel would stay open for it), nor the lock.
            try script.command(
                "( exec 9>&- </dev/null >/dev/null 2>&1; flock -w", .number(deadline),
                "-E 75 \"$baton_lock\" true; [ $? -ne 75 ] || kill -9 0 ) &")
        }
        script.code("baton_todo=$(mktemp) || exit 1")
        if scratch != nil {
            script.code("baton_run=$(mktemp -d -- \"$baton_runs/run.XXXXXXXX\") || exit 1")
            script.code("echo $$ > \"$baton_run/pid\"")
            script.code("baton_recover")
            if let journal { try journal.render(into: &script) }
        } else {
            script.code("baton_run=$baton_tmp")
        }
        script.code("baton_staged=\"$baton_run/staged\"; : > \"$baton_staged\"; baton_deferred=")
        try script.assign("baton_nonce", nonce)
        // Verdicts of the operations that staged files since the last checkpoint (see StagedChecks).
        script.code("baton_checkpoint() {")
        script.code("  [ -n \"$baton_deferred\" ] || return 0")
        script.code("  baton_verify $baton_deferred 3>&1 1>&2 </dev/null")
        script.code("  baton_deferred=")
        script.code("}")
        try script.command("baton_mark", .value("@@BATON \(nonce) RECEIVED \(operations.count)"))
        if let prepare {
            script.code("(")
            script.append(prepare)
            script.code(") </dev/null 1>&2")
        }
        if helper { try TreeHelper.start(&script) }
        // Operations that staged files and have no verdict yet: an operation depending on one waits for it.
        var unverified = Set<Int>()
        for (index, operation) in operations.enumerated() {
            let marker = "@@BATON \(nonce) \(index)"
            let dependencies = operation.dependsOn.filter { $0 < index }
            if !unverified.isDisjoint(with: dependencies) {
                script.code("baton_checkpoint")
                unverified = []
            }
            try script.command(
                ["if baton_dep_failed"] + dependencies.map { ScriptBuilder.Word.number($0) } + ["; then"])
            try script.command("baton_mark", .value("\(marker) SKIPPED"))
            try script.command("baton_mark_failed", .number(index))
            if let undo = operation.undo {
                script.code("(")
                script.append(undo)
                script.code(") </dev/null 1>&2")
            }
            script.code("else")
            try script.command("baton_mark", .value("\(marker) STARTED"))
            try script.command("echo", .value("\(marker) \(operation.label)"), "1>&2")
            script.code("(")
            script.code("set -e")
            if operation.defersVerdict { try script.command("baton_op=$((", .number(index), "))") }
            script.append(operation.body)
            script.code(") </dev/null 1>&2")
            script.code("baton_status=$?")
            if operation.defersVerdict {
                unverified.insert(index)
                // Files it staged before failing go back at once; one that ended well waits for its verdict.
                try script.command(
                    "if [ \"$baton_status\" -ne 0 ]; then baton_mark_failed", .number(index),
                    "; baton_each baton_put_old -",
                    .number(index), "; baton_mark", .value("\(marker) END"), "\"$baton_status\"; else baton_mark",
                    .value("\(marker) END 0 DEFERRED"), "; baton_deferred=\"$baton_deferred", .number(index),
                    "\"; fi")
            } else {
                try script.command("if [ \"$baton_status\" -ne 0 ]; then baton_mark_failed", .number(index), "; fi")
                try script.command("baton_mark", .value("\(marker) END"), "\"$baton_status\"")
            }
            script.code("fi")
        }
        script.code("baton_checkpoint")
        if helper { script.code("baton_helper_stop") }
        if let finish {
            try script.command("baton_mark", .value("@@BATON \(nonce) FINISH STARTED"))
            script.code("(")
            script.code("set -e")
            script.append(finish)
            script.code(") </dev/null 1>&2")
            script.code("baton_status=$?")
            try script.command("baton_mark", .value("@@BATON \(nonce) FINISH END"), "\"$baton_status\"")
        }
        script.code("rm -rf \"$baton_todo\" \"$baton_run\"")
        try script.command("baton_mark", .value("@@BATON \(nonce) DONE"))
        return script
    }
}
