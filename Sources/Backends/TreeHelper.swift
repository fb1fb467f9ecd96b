/// One Perl process per run that does, on request, what the operations did with a process each in users' trees
/// and root's folders: new folders and their owner, a user's `~/.ssh` and keys, ACLs, a rename. A first apply of 200
/// accounts started about 35 processes per account on the web server, most of them `setpriv`, `sh`, `mkdir`,
/// `chown` and `mv` doing one system call each; asking the helper costs a `printf` and a `read`, both shell
/// builtins. Each operation keeps its order, its checks and its outcome: it asks where it ran the command, waits
/// for the answer (the command's exit status, its message on stderr as the command would write it), and goes on
/// or fails exactly there. What needs a user's rights the helper does with that user's rights alone
/// (`TreeHelperProgram`). Without perl, or when the helper does not start, every function runs its
/// commands as before. See docs/apply.md, "Few processes in a user's tree".
enum TreeHelper {
    /// The shell side: `baton_helper_start` and `baton_helper_stop` (the run's shell), `baton_ask` (the
    /// operations), `baton_mv`. `$baton_hq` is set while the helper runs.
    static func functions() -> ScriptBuilder {
        var s = ScriptBuilder()
        s.code("baton_hq=")
        // The program is written by the shell's printf (no process), then started on two FIFOs in the run's
        // scratch folder (root's, 0700). A ping tells it works; the ping is written by a subshell, so that a
        // helper that died at once cannot take the run's shell down with SIGPIPE.
        s.code("baton_helper_start() {")
        s.code("  command -v perl >/dev/null 2>&1 || return 0")
        s.code("  printf '%s' \"$baton_helper_pl\" > \"$baton_run/helper.pl\" || return 0")
        s.code("  mkfifo -m 0600 -- \"$baton_run/hq\" \"$baton_run/hr\" || return 0")
        s.code("  perl -- \"$baton_run/helper.pl\" < \"$baton_run/hq\" > \"$baton_run/hr\" &")
        s.code("  baton_hpid=$!")
        s.code("  exec 8> \"$baton_run/hq\" 7< \"$baton_run/hr\"")
        s.code("  baton_hs=")
        s.code("  if (printf '%s\\0' 1 ping >&8) && IFS= read -r baton_hs <&7 && [ \"$baton_hs\" = 0 ]; then")
        s.code("    baton_hq=1")
        s.code("  else")
        s.code("    exec 7<&- 8>&-; wait \"$baton_hpid\" 2>/dev/null")
        s.code("    echo 'baton: the run helper did not start: each operation runs its own commands' >&2")
        s.code("  fi")
        s.code("}")
        // The helper ends when its requests end.
        s.code("baton_helper_stop() {")
        s.code("  [ -n \"$baton_hq\" ] || return 0")
        s.code("  baton_hq=; exec 7<&- 8>&-; wait \"$baton_hpid\" 2>/dev/null || :")
        s.code("}")
        // baton_ask VERB ARGS...: the helper's answer, as the exit status of the command it stands for. A helper
        // gone makes the request fail with a message, not SIGPIPE (ignored for the write alone).
        s.code("baton_ask() {")
        s.code("  trap '' PIPE; baton_hs=0; printf '%s\\0' \"$#\" \"$@\" 2>/dev/null >&8 || baton_hs=$?; trap - PIPE")
        s.code("  if [ $baton_hs = 0 ]; then baton_hs=; IFS= read -r baton_hs <&7 || :; else baton_hs=; fi")
        s.code("  case \"$baton_hs\" in")
        s.code("    ''|*[!0-9]*) echo \"baton: the run helper is gone ($1)\" >&2; return 1;;")
        s.code("  esac")
        s.code("  return \"$baton_hs\"")
        s.code("}")
        // baton_mv FROM TO: `mv -f -- FROM TO`, by rename(2) in the helper when TO is no folder.
        s.code("baton_mv() {")
        s.code(
            "  if [ -n \"$baton_hq\" ] && [ ! -d \"$2\" ]; then baton_ask mv \"$1\" \"$2\"; else mv -f -- \"$1\" \"$2\"; fi"
        )
        s.code("}")
        // baton_setfacl HOW USER GROUP ARGS...: `setfacl ARGS` with the rights of USER and GROUP alone (as root for
        // `- -`), by the helper when it runs and knows the arguments (125: it does not, and did nothing). HOW:
        // `status` (setfacl's exit status and messages), `quiet` (no message), `report` (1 when setfacl said
        // anything or failed).
        s.code("baton_setfacl() {")
        s.code("  baton_fh=$1; baton_su=$2; baton_sg=$3; shift 3")
        s.code("  if [ -n \"$baton_hq\" ]; then")
        s.code("    baton_src=0; baton_ask acl \"$baton_fh\" \"$baton_su\" \"$baton_sg\" \"$@\" || baton_src=$?")
        s.code("    [ $baton_src -eq 125 ] || return $baton_src")
        s.code("  fi")
        s.code(
            "  if [ \"$baton_su\" = - ]; then setfacl \"$@\"; else baton_as \"$baton_su\" \"$baton_sg\" setfacl \"$@\"; fi"
        )
        s.code("}")
        return s
    }

    /// The run's shell starts the helper (after the run's scratch folder is made).
    static func start(_ s: inout ScriptBuilder) throws {
        try s.assign("baton_helper_pl", TreeHelperProgram.text.description)
        s.code("baton_helper_start")
    }
}
