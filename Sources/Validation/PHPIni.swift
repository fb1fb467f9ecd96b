/// The `php.ini` settings a tenant may change, each with the pattern its value must match.
/// Anything that widens what a tenant can reach (open_basedir, extension, auto_prepend_file, ...) is absent on
/// purpose; `disable_functions` only ever adds to Baton's own list.
package enum PHPIni {
    package struct Setting: Sendable {
        package var key: String
        package var pattern: String
        package var example: String
        let matches: @Sendable (String) -> Bool
    }

    static func onOff(_ v: String) -> Bool {
        ["on", "off", "1", "0", "true", "false", "yes", "no"].contains(v.lowercased())
    }

    static func size(_ v: String) -> Bool {
        v == "-1" || ByteSizeText.isSize(v)
    }

    static func integer(_ range: ClosedRange<Int>) -> @Sendable (String) -> Bool {
        { v in Int(v).map { range.contains($0) } ?? false }
    }

    package static let allowList: [Setting] = [
        Setting(key: "memory_limit", pattern: "size (128M) or -1", example: "256M", matches: size),
        Setting(key: "upload_max_filesize", pattern: "size", example: "64M", matches: size),
        Setting(key: "post_max_size", pattern: "size", example: "64M", matches: size),
        Setting(key: "max_execution_time", pattern: "0-86400", example: "60", matches: integer(0...86400)),
        Setting(key: "max_input_time", pattern: "-1-86400", example: "60", matches: integer(-1...86400)),
        Setting(key: "max_input_vars", pattern: "1-1000000", example: "3000", matches: integer(1...1_000_000)),
        Setting(key: "display_errors", pattern: "On, Off or stderr", example: "Off") { onOff($0) || $0 == "stderr" },
        Setting(key: "log_errors", pattern: "On or Off", example: "On", matches: onOff),
        Setting(key: "error_reporting", pattern: "E_* constants with & | ~ ^", example: "E_ALL & ~E_DEPRECATED") { v in
            !v.isEmpty && v.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || "_&|~^() ".contains($0)) }
        },
        Setting(key: "date.timezone", pattern: "Area/City or UTC", example: "Europe/Berlin") { v in
            let parts = v.split(separator: "/", omittingEmptySubsequences: false)
            return (1...3).contains(parts.count)
                && parts.allSatisfy { p in
                    !p.isEmpty && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+-".contains($0)) }
                }
        },
        Setting(
            key: "session.gc_maxlifetime", pattern: "1-31536000", example: "1440", matches: integer(1...31_536_000)),
        Setting(key: "short_open_tag", pattern: "On or Off", example: "Off", matches: onOff),
        Setting(key: "allow_url_fopen", pattern: "On or Off", example: "Off", matches: onOff),
        Setting(key: "default_charset", pattern: "charset name", example: "UTF-8") { v in
            (1...40).contains(v.count)
                && v.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:".contains($0)) }
        },
        Setting(key: "output_buffering", pattern: "On, Off or bytes", example: "4096") {
            onOff($0) || Int($0).map { $0 >= 0 } == true
        },
        Setting(key: "opcache.enable", pattern: "On, Off, 1 or 0", example: "1", matches: onOff),
        Setting(key: "opcache.memory_consumption", pattern: "8-4096 (MB)", example: "128", matches: integer(8...4096)),
        Setting(key: "file_uploads", pattern: "On or Off", example: "On", matches: onOff),
        Setting(key: "max_file_uploads", pattern: "0-1000", example: "20", matches: integer(0...1000)),
        Setting(key: "zlib.output_compression", pattern: "On or Off", example: "Off", matches: onOff),
        // Adds to the functions Baton disables in every pool; it can never enable one of them.
        Setting(
            key: "disable_functions", pattern: "function names separated by commas", example: "mail,phpinfo"
        ) { v in
            let names = v.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return !v.isEmpty && v.count <= 2000
                && names.allSatisfy { n in
                    !n.isEmpty && n.first.map { !$0.isNumber } == true
                        && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                }
        },
    ]

    package static let byKey: [String: Setting] = Dictionary(uniqueKeysWithValues: allowList.map { ($0.key, $0) })

    /// PHP versions Debian and sury.org ship php-fpm for.
    package static let versions = ["7.4", "8.0", "8.1", "8.2", "8.3", "8.4"]
}

enum ByteSizeText {
    static func isSize(_ v: String) -> Bool {
        var digits = Substring(v)
        if let last = v.last, "KMGkmg".contains(last) { digits = digits.dropLast() }
        return !digits.isEmpty && digits.count <= 12 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
