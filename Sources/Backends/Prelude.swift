/// Shell functions every run script starts with. Paths are checked as the brief asks: nothing is created or
/// chowned through a symbolic link.
///
/// Every process the server starts costs about a millisecond on a small machine, and a first apply runs
/// thousands of operations: these functions use shell builtins wherever a builtin does the job.
package enum Prelude {
    /// `baton_dir_once` for a folder that many operations of a run share: made and checked by the first one.
    /// `ownerGroupMode` is Baton's own code (`"root root 0755"`).
    static func sharedFolder(_ path: String, _ ownerGroupMode: ScriptBuilder.Word, _ s: inout ScriptBuilder) throws {
        try s.command("baton_dir_once", .value(path.replacing("/", with: "%")), .value(path), ownerGroupMode)
    }

    /// Root's register of the users and groups Baton made, and for which account (`baton_guard`), made once per
    /// run. Returns its folder.
    static func names(_ layout: ServerLayout, _ s: inout ScriptBuilder) throws -> String {
        let names = layout.state + "/names"
        for folder in [names, names + "/user", names + "/group"] {
            try sharedFolder(folder, "root root 0700", &s)
        }
        return names
    }

    package static func script() -> ScriptBuilder {
        var s = ScriptBuilder()
        // A path is safe when it is absolute and plain (no `.`, `..` or empty component) and no component of it
        // is a symbolic link: what `realpath -m` would give back unchanged, checked with builtins alone.
        s.code("baton_safe_path() {")
        s.code("  case \"$1/\" in")
        s.code("    /|*//*|*/./*|*/../*|[!/]*) echo \"baton: refusing $1: not a plain absolute path\" >&2; return 1;;")
        s.code("  esac")
        s.code("  baton_rest=${1#/}; baton_here=")
        s.code("  while [ -n \"$baton_rest\" ]; do")
        s.code("    baton_here=\"$baton_here/${baton_rest%%/*}\"")
        s.code("    case \"$baton_rest\" in */*) baton_rest=${baton_rest#*/};; *) baton_rest=;; esac")
        s.code(
            "    if [ -L \"$baton_here\" ]; then echo \"baton: refusing $1: a symbolic link is on the way ($baton_here)\" >&2; return 1; fi"
        )
        s.code("  done")
        s.code("}")
        // baton_as USER GROUP CMD...: CMD with that user's rights alone (no capabilities, no other groups). What
        // root does inside a user's tree, the user could have changed since it was checked: a link planted there
        // leads, with the user's rights, only where the user may write anyway.
        s.code(
            "baton_as() { baton_au=$1; baton_ag=$2; shift 2; setpriv --reuid=\"$baton_au\" --regid=\"$baton_ag\" --clear-groups -- \"$@\"; }"
        )
        // baton_dirs OWNER GROUP MODE PATH...: root's own folders (and daemons'), outside any user's reach: they
        // exist, are no links, and have this owner and mode: one mkdir for the missing ones (`mkdir -m` sets
        // their mode), one chown, and a chmod only when one existed.
        s.code("baton_dirs() {")
        s.code("  baton_og=$1:$2; baton_m=$3; shift 3; baton_missing=0; baton_existed=0")
        s.code("  for baton_p in \"$@\"; do")
        s.code("    baton_safe_path \"$baton_p\" || return 1")
        s.code("    if [ -d \"$baton_p\" ]; then baton_existed=1; else baton_missing=1; fi")
        s.code("  done")
        s.code("  if [ $baton_missing = 1 ]; then")
        s.code("    mkdir -p -m \"$baton_m\" -- \"$@\" || return 1")
        s.code("    for baton_p in \"$@\"; do baton_safe_path \"$baton_p\" || return 1; done")
        s.code("  fi")
        s.code("  chown -h -- \"$baton_og\" \"$@\" || return 1")
        s.code("  [ $baton_existed = 0 ] || chmod -- \"$baton_m\" \"$@\"")
        s.code("}")
        // baton_dir PATH OWNER GROUP MODE: one folder.
        s.code("baton_dir() { baton_dirs \"$2\" \"$3\" \"$4\" \"$1\"; }")
        // baton_as USER GROUP CMD...: CMD with that user's rights alone (no capabilities, no other groups). What
        // root does inside a user's tree, the user could have changed since it was checked: a link planted there
        // leads, with the user's rights, only where the user may write anyway.
        s.code(
            "baton_as() { baton_au=$1; baton_ag=$2; shift 2; setpriv --reuid=\"$baton_au\" --regid=\"$baton_ag\" --clear-groups -- \"$@\"; }"
        )
        // baton_pin PATH: into PATH's folder, checked to be PATH's folder once there (`cd -P`, then $PWD): what
        // follows acts on `./$baton_name`, so no link swapped in higher up can lead it elsewhere. Only the last
        // component is left, and chown -h, rm and mv do not follow a link there.
        s.code("baton_pin() {")
        s.code("  baton_parent=${1%/*}; baton_name=${1##*/}")
        s.code(
            "  cd -P -- \"${baton_parent:-/}\" 2>/dev/null && [ \"$PWD\" = \"${baton_parent:-/}\" ] && [ -n \"$baton_name\" ] \\"
        )
        s.code("    || { echo \"baton: refusing $1: its folder moved while Baton worked on it\" >&2; return 1; }")
        s.code("}")
        // baton_user_dirs OWNER GROUP MODE PATH...: folders in a user's tree. Root makes a folder only where no
        // user controls the way there (`/home/NAME` and right inside it: mkdir does not follow a link in the last
        // place); a deeper one is made by the owner of the nearest folder above it that exists. Root then only
        // chowns, pinned (baton_pin), and the folder's own owner sets its mode.
        s.code("baton_user_dirs() { baton_user_dirs_by - \"$@\"; }")
        // baton_user_dirs_by as baton_user_dirs, with MAKER first: the user known to own the folders above (the
        // backend knows it for a default path), or - to look it up.
        s.code("baton_user_dirs_by() {")
        s.code("  baton_maker=$1; shift")
        s.code("  baton_u=$1; baton_g=$2; baton_m=$3; shift 3; baton_all=1; baton_deep=1")
        s.code("  for baton_p in \"$@\"; do")
        s.code("    baton_safe_path \"$baton_p\" || return 1")
        s.code("    case \"$baton_p\" in /*/*/*/*) baton_all=0;; *) baton_deep=0;; esac")
        s.code("    [ ! -e \"$baton_p\" ] || { baton_all=0; baton_deep=0; }")
        s.code("  done")
        // The usual first apply of an account: both folders new and near the top: one mkdir, one chown.
        s.code("  if [ $baton_all = 1 ]; then")
        s.code(
            "    if [ -n \"$baton_hq\" ]; then baton_ask dirs \"$baton_u\" \"$baton_g\" \"$baton_m\" \"$@\"; return; fi"
        )
        s.code("    mkdir -m \"$baton_m\" -- \"$@\" && chown -h -- \"$baton_u:$baton_g\" \"$@\"")
        s.code("    return")
        s.code("  fi")
        // The usual first apply of a web app: every folder new and deep in the tree of the user who owns them
        // all: the user makes them in one mkdir, in the order given, as the loop below would one by one.
        s.code("  if [ $baton_deep = 1 ] && [ \"$baton_maker\" = \"$baton_u\" ]; then")
        s.code(
            "    if [ -n \"$baton_hq\" ]; then baton_ask mkdir-as \"$baton_u\" \"$baton_g\" \"$baton_m\" \"$@\"; return; fi"
        )
        s.code("    baton_as \"$baton_u\" \"$baton_g\" mkdir -p -m \"$baton_m\" -- \"$@\"")
        s.code("    return")
        s.code("  fi")
        s.code("  for baton_p in \"$@\"; do")
        s.code("    baton_made=")
        s.code("    if [ ! -d \"$baton_p\" ]; then")
        s.code("      case \"$baton_p\" in")
        s.code("        /*/*/*/*)")
        s.code("          baton_a=${baton_p%/*}")
        s.code("          while [ -n \"$baton_a\" ] && [ ! -d \"$baton_a\" ]; do baton_a=${baton_a%/*}; done")
        s.code("          if [ \"$baton_maker\" = - ]; then baton_o=$(stat -c %U:%G -- \"${baton_a:-/}\") || return 1")
        s.code("          else baton_o=$baton_maker:$baton_g; fi")
        s.code("          case \"$baton_o\" in root:*) mkdir -p -m \"$baton_m\" -- \"$baton_p\";;")
        s.code(
            "            *) baton_as \"${baton_o%:*}\" \"${baton_o#*:}\" mkdir -p -m \"$baton_m\" -- \"$baton_p\";; esac || return 1"
        )
        s.code("          [ \"$baton_o\" != \"$baton_u:$baton_g\" ] || baton_made=mine;;")
        s.code("        *) mkdir -m \"$baton_m\" -- \"$baton_p\" || return 1; baton_made=root;;")
        s.code("      esac")
        s.code("    fi")
        s.code("    [ \"$baton_made\" != mine ] || continue")
        s.code(
            "    baton_pin \"$baton_p\" && chown -h -- \"$baton_u:$baton_g\" \"./$baton_name\" || { cd /; return 1; }")
        s.code(
            "    [ -n \"$baton_made\" ] || baton_as \"$baton_u\" \"$baton_g\" chmod -- \"$baton_m\" \"./$baton_name\" || { cd /; return 1; }"
        )
        s.code("    cd /")
        s.code("  done")
        s.code("}")
        // baton_home HOME OWNER GROUP [KEYS]: a user's home (0750, as baton_user_dirs makes folders); then, with
        // the user's own rights, ~/.ssh (0700) and ~/.ssh/authorized_keys written from KEYS (or, without it, from
        // stdin in base64): root never writes into a folder the user controls. A main user's home that its
        // account's operation set to the same owner and mode in this run (baton_home_set) is not set again.
        s.code("baton_home() {")
        s.code("  baton_safe_path \"$1\" || return 1")
        s.code("  if [ $# -ge 4 ]; then baton_kw=1; baton_keys=$4; else baton_kw=0; baton_keys=; fi")
        s.code("  if baton_home_was_set \"$1\" \"$2\" \"$3\"; then")
        s.code("    baton_hm=")
        s.code("  elif [ -d \"$1\" ]; then")
        s.code("    baton_pin \"$1\" && chown -h -- \"$2:$3\" \"./$baton_name\" || { cd /; return 1; }")
        s.code("    cd /; baton_hm=0750")
        s.code("  else")
        s.code("    baton_user_dirs \"$2\" \"$3\" 0750 \"$1\" || return 1; baton_hm=")
        s.code("  fi")
        // The user's part: by the run's helper when it runs and the keys came as a word, else by the user's shell
        // itself (printf is a builtin there): a shell, a mkdir and a mv.
        s.code(
            "  if [ -n \"$baton_hq\" ] && [ $baton_kw = 1 ]; then baton_ask home \"$2\" \"$3\" \"$1\" \"$baton_hm\" \"$baton_keys\"; return; fi"
        )
        s.code(
            "  baton_as \"$2\" \"$3\" sh -c 'umask 077; [ -z \"$2\" ] || chmod \"$2\" -- \"$1\" || exit 1; if [ -d \"$1/.ssh\" ]; then chmod 0700 -- \"$1/.ssh\"; else mkdir -- \"$1/.ssh\"; fi || exit 1; if [ \"$3\" = 1 ]; then printf \"%s\" \"$4\"; else base64 -d; fi > \"$1/.ssh/.authorized_keys.baton-tmp\" && mv -f -- \"$1/.ssh/.authorized_keys.baton-tmp\" \"$1/.ssh/authorized_keys\"' baton-home \"$1\" \"$baton_hm\" \"$baton_kw\" \"$baton_keys\""
        )
        s.code("}")
        // baton_home_set NAME: the account NAME's operation set /home/NAME to NAME:NAME 0750 in this run (it
        // ends with that or fails). Noted in the run's scratch folder for baton_home.
        s.code("baton_home_set() {")
        s.code("  case \"$1\" in ''|*/*|.*) return 0;; esac")
        s.code("  : > \"$baton_run/home-$1\"")
        s.code("}")
        // baton_home_was_set HOME OWNER GROUP: HOME is the main home of account OWNER (= GROUP), set in this run.
        s.code("baton_home_was_set() {")
        s.code("  case \"$2\" in ''|*/*|.*) return 1;; esac")
        s.code("  [ \"$1\" = \"/home/$2\" ] && [ \"$3\" = \"$2\" ] && [ -e \"$baton_run/home-$2\" ] && [ -d \"$1\" ]")
        s.code("}")
        // baton_acl MESSAGE USER GROUP SETFACL-ARGS...: setfacl with the user's rights alone. Its status tells
        // only of the last file it was given, so its own messages decide: they are passed on, then MESSAGE. It
        // never fails: a file the user may not change keeps the access it had.
        s.code("baton_acl() {")
        s.code("  baton_am=$1; baton_au=$2; baton_ag=$3; shift 3; baton_rc=0")
        // The run's helper says its messages itself, and 1 when it said any.
        s.code("  if [ -n \"$baton_hq\" ]; then")
        s.code("    baton_ask acl report \"$baton_au\" \"$baton_ag\" \"$@\" || baton_rc=$?")
        s.code(
            "    if [ $baton_rc -ne 125 ]; then [ $baton_rc -eq 0 ] || printf '%s\\n' \"$baton_am\" >&2; return 0; fi")
        s.code("    baton_rc=0")
        s.code("  fi")
        s.code("  baton_as \"$baton_au\" \"$baton_ag\" setfacl \"$@\" 2> \"$baton_run/acl.err\" || baton_rc=$?")
        s.code("  if [ $baton_rc -ne 0 ] || [ -s \"$baton_run/acl.err\" ]; then")
        s.code(
            "    while IFS= read -r baton_l || [ -n \"$baton_l\" ]; do printf '%s\\n' \"$baton_l\" >&2; done < \"$baton_run/acl.err\""
        )
        s.code("    printf '%s\\n' \"$baton_am\" >&2")
        s.code("  fi")
        s.code("  return 0")
        s.code("}")
        // baton_rm_tree PATH: a folder removed for good (`purge`), pinned.
        s.code("baton_rm_tree() {")
        s.code("  [ -e \"$1\" ] || return 0")
        s.code("  baton_safe_path \"$1\" && baton_pin \"$1\" || return 1")
        s.code("  rm -rf --one-file-system -- \"./$baton_name\"; baton_rc=$?; cd /; return $baton_rc")
        s.code("}")
        // baton_dir_once KEY PATH OWNER GROUP MODE: baton_dir for a folder many operations share (nginx's sites,
        // a pool folder, the zones): done by the first operation of the run that needs it. KEY names it in the
        // run's scratch folder.
        s.code("baton_dir_once() {")
        s.code("  case \"$1\" in ''|*/*|.|..) echo \"baton: bad folder key $1\" >&2; return 1;; esac")
        s.code("  [ ! -e \"$baton_run/dir-$1\" ] || return 0")
        s.code("  baton_dir \"$2\" \"$3\" \"$4\" \"$5\" && : > \"$baton_run/dir-$1\"")
        s.code("}")
        // baton_once KEY CMD...: CMD once per run: not again after it succeeded (KEY names it in the run's
        // scratch folder).
        s.code("baton_once() {")
        s.code("  case \"$1\" in ''|*/*|.|..) echo \"baton: bad key $1\" >&2; return 1;; esac")
        s.code("  [ ! -e \"$baton_run/once-$1\" ] || return 0")
        s.code("  baton_onk=$1; shift")
        s.code("  \"$@\" && : > \"$baton_run/once-$baton_onk\"")
        s.code("}")
        // baton_archive PATH ARCHIVE NAME: moves a folder away under a dated name instead of deleting it.
        s.code("baton_archive() {")
        s.code("  [ -e \"$1\" ] || return 0")
        s.code("  baton_safe_path \"$1\" && mkdir -p -m 0700 -- \"$2\" || return 1")
        s.code("  baton_stamp=$(date -u +%Y%m%dT%H%M%SZ)")
        s.code("  baton_pin \"$1\" || return 1")
        s.code("  mv -- \"./$baton_name\" \"$2/$3-$baton_stamp\"; baton_rc=$?; cd /; return $baton_rc")
        s.code("}")
        // baton_quiet CMD...: the command's output only when it fails. For commands that report success or
        // "no changes" on stderr, which would otherwise read as a warning on every run.
        s.code("baton_quiet() {")
        s.code("  baton_out=$(\"$@\" 2>&1) && return 0")
        s.code("  baton_rc=$?; printf '%s\\n' \"$baton_out\" >&2; return $baton_rc")
        s.code("}")
        // baton_add CMD...: groupadd or useradd: 0 when it made the name; 9 (their "already exists") and 6
        // (useradd's "no such group") quietly, for the caller to handle, the output kept in $baton_out; anything
        // else with the command's output. Trying first spares a lookup per user.
        s.code("baton_add() {")
        s.code("  baton_out=$(\"$@\" 2>&1) && return 0")
        s.code("  baton_rc=$?; [ $baton_rc -eq 9 ] || [ $baton_rc -eq 6 ] || printf '%s\\n' \"$baton_out\" >&2")
        s.code("  return $baton_rc")
        s.code("}")
        // baton_unlock NAME: the user is neither locked nor expired. Read from the shadow entry first, so that
        // usermod runs only when there is something to change: a password of "!" alone has nothing to unlock
        // (usermod -U refuses it), so it stays as it is.
        // baton_unlock USER [expiry]: undoes a deactivation: the password unlocked and the expiry cleared, or
        // only the expiry when the manifest's own hash is a locked one (`!...`).
        s.code("baton_unlock() {")
        s.code("  baton_user=$1; baton_only=${2:-}")
        s.code(
            "  baton_sh=$(getent shadow \"$baton_user\") || { echo \"baton: $baton_user has no shadow entry\" >&2; return 1; }"
        )
        s.code("  baton_ifs=$IFS; IFS=:; set -f; set -- $baton_sh; set +f; IFS=$baton_ifs")
        s.code("  baton_locked=0; case \"${2:-}\" in '!'?*) [ -n \"$baton_only\" ] || baton_locked=1;; esac")
        s.code("  if [ $baton_locked = 1 ] && [ -n \"${8:-}\" ]; then baton_quiet usermod -U -e '' -- \"$baton_user\"")
        s.code("  elif [ $baton_locked = 1 ]; then baton_quiet usermod -U -- \"$baton_user\"")
        s.code("  elif [ -n \"${8:-}\" ]; then baton_quiet usermod -e '' -- \"$baton_user\"; fi")
        s.code("}")
        // baton_guard NAMES KIND NAME ACCOUNT new|adopt: the user or group NAME is account ACCOUNT's on this server,
        // or may become it. NAMES is root's register of what Baton made, one file per name
        // (`NAMES/user/acme` holds `acme`): read with builtins alone. A name the register gives another account is
        // refused; a name it does not know is refused when the system already has it (`new`: a system group such
        // as docker or ssl-cert, somebody's own user), or taken in when Baton applied it before the register
        // existed (`adopt`: the resource is in the inventory). Registered before useradd runs, so a run killed
        // in between leaves the name to the same account.
        s.code("baton_guard() {")
        s.code("  baton_nf=\"$1/$2/$3\"")
        s.code("  if [ -f \"$baton_nf\" ]; then")
        s.code("    baton_owner=; read -r baton_owner < \"$baton_nf\" || :")
        s.code("    [ \"$baton_owner\" != \"$4\" ] || return 0")
        s.code("    echo \"baton: the $2 $3 on this server belongs to account $baton_owner, not $4\" >&2; return 1")
        s.code("  fi")
        s.code("  if [ \"$5\" != adopt ]; then")
        s.code("    case $2 in user) baton_db=passwd;; *) baton_db=group;; esac")
        s.code("    if getent \"$baton_db\" \"$3\" >/dev/null; then")
        s.code(
            "      echo \"baton: the $2 $3 exists on this server and Baton did not make it: refusing to use it for account $4 (choose another name; if Baton made it and its record was lost, record the revision with baton adopt)\" >&2; return 1"
        )
        s.code("    fi")
        s.code("  fi")
        s.code("  printf '%s\\n' \"$4\" > \"$baton_nf\"")
        s.code("}")
        // baton_made INDEX: the run's batch made the users and groups of operation INDEX (UserBatch).
        s.code("baton_made() { [ -e \"$baton_run/made/$1\" ]; }")
        // baton_unregister NAMES INDEX: the register entries the batch wrote for operation INDEX, removed: it was
        // skipped, so its own guard never ran.
        s.code("baton_unregister() {")
        s.code("  [ -f \"$baton_run/batch/$2\" ] || return 0")
        s.code("  while read -r baton_k baton_n; do")
        s.code(
            "    case \"$baton_k/$baton_n\" in user/*/*|group/*/*|*/.*) ;; user/?*|group/?*) rm -f -- \"$1/$baton_k/$baton_n\";; esac"
        )
        s.code("  done < \"$baton_run/batch/$2\"")
        s.code("}")
        // baton_ours NAMES KIND NAME ACCOUNT: whether the register gives NAME to ACCOUNT.
        s.code("baton_ours() {")
        s.code("  [ -f \"$1/$2/$3\" ] || return 1")
        s.code("  baton_owner=; read -r baton_owner < \"$1/$2/$3\" || :")
        s.code("  [ \"$baton_owner\" = \"$4\" ]")
        s.code("}")
        // baton_swap NEW TARGET TEST...: installs NEW over TARGET, runs TEST, and puts the old file back
        // (or removes the new one) when the test fails, saying so.
        s.code("baton_swap() {")
        s.code("  baton_new=$1; baton_target=$2; shift 2")
        s.code("  if [ -e \"$baton_target\" ]; then cp -p -- \"$baton_target\" \"$baton_target.baton-old\"; fi")
        s.code("  mv -f -- \"$baton_new\" \"$baton_target\"")
        s.code("  if baton_quiet \"$@\"; then rm -f -- \"$baton_target.baton-old\"; return 0; fi")
        s.code("  echo \"baton: $* failed: $baton_target restored\" >&2")
        s.code(
            "  if [ -e \"$baton_target.baton-old\" ]; then mv -f -- \"$baton_target.baton-old\" \"$baton_target\"; else rm -f -- \"$baton_target\"; fi"
        )
        s.code("  return 1")
        s.code("}")
        // baton_zone_serial LIVE CANDIDATE LINE SERIAL ORIGIN: the candidate zone's serial (in its SOA, on line
        // LINE) raised above the live file's when that one is as high: whatever the status branch says (a run
        // whose record was lost wrote a serial it does not know), the served serial only rises. The serial
        // written is a marker, on the operation's output and in the journal.
        s.code("baton_zone_serial() {")
        s.code("  baton_zc=$2; baton_zn=$3; baton_zs=$4; baton_zo=$5; baton_live=")
        s.code("  if [ -f \"$1\" ]; then")
        s.code("    baton_i=0")
        s.code("    while [ $baton_i -lt 200 ] && IFS= read -r baton_l; do")
        s.code("      baton_i=$((baton_i + 1))")
        s.code(
            "      case \"$baton_l\" in *\"\tSOA\t\"*) set -f; set -- ${baton_l#*\tSOA\t}; set +f; baton_live=${3:-}; break;; esac"
        )
        s.code("    done < \"$1\"")
        s.code("  fi")
        s.code("  case \"$baton_live\" in ''|*[!0-9]*) baton_live=0;; esac")
        s.code("  if [ \"$baton_live\" -ge \"$baton_zs\" ]; then")
        s.code("    baton_zs=$((baton_live + 1)); [ \"$baton_zs\" -le 4294967295 ] || baton_zs=1")
        s.code(
            "    sed -i \"${baton_zn}s/^\\(.*\tSOA\t[^ ]* [^ ]* \\)[0-9]*/\\1$baton_zs/\" -- \"$baton_zc\" || return 1")
        s.code("  fi")
        s.code("  baton_mark \"@@BATON $baton_nonce SERIAL $baton_zo $baton_zs\"")
        s.code("}")
        s.append(TreeHelper.functions())
        s.append(StagedChecks.functions())
        return s
    }
}
