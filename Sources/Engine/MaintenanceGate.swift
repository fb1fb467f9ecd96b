import Foundation
import Manifests
import Planning

/// Which changes of a plan may be applied now: a change of an account that declares maintenance windows waits
/// until one is open. A change whose account is no longer declared (its deletion) has no windows, and so does a
/// change of no account.
package enum MaintenanceGate {
    package struct Waiting: Sendable, Hashable {
        package var change: Change
        /// When the account's next window opens (seconds since the epoch), nil when none ever does.
        package var opens: Int64?
        package var message: String
    }

    package static func split(_ changes: [Change], manifests: ManifestSet, now: Date) -> (
        ready: [Change], waiting: [Waiting]
    ) {
        let time = Int64(now.timeIntervalSince1970)
        let windows = Dictionary(
            manifests.accounts.filter { !$0.spec.maintenance.isEmpty }.map { ($0.name, $0.spec.maintenance) },
            uniquingKeysWith: { a, _ in a })
        guard !windows.isEmpty else { return (changes, []) }
        var verdicts: [String: Waiting?] = [:]
        var ready: [Change] = []
        var waiting: [Waiting] = []
        for change in changes {
            guard let declared = windows[change.account] else {
                ready.append(change)
                continue
            }
            let verdict =
                verdicts[change.account]
                ?? {
                    if declared.contains(where: { $0.isOpen(at: time) }) { return nil }
                    let opens = declared.compactMap { $0.nextOpening(after: time) }.min()
                    let when = opens.map { "the next opens at \(timestamp($0))" } ?? "none of them ever opens"
                    return Waiting(
                        change: change, opens: opens,
                        message:
                            "waits for a maintenance window of account \(change.account) (\(when); windows: "
                            + declared.map(\.description).joined(separator: ", ") + ", UTC)")
                }()
            verdicts[change.account] = .some(verdict)
            if var held = verdict {
                held.change = change
                waiting.append(held)
            } else {
                ready.append(change)
            }
        }
        return (ready, waiting)
    }

    static func timestamp(_ time: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }
}
