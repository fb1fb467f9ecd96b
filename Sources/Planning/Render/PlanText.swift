/// The plan for a terminal or a log: grouped by server, then account, with a summary line.
package enum PlanText {
    /// `unplanned`: lines saying what the revision declares that no server applies (monitored sites).
    package static func render(_ plan: Plan, color: Bool, unplanned: [String] = []) -> String {
        func paint(_ s: String, _ action: Action) -> String {
            guard color else { return s }
            let code =
                switch action {
                case .create: "32"
                case .update: "33"
                case .move: "36"
                case .replace: "35"
                case .delete: "31"
                }
            return "\u{1B}[\(code)m\(s)\u{1B}[0m"
        }
        var out = "Baton plan for \(short(plan.revision))"
        out += plan.appliedRevision.map { " against applied \(short($0))" } ?? " (nothing applied yet)"
        out += "\n"
        for server in plan.servers {
            out += "\n\(server)\n"
            for (account, changes) in plan.accounts(on: server) {
                out += "  account \(account)\n"
                for change in changes {
                    out += "    " + paint(ChangeLines.header(change), change.action) + "\n"
                    for line in ChangeLines.fields(change) { out += "        \(line)\n" }
                }
            }
        }
        if !plan.notices.isEmpty || !unplanned.isEmpty {
            out += "\nNot changed:\n"
            for notice in plan.notices { out += "  ! \(notice.message)\n" }
            for line in unplanned { out += "  ! \(line)\n" }
        }
        for refusal in plan.refusals { out += "\n" + refusalLine(refusal) + "\n" }
        out += "\n" + (plan.isEmpty ? "No changes: the servers match the revision." : plan.summary) + "\n"
        return out
    }

    /// A refused mass delete, in the one wording every output uses.
    package static func refusalLine(_ refusal: Plan.Refusal) -> String {
        "Refused: \(refusal.message); review the deletes and run again with --allow-mass-delete"
    }

    static func short(_ revision: String) -> String { String(revision.prefix(12)) }
}
