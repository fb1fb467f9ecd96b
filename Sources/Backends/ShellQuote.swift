/// The one quoting function: every value that reaches a remote shell goes through it. POSIX single quotes
/// keep every byte literal except the quote itself, written `'\''`. NUL cannot travel in a shell word at all
/// (the kernel passes arguments as C strings), so it is refused here rather than silently cut; file contents
/// travel as one such word when they hold no NUL, else base64-encoded (`ScriptBuilder.write`).
package enum ShellQuote {
    package struct NULByte: Error, CustomStringConvertible {
        package var description: String {
            "a value for the remote shell holds a NUL byte, which no shell word can carry"
        }
    }

    package static func quote(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case 0: throw NULByte()
            case UInt8(ascii: "'"): out += Array("'\\''".utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    package static func quote(_ text: String) throws -> String {
        String(decoding: try quote(Array(text.utf8)), as: UTF8.self)
    }
}
