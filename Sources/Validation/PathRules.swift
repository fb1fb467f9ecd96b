/// Checks of absolute paths (homes, web app paths, server paths) and of relative ones (public roots).
/// Each problem carries its own rule suffix, so a home gets `home.dot-component`, a web app `webapp.path`.
package enum PathRules {
    package struct Problem: Sendable, Equatable {
        /// `absolute`, `dot-component`, `double-slash`, `trailing-slash`, `control-char`, `too-long`, `dash`, `forbidden`.
        package var check: String
        package var message: String
        package var hint: String
    }

    package static let maxLength = 4096

    /// Paths that must never be a home (or hold one): system folders and secret stores.
    package static let forbidden: Set<String> = [
        "/", "/etc", "/root", "/home", "/usr", "/var", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/dev", "/proc",
        "/sys", "/run", "/tmp", "/opt", "/srv", "/mnt", "/media", "/var/www", "/var/lib", "/var/log", "/usr/local",
    ]
    static let forbiddenPrefixes = [
        "/etc/", "/root/", "/proc/", "/sys/", "/dev/", "/boot/", "/run/", "/usr/", "/bin/", "/sbin/", "/lib/",
    ]
    static let forbiddenComponents: Set<String> = [".ssh", ".gnupg", ".config", ".baton"]

    /// The first problem of an absolute path, in the order a user would fix them.
    package static func absoluteProblem(_ path: String) -> Problem? {
        if path.utf8.count > maxLength {
            return Problem(
                check: "too-long", message: "the path is \(path.utf8.count) bytes long; at most \(maxLength)",
                hint: "use a shorter path")
        }
        if path.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }),
            let bad = path.unicodeScalars.first(where: {
                $0.properties.generalCategory == .control || $0.properties.isWhitespace
            })
        {
            return Problem(
                check: "control-char",
                message: "the path holds \(describe(bad)), which shell scripts and config files mishandle",
                hint: "remove spaces, tabs, newlines and control characters from the path")
        }
        if let bad = path.unicodeScalars.first(where: { !isSafePathScalar($0) }) {
            return Problem(
                check: "character",
                message: "the path holds `\(bad)`, which Baton does not write into scripts and configuration files",
                hint: "use letters, digits and `. _ - + @ ~ ,` in folder names")
        }
        guard path.hasPrefix("/") else {
            return Problem(
                check: "absolute", message: "the path '\(path)' is not absolute", hint: "write the full path from `/`")
        }
        if path.hasBytePair("/") {
            return Problem(
                check: "double-slash", message: "the path '\(path)' has an empty component (`//`)",
                hint: "write single slashes between components")
        }
        if path.count > 1, path.hasSuffix("/") {
            return Problem(
                check: "trailing-slash", message: "the path '\(path)' ends with `/`", hint: "remove the trailing slash")
        }
        let components = path.splitByByte("/")
        if let dot = components.first(where: { $0 == "." || $0 == ".." }) {
            return Problem(
                check: "dot-component", message: "the path '\(path)' has a `\(dot)` component",
                hint: "write the normalised path, without `.` or `..`")
        }
        if let dash = components.first(where: { $0.hasPrefix("-") }) {
            return Problem(
                check: "dash",
                message: "the path component '\(dash)' starts with `-`, which commands read as an option",
                hint: "rename the folder so that it does not start with `-`")
        }
        if forbidden.contains(path) || forbiddenPrefixes.contains(where: { path.hasPrefix($0) })
            || components.contains(where: { forbiddenComponents.contains(String($0)) })
        {
            return Problem(
                check: "forbidden",
                message: "'\(path)' is a system or secret location and can never be a home or web root",
                hint: "use a folder below the account's home, e.g. /home/<account>/<folder>")
        }
        return nil
    }

    /// Letters, digits, `/` and `. _ - + @ ~ ,`: every path is later quoted for a shell and written into nginx
    /// and php-fpm files, whose own quoting rules differ; a strict set keeps all of them simple.
    static func isSafePathScalar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "_", "-", "+", "@", "~", ",": return true
        default: return false
        }
    }

    /// A path relative to a base that must stay inside it (a web app's public root).
    package static func relativeProblem(_ path: String) -> Problem? {
        if path.hasPrefix("/") {
            return Problem(
                check: "absolute", message: "'\(path)' must be relative to the app's path",
                hint: "write it without the leading `/`, e.g. `public`")
        }
        if let problem = absoluteProblem("/" + path) {
            if problem.check == "forbidden" { return nil }
            return problem
        }
        return nil
    }

    /// `inner` equals `outer` or lies below it, component-wise (`/home/ab` is not inside `/home/a`).
    package static func isInside(_ inner: String, _ outer: String) -> Bool {
        inner == outer || inner.hasPrefix(outer.hasSuffix("/") ? outer : outer + "/")
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "a newline"
        case "\t": return "a tab"
        case " ": return "a space"
        default: return "the character U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
    }
}
