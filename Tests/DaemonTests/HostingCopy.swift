import Foundation

/// A fresh folder holding a copy of `examples/hosting` as `work`: the repository the engine's tests plan.
struct HostingCopy {
    let root: URL
    var work: URL { root.appendingPathComponent("work") }

    init(_ prefix: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-\(prefix)-\(UUID().uuidString)")
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/hosting")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: examples, to: root.appendingPathComponent("work"))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
