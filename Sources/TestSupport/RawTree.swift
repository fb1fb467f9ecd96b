import Foundation

/// Tree objects as git stores them, for tests that write hostile trees with `git hash-object -t tree --literally`
/// (git's own `mktree` refuses a name with '/', and `fsck` most of the rest).
package enum RawTree {
    package struct Entry: Sendable {
        /// `100644`, `100755`, `120000`, `40000` (a folder), `160000` (a gitlink).
        package var mode: String
        /// The name's raw bytes: it need not be UTF-8.
        package var name: [UInt8]
        /// The object's id in hex.
        package var id: String

        package init(_ mode: String, _ name: [UInt8], _ id: String) {
            self.mode = mode
            self.name = name
            self.id = id
        }

        package init(_ mode: String, _ name: String, _ id: String) {
            self.init(mode, Array(name.utf8), id)
        }
    }

    /// The object's content: entries in git's order (a folder's name compares as if it ended in '/'), unless
    /// `sorted` is false and the caller's order is wanted.
    package static func encode(_ entries: [Entry], sorted: Bool = true) -> [UInt8] {
        let key = { (e: Entry) in e.name + (e.mode == "40000" ? [0x2F] : []) }
        var data: [UInt8] = []
        for entry in sorted ? entries.sorted(by: { key($0).lexicographicallyPrecedes(key($1)) }) : entries {
            data += Array("\(entry.mode) ".utf8) + entry.name + [0]
            let hex = Array(entry.id.utf8)
            for i in stride(from: 0, to: hex.count - 1, by: 2) {
                data.append(UInt8(String(decoding: hex[i...i + 1], as: UTF8.self), radix: 16)!)
            }
        }
        return data
    }
}
