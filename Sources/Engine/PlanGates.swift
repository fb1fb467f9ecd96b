import Foundation

/// What a person running `plan` or `apply` is told about the gates the daemon keeps: suspend, and the
/// maintenance windows that hold changes back.
package enum PlanGates {
    /// One line per account whose changes wait, then the suspend note; empty when nothing is held.
    package static func notes(_ planned: Planned, waiting: [MaintenanceGate.Waiting], applying: Bool) -> [String] {
        var lines: [String] = []
        var seen = Set<String>()
        for held in waiting where seen.insert(held.change.account).inserted {
            let count = waiting.filter { $0.change.account == held.change.account }.count
            lines.append("\(count) change\(count == 1 ? "" : "s") \(held.message)")
        }
        if !lines.isEmpty {
            lines.append(
                applying
                    ? "they are not applied now: apply them anyway with --ignore-maintenance-windows"
                    : "the daemon and baton apply hold them until then (baton apply --ignore-maintenance-windows does not)"
            )
        }
        if planned.suspended {
            lines.append(
                "baton.yaml suspends the daemon (suspend: true): it plans and reports, and applies nothing"
                    + (applying ? "; this apply, a person's, goes ahead" : ""))
        }
        return lines
    }
}
