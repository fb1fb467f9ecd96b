/// Shell functions every run script starts with. Paths are checked as the brief asks: nothing is created or
/// chowned through a symbolic link.
public enum Prelude {
    public static func script() -> ScriptBuilder {
        var s = ScriptBuilder()
        // A path is safe when no component of it is a symbolic link: realpath would then give it back as is.
        s.code("baton_safe_path() {")
        s.code("  baton_real=$(realpath -m -- \"$1\") || return 1")
        s.code(
            "  if [ \"$baton_real\" != \"$1\" ]; then echo \"baton: refusing $1: a symbolic link is on the way ($baton_real)\" >&2; return 1; fi"
        )
        s.code("}")
        // baton_dir PATH OWNER GROUP MODE: the folder exists, is no link, and has this owner and mode.
        s.code("baton_dir() {")
        s.code("  baton_safe_path \"$1\" || return 1")
        s.code("  if [ ! -d \"$1\" ]; then mkdir -p -m \"$4\" -- \"$1\" || return 1; fi")
        s.code("  baton_safe_path \"$1\" || return 1")
        s.code("  chown -h -- \"$2:$3\" \"$1\" && chmod -- \"$4\" \"$1\"")
        s.code("}")
        // baton_archive PATH ARCHIVE NAME: moves a folder away under a dated name instead of deleting it.
        s.code("baton_archive() {")
        s.code("  [ -e \"$1\" ] || return 0")
        s.code("  baton_safe_path \"$1\" || return 1")
        s.code("  mkdir -p -m 0700 -- \"$2\" && mv -- \"$1\" \"$2/$3-$(date -u +%Y%m%dT%H%M%SZ)\"")
        s.code("}")
        // baton_quiet CMD...: the command's output only when it fails. For commands that report success or
        // "no changes" on stderr, which would otherwise read as a warning on every run.
        s.code("baton_quiet() {")
        s.code("  baton_out=$(\"$@\" 2>&1) && return 0")
        s.code("  baton_rc=$?; printf '%s\\n' \"$baton_out\" >&2; return $baton_rc")
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
        return s
    }
}
