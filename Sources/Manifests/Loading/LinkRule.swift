/// One rule for symbolic links, however the repository is read (a folder, a revision): a link with a manifest's
/// name is read as the regular file it leads to when that file is in the repository, found by the link's text
/// alone (relative to the link's folder, no link on the way but links to links, at most 8); any other link with a
/// manifest's name (absolute, leading out of the repository, to a folder, to nothing, in a loop) is an error at
/// the link. Links are never descended as folders.
package enum LinkRule {
    package static let maxHops = 8

    /// What a path of the repository is, without following a link at its end.
    package enum Entry: Sendable, Equatable {
        case file
        case link(String)
        case folder
        case missing
        /// A FIFO, a device, a socket: never read.
        case other
    }

    /// The path of the regular file the link at `path` leads to, or an `io.link` error.
    package static func resolve(_ path: String, entry: (String) throws -> Entry) throws -> String {
        var current = path
        for _ in 0...maxHops {
            switch try entry(current) {
            case .file: return current
            case .link(let text):
                guard !text.hasPrefix("/") else { throw problem(path, "leads to an absolute path (\(text))") }
                var parts = current.split(separator: "/").dropLast().map(String.init)
                for part in text.split(separator: "/", omittingEmptySubsequences: true) {
                    if part == "." { continue }
                    if part == ".." {
                        guard !parts.isEmpty else { throw problem(path, "leads out of the repository (\(text))") }
                        parts.removeLast()
                    } else {
                        parts.append(String(part))
                    }
                }
                guard !parts.isEmpty else { throw problem(path, "leads to the repository's root folder") }
                current = parts.joined(separator: "/")
            case .folder: throw problem(path, "leads to a folder (\(current))")
            case .missing: throw problem(path, "leads to nothing in the repository (\(current))")
            case .other: throw problem(path, "leads to something that is not a regular file (\(current))")
            }
        }
        throw problem(path, "is one of more than \(maxHops) links in a row, or a loop")
    }

    static func problem(_ path: String, _ what: String) -> ManifestReadError {
        ManifestReadError(
            rule: "io.link", message: "a symbolic link that \(what)",
            hint:
                "Baton reads a link only as a file of the repository it leads to by a relative path; commit the file itself, or list the link in .batonignore"
        )
    }
}

/// A manifest file that cannot be read as one, with the rule that says why (`io.link`, `yaml.too-large`). Both
/// readers throw it, so a folder and a commit of it give the same diagnostic.
package struct ManifestReadError: Error, CustomStringConvertible, Sendable {
    package var rule: String
    package var message: String
    package var hint: String

    package init(rule: String, message: String, hint: String) {
        self.rule = rule
        self.message = message
        self.hint = hint
    }

    package var description: String { message }

    package static func tooLarge(_ size: Int) -> ManifestReadError {
        ManifestReadError(
            rule: "yaml.too-large",
            message: "the file is \(size >> 20) MiB; manifests are limited to \(ManifestLoader.maxFileSize >> 20) MiB",
            hint: "split it into several files, or list it in .batonignore if it is not a manifest")
    }
}
