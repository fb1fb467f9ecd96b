import Foundation

/// What a repository's tree (a commit's, or a folder's on disk) may hold: the names git itself refuses to check
/// out (`git fsck`, `verify_path`), names that two platforms the docs name would read as one file, and limits on
/// depth and size. One set of rules for both readers, so that a folder and a commit of it never differ, and a
/// reviewer who reads `git show REV:PATH` reads what Baton loads.
package enum TreeRules {
    /// The most folders a path may cross, its file included: `a/b/c.yaml` is 3 deep.
    package static let maxDepth = 64
    /// The most entries (files, folders, links) a tree may hold in all.
    package static let maxEntries = 1_000_000

    /// Why an entry of this name is refused, nil when the name is fine. `name` is the entry's raw bytes.
    package static func problem(name: [UInt8]) -> String? {
        if name.isEmpty { return "an empty name" }
        if name.contains(0x2F) { return "a name holding '/': git reads it as one entry, a checkout as a path" }
        if name.contains(0) { return "a name holding a NUL byte" }
        if name.contains(0x5C) { return "a name holding '\\', a folder separator on Windows" }
        if name == [0x2E] || name == [0x2E, 0x2E] { return "the name '\(String(decoding: name, as: UTF8.self))'" }
        if name.allSatisfy({ $0 < 0x80 }) {
            // ASCII, nearly every name: the byte checks suffice, and only `.git…`/`git~1…` can spell `.git`.
            if name.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return controlCharacter }
            // Compared in place: this runs for every name of the tree, and arrays for it cost more than the check.
            guard startsFolded(name, ".git") || startsFolded(name, "git~1") else { return nil }
        }
        guard let text = String(validating: name, as: UTF8.self) else { return "a name that is not valid UTF-8" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return controlCharacter
        }
        if isDotGit(text) { return "a name git reserves for its own folder (.git, in some spelling)" }
        return nil
    }

    /// Whether `name` starts with `prefix` (ASCII) once each of its bytes has its 0x20 bit set.
    static func startsFolded(_ name: [UInt8], _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        let p = prefix.utf8Start
        for k in 0..<count where name[k] | 0x20 != p[k] { return false }
        return true
    }

    static let controlCharacter = "a name holding a control character (a line break, a tab, an escape)"

    /// `.git` as git's `verify_path` sees it on every platform: in any case; on NTFS also with trailing dots or
    /// spaces, an alternate stream (`.git::$INDEX_ALLOCATION`) or the short name `git~1`; on HFS+ also with the
    /// code points HFS+ ignores (zero-width joiners, direction marks, the byte-order mark).
    package static func isDotGit(_ name: String) -> Bool {
        let lower = name.lowercased()
        // NTFS: what comes before the first ':' counts, and trailing dots and spaces are dropped.
        let stem = lower.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        let trimmed = String((stem ?? lower).reversed().drop { $0 == "." || $0 == " " }.reversed())
        if trimmed == ".git" || trimmed == "git~1" { return true }
        let visible = String(String.UnicodeScalarView(lower.unicodeScalars.filter { !hfsIgnorable($0) }))
        return visible == ".git"
    }

    static func hfsIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: true
        default: false
        }
    }

    /// The key two names share when a case-insensitive or normalising file system (macOS, Windows) stores them
    /// as one file: lower case, then Unicode NFC. Compared as bytes, since Swift's `==` already equates NFC and NFD.
    package static func collisionKey(_ name: [UInt8]) -> [UInt8] {
        // ASCII, nearly every name, needs no normalisation: its lower case is the key.
        if name.allSatisfy({ $0 < 0x80 }) { return name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        return Array(String(decoding: name, as: UTF8.self).lowercased().precomposedStringWithCanonicalMapping.utf8)
    }

    /// Checks the entries of one folder (`folder` is its path, "" for the root): every name, then the pairs that
    /// would be one file. Throws the first problem, with the entry's path.
    package static func check(folder: String, names: [[UInt8]]) throws {
        var seen: [[UInt8]: [UInt8]] = Dictionary(minimumCapacity: names.count)
        for name in names {
            if let problem = problem(name: name) {
                throw TreeProblem(path: join(folder, name), rule: "tree.name", reason: problem)
            }
            let key = collisionKey(name)
            if let other = seen[key] {
                throw TreeProblem(
                    path: join(folder, name), rule: "tree.collision",
                    reason: other == name
                        ? "the folder holds this name twice"
                        : "the same file as \(PathText.escaped(join(folder, other))) once case or Unicode normalisation is ignored (macOS, Windows)"
                )
            }
            seen[key] = name
        }
    }

    /// Refuses a path with more than `maxDepth` parts; `depth` is the number of parts.
    package static func checkDepth(_ depth: Int, path: @autoclosure () -> [UInt8]) throws {
        guard depth > maxDepth else { return }
        throw TreeProblem(
            path: path(), rule: "tree.depth", reason: "deeper than \(maxDepth) folders")
    }

    /// Refuses a tree of more than `maxEntries` entries; `path` is where the count went over.
    package static func checkCount(_ count: Int, path: @autoclosure () -> [UInt8]) throws {
        guard count > maxEntries else { return }
        throw TreeProblem(path: path(), rule: "tree.size", reason: "the tree holds more than \(maxEntries) entries")
    }

    package static func join(_ folder: String, _ name: [UInt8]) -> [UInt8] {
        folder.isEmpty ? name : Array(folder.utf8) + [0x2F] + name
    }
}

/// A tree entry the rules refuse: the whole revision or folder is refused with it.
package struct TreeProblem: Error, CustomStringConvertible, Sendable, Hashable {
    /// The entry's path as raw bytes (it may not be UTF-8).
    package var path: [UInt8]
    package var rule: String
    package var reason: String

    package init(path: [UInt8], rule: String, reason: String) {
        self.path = path
        self.rule = rule
        self.reason = reason
    }

    package static let hint =
        "git refuses or mangles such trees, and what Baton would read is not what a reviewer reads: rename or remove "
        + "the entry (`git ls-tree -r -z REV` lists names as stored)"

    package var description: String { "\(PathText.escaped(path)): \(reason) [\(rule)]; \(Self.hint)" }

    /// The problem as a report's diagnostic: the entry's path (escaped) for file, at its start.
    package var diagnostic: Diagnostic {
        .error(
            at: SourceLocation(file: PathText.escaped(path), mark: .start), rule: rule,
            "the tree is refused whole: \(reason)", hint: Self.hint)
    }
}

/// Paths as text for a message: printable UTF-8 as is; control characters, backslashes and bytes that are not
/// UTF-8 escaped, so that a file name cannot start a new line of output or forge one.
package enum PathText {
    package static func escaped(_ bytes: [UInt8]) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return bytes.map { $0 < 0x80 ? escaped(String(UnicodeScalar($0))) : "\\x" + hex($0) }.joined()
        }
        return escaped(text)
    }

    package static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    out +=
                        scalar.value < 0x100
                        ? "\\x" + hex(UInt8(scalar.value)) : "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
