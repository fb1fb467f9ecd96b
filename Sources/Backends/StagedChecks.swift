/// Configuration files whose daemon tests the whole configuration at once (`nginx -t`, `php-fpm8.2 -t`) are
/// staged by their operations and tested once per daemon per run, not once per file: such a test reads every
/// file, so testing after each of N changes costs N² reads.
///
/// `baton_stage NEW TARGET DAEMON` (in an operation) puts NEW in place of TARGET at once and keeps the old file
/// aside in the run's scratch folder, not beside TARGET, where the daemon would read it too. The operation ends
/// with `END 0 DEFERRED`. `baton_verify OPS...` (at a checkpoint, before the finish step) runs `DAEMON -t` once
/// per daemon; when a test fails, every file of the daemon is put back and added again half by half, keeping
/// each half the daemon accepts on top of what it accepted before, so that exactly the operations whose files it
/// rejects fail. Their files, for every daemon, are put back, and the daemon's message is printed. Each operation
/// of OPS then gets `@@BATON <nonce> <op> VERDICT <status>` on file descriptor 3 (stdout).
enum StagedChecks {
    static func functions() -> ScriptBuilder {
        var s = ScriptBuilder()
        s.code("baton_stage() {")
        s.code("  case \"$3\" in ''|*[!A-Za-z0-9._/-]*) echo \"baton: not a daemon name: $3\" >&2; return 1;; esac")
        s.code("  baton_k=$((${baton_k:-0} + 1)); baton_keep=\"$baton_run/k$baton_op.$baton_k\"")
        s.code("  if [ -e \"$2\" ]; then cp -p -- \"$2\" \"$baton_keep.old\" || return 1; fi")
        // Listed before the file moves: a file in place is always one that can be put back.
        s.code("  printf '%s %s %s %s\\n' \"$baton_op\" \"$3\" \"$baton_keep\" \"$2\" >> \"$baton_staged\" || return 1")
        s.code("  baton_mv \"$1\" \"$2\"")
        s.code("}")
        // baton_stage_rm TARGET DAEMON: TARGET removed, kept aside to be put back; `.gone` says its new state is
        // no file.
        s.code("baton_stage_rm() {")
        s.code("  case \"$2\" in ''|*[!A-Za-z0-9._/-]*) echo \"baton: not a daemon name: $2\" >&2; return 1;; esac")
        s.code("  [ -e \"$1\" ] || return 0")
        s.code("  baton_k=$((${baton_k:-0} + 1)); baton_keep=\"$baton_run/k$baton_op.$baton_k\"")
        s.code("  cp -p -- \"$1\" \"$baton_keep.old\" && : > \"$baton_keep.gone\" || return 1")
        s.code("  printf '%s %s %s %s\\n' \"$baton_op\" \"$2\" \"$baton_keep\" \"$1\" >> \"$baton_staged\" || return 1")
        s.code("  rm -f -- \"$1\"")
        s.code("}")
        // baton_each ACTION DAEMON OPS...: ACTION KEEP TARGET DAEMON for each staged file of OPS (of DAEMON, or of
        // every daemon for -).
        s.code("baton_each() {")
        s.code("  baton_act=$1; baton_dd=$2; shift 2; baton_set=\" $* \"; baton_ok=0")
        s.code("  while read -r baton_o baton_fd baton_fk baton_ft; do")
        s.code("    case \"$baton_set\" in *\" $baton_o \"*) ;; *) continue;; esac")
        s.code("    [ \"$baton_dd\" = - ] || [ \"$baton_dd\" = \"$baton_fd\" ] || continue")
        s.code("    \"$baton_act\" \"$baton_fk\" \"$baton_ft\" \"$baton_fd\" </dev/null || baton_ok=1")
        s.code("  done < \"$baton_staged\"")
        s.code("  return $baton_ok")
        s.code("}")
        // The old file back in place (none, when there was none), the new one kept to be added again.
        s.code("baton_put_old() {")
        s.code("  if [ ! -e \"$1.new\" ] && [ -e \"$2\" ]; then cp -p -- \"$2\" \"$1.new\" || return 1; fi")
        s.code(
            "  baton_t=\"${2%/*}/.${2##*/}.baton-tmp\"; if [ -e \"$1.old\" ]; then cp -p -- \"$1.old\" \"$baton_t\" && mv -f -- \"$baton_t\" \"$2\"; else rm -f -- \"$2\"; fi"
        )
        s.code("}")
        s.code("baton_put_new() {")
        s.code("  if [ -e \"$1.gone\" ]; then rm -f -- \"$2\"; return; fi")
        s.code("  baton_t=\"${2%/*}/.${2##*/}.baton-tmp\"")
        s.code("  [ ! -e \"$1.new\" ] || { cp -p -- \"$1.new\" \"$baton_t\" && mv -f -- \"$baton_t\" \"$2\"; }")
        s.code("}")
        s.code("baton_say() { echo \"  $2\" >&2; }")
        s.code("baton_touch() {")
        s.code(
            "  [ \"$3\" = \"$baton_vd\" ] || case \"$baton_recheck\" in *\" $3 \"*) ;; *) baton_recheck=\"$baton_recheck$3 \";; esac"
        )
        s.code("}")
        // The daemon's test of its whole configuration; its output is kept for the report.
        s.code("baton_test() { baton_out=$(\"$1\" -t 2>&1 </dev/null); }")
        // baton_reject OP DAEMON: OP's files go back to what they were, for every daemon; the daemons of its other
        // files test again.
        s.code("baton_reject() {")
        s.code("  echo \"baton: $2 -t rejected the configuration of operation $1; put back as it was:\" >&2")
        s.code("  baton_each baton_say - \"$1\"")
        s.code("  printf '%s\\n' \"$baton_out\" >&2")
        s.code("  baton_each baton_put_old - \"$1\" || echo \"baton: operation $1: a file could not be put back\" >&2")
        s.code("  baton_each baton_touch - \"$1\"")
        s.code("  baton_verdicts=\"$baton_verdicts $1=$baton_rc\"")
        s.code("}")
        // baton_bisect DAEMON OPS...: OPS' new files on top of what the daemon accepted so far; a group it rejects
        // is split in two, down to single operations.
        s.code("baton_bisect() {")
        s.code("  local baton_bd baton_half baton_first baton_second baton_i baton_n")
        s.code("  baton_bd=$1; shift")
        s.code("  [ $# -gt 0 ] || return 0")
        s.code("  baton_each baton_put_new \"$baton_bd\" \"$@\"")
        s.code("  baton_test \"$baton_bd\" && return 0")
        s.code("  baton_rc=$?")
        s.code("  if [ $# -eq 1 ]; then baton_reject \"$1\" \"$baton_bd\"; return 0; fi")
        s.code("  baton_each baton_put_old \"$baton_bd\" \"$@\"")
        s.code("  baton_half=$(($# / 2)); baton_first=; baton_second=; baton_i=0")
        s.code("  for baton_n in \"$@\"; do")
        s.code(
            "    if [ $baton_i -lt $baton_half ]; then baton_first=\"$baton_first $baton_n\"; else baton_second=\"$baton_second $baton_n\"; fi"
        )
        s.code("    baton_i=$((baton_i + 1))")
        s.code("  done")
        s.code("  baton_bisect \"$baton_bd\" $baton_first")
        s.code("  baton_bisect \"$baton_bd\" $baton_second")
        s.code("}")
        // baton_ops_of DAEMON: the operations of this verification with a file for DAEMON, not rejected yet.
        s.code("baton_ops_of() {")
        s.code("  baton_list=' '")
        s.code("  while read -r baton_o baton_fd baton_fk baton_ft; do")
        s.code("    [ \"$baton_fd\" = \"$1\" ] || continue")
        s.code("    case \"$baton_live\" in *\" $baton_o \"*) ;; *) continue;; esac")
        s.code("    case \"$baton_verdicts \" in *\" $baton_o=\"*) continue;; esac")
        s.code("    case \"$baton_list\" in *\" $baton_o \"*) ;; *) baton_list=\"$baton_list$baton_o \";; esac")
        s.code("  done < \"$baton_staged\"")
        s.code("}")
        // baton_recover: a run killed during its checks (its deadline, a lost server) left files staged and
        // untested, and no verdict for them: every one goes back to what it was, so each resource is in its old
        // state again, and the operations, not recorded as applied, run again. Runs still alive are left alone.
        s.code("baton_recover() {")
        s.code("  for baton_left in \"$baton_runs\"/run.*; do")
        s.code("    [ -d \"$baton_left\" ] && [ \"$baton_left\" != \"$baton_run\" ] || continue")
        s.code("    baton_lp=; [ ! -e \"$baton_left/pid\" ] || read -r baton_lp < \"$baton_left/pid\" || true")
        s.code("    [ -z \"$baton_lp\" ] || ! kill -0 \"$baton_lp\" 2>/dev/null || continue")
        s.code("    if [ -s \"$baton_left/staged\" ]; then")
        s.code(
            "      echo 'baton: an earlier run was stopped during its configuration checks: its untested files are put back:' >&2"
        )
        s.code("      while read -r baton_o baton_fd baton_fk baton_ft; do")
        s.code("        echo \"  $baton_ft\" >&2; rm -f -- \"${baton_ft%/*}/.${baton_ft##*/}.baton-tmp\"")
        s.code(
            "        baton_put_old \"$baton_fk\" \"$baton_ft\" \"$baton_fd\" </dev/null || echo \"baton: $baton_ft could not be put back\" >&2"
        )
        s.code("      done < \"$baton_left/staged\"")
        s.code("    fi")
        s.code("    rm -rf -- \"$baton_left\"")
        s.code("  done")
        s.code("}")
        s.code("baton_verify() {")
        s.code("  baton_live=\" $* \"; baton_verdicts=' '; baton_recheck=' '; baton_vd=")
        s.code("  while read -r baton_o baton_fd baton_fk baton_ft; do")
        s.code("    case \"$baton_live\" in *\" $baton_o \"*) baton_touch x x \"$baton_fd\";; esac")
        s.code("  done < \"$baton_staged\"")
        // A file put back for one daemon's sake changes what another reads: that one tests again.
        s.code("  while [ \"$baton_recheck\" != ' ' ]; do")
        s.code("    baton_round=$baton_recheck; baton_recheck=' '")
        s.code("    for baton_vd in $baton_round; do")
        s.code("      baton_ops_of \"$baton_vd\"")
        s.code("      [ \"$baton_list\" != ' ' ] || continue")
        s.code("      baton_test \"$baton_vd\" && continue")
        s.code("      baton_each baton_put_old \"$baton_vd\" $baton_list")
        s.code(
            "      if baton_test \"$baton_vd\"; then baton_bisect \"$baton_vd\" $baton_list; continue; else baton_rc=$?; fi"
        )
        s.code("      echo \"baton: $baton_vd -t fails without this run's files too\" >&2")
        s.code("      for baton_o in $baton_list; do baton_reject \"$baton_o\" \"$baton_vd\"; done")
        s.code("    done")
        s.code("  done")
        // The list is emptied before any verdict is printed: a run killed in between leaves its operations
        // without verdicts (to run again) rather than files that the next run would put back after they were
        // reported applied.
        s.code("  : > \"$baton_staged\"")
        s.code("  for baton_o in \"$@\"; do")
        s.code("    baton_v=0")
        s.code(
            "    for baton_w in $baton_verdicts; do [ \"${baton_w%%=*}\" != \"$baton_o\" ] || baton_v=${baton_w#*=}; done"
        )
        s.code("    baton_mark \"@@BATON $baton_nonce $baton_o VERDICT $baton_v\" >&3")
        s.code("    [ \"$baton_v\" = 0 ] || baton_mark_failed \"$baton_o\"")
        s.code("  done")
        s.code("}")
        return s
    }
}
