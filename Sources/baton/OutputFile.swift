import Foundation

/// A file a command was asked to write (`plan --out`). What is there decides how: a regular file (or a link to
/// one) is replaced atomically, the link left a link; a terminal, pipe or device (`/dev/stdout`, `/dev/full`) is
/// written through and its errors reported; a folder, socket or link to nothing is refused. Never is a device
/// or a link replaced by a regular file.
enum OutputFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw Failure(description: String(cString: strerror(errno))) }
            return try replace(path, with: bytes)
        }
        var target = path
        if (info.st_mode & S_IFMT) == S_IFLNK {
            // Followed: what the link leads to decides (`/dev/stdout` leads to a pipe that has no path).
            guard stat(path, &info) == 0 else {
                throw Failure(description: "a symbolic link to nothing (\(String(cString: strerror(errno))))")
            }
            if (info.st_mode & S_IFMT) == S_IFREG, let resolved = realpath(path, nil) {
                target = String(cString: resolved)
                free(resolved)
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: try replace(target, with: bytes)
        case S_IFCHR, S_IFIFO: try writeThrough(target, bytes)
        default: throw Failure(description: "not a file Baton writes (a folder, a socket or a block device)")
        }
    }

    /// A temporary file beside it, then a rename: a reader sees the old plan or the new one.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(description: (error as NSError).localizedDescription)
        }
    }

    static func writeThrough(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: String(cString: strerror(errno)))
            }
            written += n
        }
    }
}
