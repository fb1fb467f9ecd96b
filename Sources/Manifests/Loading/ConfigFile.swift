import Foundation

/// A file that configures Baton (`baton.yaml`, `.batonignore`), read from a folder. One that is absent means the
/// defaults; one that is there and cannot be read, or is not UTF-8 text, is an error at the file: never skipped,
/// since skipping it would load, validate and apply with settings nobody chose.
package enum ConfigFile {
    /// No configuration file is this big.
    package static let maxSize = 1 << 20

    /// The file's bytes, or nil when there is no such file.
    package static func read(_ path: String, name: String) throws -> [UInt8]? {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw unreadable(name, String(cString: strerror(errno)))
        }
        // Non-blocking, so that a FIFO cannot hang the open before it is refused.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw unreadable(name, String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw unreadable(name, String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw unreadable(name, "not a regular file") }
        guard Int(info.st_size) <= maxSize else {
            throw unreadable(name, "the file is over \(maxSize >> 20) MiB")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(name, String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        guard filled <= maxSize else { throw unreadable(name, "the file is over \(maxSize >> 20) MiB") }
        return Array(bytes[..<filled])
    }

    static func unreadable(_ name: String, _ why: String) -> SourceError {
        SourceError(
            "\(name):1:1: error: cannot read the file: \(why) [config.read]; Baton reads it for its settings and "
                + "will not go on without them: make it a regular file the user running Baton may read, or remove it")
    }

    /// The bytes as text, or an error at the first byte that is not UTF-8.
    package static func text(_ bytes: [UInt8], name: String) throws -> String {
        if let bad = UTF8Check.firstInvalid(bytes) {
            throw SourceError(
                "\(name):\(bad.mark.line):\(bad.mark.column): error: not UTF-8 text: \(bad.description) "
                    + "[config.encoding]; save the file as UTF-8 (comments too)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Where bytes stop being UTF-8, and which bytes they are.
package enum UTF8Check {
    package struct Invalid: Sendable, Hashable, CustomStringConvertible {
        package var offset: Int
        package var mark: Mark
        /// The offending bytes: the one that cannot be there, and the continuation bytes after it.
        package var bytes: [UInt8]

        package var description: String {
            let hex = bytes.map { "0x" + String($0, radix: 16, uppercase: false).leftPadded(2) }
            return (bytes.count == 1 ? "byte " : "bytes ") + hex.joined(separator: " ")
        }
    }

    package static func firstInvalid(_ bytes: [UInt8]) -> Invalid? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error:
                return Invalid(
                    offset: offset, mark: mark(of: offset, in: bytes), bytes: sequence(at: offset, in: bytes))
            }
        }
    }

    /// The byte at `offset` and the continuation bytes (10xxxxxx) that follow it, at most four in all.
    package static func sequence(at offset: Int, in bytes: some RandomAccessCollection<UInt8>) -> [UInt8] {
        guard offset >= 0, offset < bytes.count else { return [] }
        let start = bytes.index(bytes.startIndex, offsetBy: offset)
        var out = [bytes[start]]
        var i = bytes.index(after: start)
        while i < bytes.endIndex, out.count < 4, bytes[i] & 0xC0 == 0x80 {
            out.append(bytes[i])
            i = bytes.index(after: i)
        }
        return out
    }

    static func mark(of offset: Int, in bytes: [UInt8]) -> Mark {
        var line = 1
        var lineStart = 0
        for (i, byte) in bytes[..<offset].enumerated() where byte == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return Mark(line: line, column: offset - lineStart + 1)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
