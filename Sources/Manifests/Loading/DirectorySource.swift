import Foundation

/// The manifests of a working tree: every `*.yaml`/`*.yml` below the root, hidden folders and files
/// skipped, and anything matched by the root's `.batonignore`.
public struct DirectorySource: ManifestSource {
    public let root: String
    public let ignore: IgnoreList

    public init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw SourceError("\(root): no such file or directory")
        }
        guard isDirectory.boolValue else { throw SourceError("\(root): not a directory") }
        guard FileManager.default.isReadableFile(atPath: root) else { throw SourceError("\(root): permission denied") }
        self.root = root
        let ignoreFile = (root as NSString).appendingPathComponent(".batonignore")
        ignore = IgnoreList((try? String(contentsOfFile: ignoreFile, encoding: .utf8)) ?? "")
    }

    public func manifestPaths() throws -> [String] {
        var paths: [String] = []
        try walk("", into: &paths)
        return paths.sorted()
    }

    private func walk(_ relative: String, into paths: inout [String]) throws {
        let absolute = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: absolute)
        } catch {
            throw SourceError("\(absolute): cannot list the folder (\(error.localizedDescription))")
        }
        for name in names where !name.hasPrefix(".") {
            let path = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if !ignore.matches(path, isDirectory: true) { try walk(path, into: &paths) }
            } else if ManifestPath.isManifest(name), !ignore.matches(path, isDirectory: false) {
                paths.append(path)
            }
        }
    }

    public func read(_ path: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw SourceError("cannot read the file (\(error.localizedDescription))")
        }
    }
}

/// `.batonignore`: one glob per line (`#` comments), matched against the path relative to the root;
/// a pattern without `/` matches a name at any depth, and a trailing `/` matches folders only.
public struct IgnoreList: Sendable {
    private var patterns: [(glob: String, anchored: Bool, directoryOnly: Bool)] = []

    public init(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let directoryOnly = line.hasSuffix("/")
            if directoryOnly { line.removeLast() }
            let anchored = line.contains("/")
            if line.hasPrefix("/") { line.removeFirst() }
            patterns.append((line, anchored, directoryOnly))
        }
    }

    public func matches(_ path: String, isDirectory: Bool) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return patterns.contains { pattern in
            if pattern.directoryOnly && !isDirectory { return false }
            return fnmatch(pattern.glob, pattern.anchored ? path : name, pattern.anchored ? FNM_PATHNAME : 0) == 0
        }
    }
}
