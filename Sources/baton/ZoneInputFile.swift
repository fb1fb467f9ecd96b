import Foundation
import Zones

/// The zone file a one-file command reads, held to what the loaders accept before any checker runs: a
/// device such as `/dev/zero` is refused at once, not read until some limit.
enum ZoneInputFile {
    static func refuseUnreadable(_ file: String) throws {
        var st = stat()
        guard stat(file, &st) == 0, FileManager.default.isReadableFile(atPath: file) else {
            Terminal.error("baton: \(file): cannot read the file")
            throw ExitStatus.couldNotRun
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFIFO || (kind == S_IFCHR && isNull(st)) else {
            Terminal.error("baton: \(file): not a regular file (a zone is read from a file or a pipe)")
            throw ExitStatus.couldNotRun
        }
    }

    /// named-checkzone reads what the file includes without a limit; the built-in loader, which stops at a device
    /// or at its read limit, looks first. Only files that include others pay for the look.
    static func refuseUnreadableIncludes(_ file: String, origin: String) throws {
        guard kindIsRegular(file), let data = FileManager.default.contents(atPath: file),
            data.range(of: Data("$INCLUDE".utf8)) != nil || data.range(of: Data("$include".utf8)) != nil
                || data.range(of: Data("$Include".utf8)) != nil
        else { return }
        let report = BuiltinZoneChecker().check(path: file, origin: origin, options: .loadOnly)
        let refused = report.messages.filter {
            $0.severity == .error && ($0.text.hasSuffix("not a regular file") || $0.text.contains("file too large"))
        }
        guard !refused.isEmpty else { return }
        for m in refused {
            Terminal.error("\(m.file ?? file)\(m.line.map { ":\($0)" } ?? ""): error: \(m.text)")
        }
        throw ExitStatus.invalid
    }

    /// `/dev/null` is an empty zone file to BIND.
    static func isNull(_ st: stat) -> Bool {
        var null = stat()
        return stat("/dev/null", &null) == 0 && null.st_rdev == st.st_rdev
    }

    static func kindIsRegular(_ file: String) -> Bool {
        var st = stat()
        return stat(file, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
}
