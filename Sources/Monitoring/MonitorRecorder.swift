import Foundation
import GitStore
import NIOPosix
import StatusStore

/// Where monitor states are kept between daemon runs.
package protocol MonitorStateStore: Sendable {
    func load() async throws -> [SiteState]
    func save(_ states: [SiteState], message: String) async throws
}

/// The status branch's `monitors/<site>.yaml`, written through StatusBranch (and so GitStore), off the
/// cooperative pool: libgit2 blocks.
package struct StatusBranchMonitorStore: MonitorStateStore {
    package let branch: StatusBranch
    let pool: NIOThreadPool

    package init(branch: StatusBranch, pool: NIOThreadPool = .singleton) {
        self.branch = branch
        self.pool = pool
    }

    package func load() async throws -> [SiteState] {
        let branch = self.branch
        return try await pool.runIfActive { try branch.monitors().map(SiteState.init(file:)) }
    }

    package func save(_ states: [SiteState], message: String) async throws {
        let branch = self.branch
        let files = Dictionary(states.map { ($0.site, Optional($0.file)) }, uniquingKeysWith: { _, b in b })
        _ = try await pool.runIfActive { try branch.recordMonitors(files, message: message) }
    }
}

/// Decides when monitor states reach the store: at once when a state flips (or the alert ledger changes),
/// otherwise the latest figures of every site at most once per `figuresEvery` — never a commit per check.
package actor MonitorRecorder {
    let store: any MonitorStateStore
    let figuresEvery: Swift.Duration
    private var dirty: [String: SiteState] = [:]
    private var urgent: [String] = []
    private var lastCommit: ContinuousClock.Instant
    private var draining = false
    package private(set) var commits = 0
    package private(set) var lastError: String?

    package init(store: any MonitorStateStore, figuresEvery: Swift.Duration = .seconds(600)) {
        self.store = store
        self.figuresEvery = figuresEvery
        self.lastCommit = ContinuousClock.now
    }

    /// Notes a site's newest state; `changed` says its state flipped or an alert was sent.
    package func note(_ state: SiteState, changed: Bool) async {
        dirty[state.site] = state
        if changed { urgent.append(state.site) }
        await drain()
    }

    /// Writes whatever is pending (the daemon calls this when it stops).
    package func flush() async {
        forced = true
        await drain()
        forced = false
    }

    private var forced = false

    private var due: Bool {
        !dirty.isEmpty && (forced || !urgent.isEmpty || lastCommit.duration(to: .now) >= figuresEvery)
    }

    private func drain() async {
        // One write at a time: calls that arrive meanwhile leave their states in `dirty` for the next round.
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while due {
            let batch = dirty
            let flipped = Set(urgent)
            dirty = [:]
            urgent = []
            lastCommit = .now
            let message =
                flipped.isEmpty
                ? "baton: monitors, latest figures of \(batch.count) site(s)"
                : "baton: monitors, "
                    + flipped.sorted().prefix(5).map { "\($0) \(batch[$0]?.health.rawValue ?? "")" }
                    .joined(separator: ", ")
            do {
                try await store.save(batch.values.sorted { $0.site < $1.site }, message: message)
                commits += 1
                lastError = nil
            } catch {
                lastError = "\(error)"
                // Keep them for the next round; newer states noted meanwhile win.
                dirty.merge(batch) { newer, _ in newer }
                urgent.append(contentsOf: flipped)
                return
            }
        }
    }
}
