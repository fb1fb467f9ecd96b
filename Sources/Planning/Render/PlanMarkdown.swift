/// The plan as a pull-request comment. GitHub caps a comment at 65,535 characters: past `limit`, the comment
/// summarises per server and account and says where the full plan is.
package enum PlanMarkdown {
    package static let limit = 60_000

    package static func render(_ plan: Plan, fullPlanHint: String, limit: Int = PlanMarkdown.limit) -> String {
        let full = detailed(plan)
        if full.count <= limit { return full }
        return summarised(plan, fullPlanHint: fullPlanHint)
    }

    static func heading(_ plan: Plan) -> String {
        var out =
            "### Baton plan: " + (plan.isEmpty ? "no changes" : String(plan.summary.dropFirst(6).dropLast())) + "\n\n"
        out += "Revision `\(PlanText.short(plan.revision))`"
        out += plan.appliedRevision.map { " against applied `\(PlanText.short($0))`" } ?? ", nothing applied yet"
        out += ".\n"
        // In the words of the text plan and of the line on standard error (issue 15: one wording).
        for refusal in plan.refusals { out += "\n> [!CAUTION]\n> " + escape(PlanText.refusalLine(refusal)) + "\n" }
        return out
    }

    static func detailed(_ plan: Plan) -> String {
        var out = heading(plan)
        for server in plan.servers {
            out += "\n#### \(escape(server))\n"
            for (account, mine) in plan.accounts(on: server) {
                out += "\n<details><summary>account <code>\(html(account))</code>: \(counts(mine))</summary>\n\n"
                out += "```diff\n"
                for change in mine {
                    out += fence(ChangeLines.header(change)) + "\n"
                    for line in ChangeLines.fields(change) { out += "    " + fence(line) + "\n" }
                }
                out += "```\n\n</details>\n"
            }
        }
        out += notices(plan)
        return out
    }

    static func summarised(_ plan: Plan, fullPlanHint: String) -> String {
        var out = heading(plan)
        out += "\nThe full plan is too long for a comment: \(escape(fullPlanHint)).\n\n"
        out += "| server | account | create | update | move | replace | delete |\n|---|---|---:|---:|---:|---:|---:|\n"
        for server in plan.servers {
            for (account, mine) in plan.accounts(on: server) {
                out += "| \(escape(server)) | \(escape(account)) |"
                for action in [Action.create, .update, .move, .replace, .delete] {
                    out += " \(mine.count { $0.action == action }) |"
                }
                out += "\n"
                if out.count > PlanMarkdown.limit - 2_000 {
                    out += "\n(and more: the table is cut to fit)\n"
                    return out + notices(plan, max: 20)
                }
            }
        }
        return out + notices(plan, max: 20)
    }

    static func notices(_ plan: Plan, max: Int = .max) -> String {
        guard !plan.notices.isEmpty else { return "" }
        var out = "\n**Not changed:**\n\n"
        for notice in plan.notices.prefix(max) { out += "- \(escape(notice.message))\n" }
        if plan.notices.count > max { out += "- and \(plan.notices.count - max) more\n" }
        return out
    }

    static func counts(_ changes: [Change]) -> String {
        Action.allCases.compactMap { action in
            let n = changes.count { $0.action == action }
            return n == 0 ? nil : "\(n) to \(action.rawValue)"
        }.joined(separator: ", ")
    }

    /// A line inside a fenced block: nothing in it can close the fence.
    static func fence(_ s: String) -> String { s.replacing("```", with: "`\u{200B}``") }

    static func html(_ s: String) -> String {
        s.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    /// Markdown's active characters escaped, for names and messages outside code.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_{}[]<>()#+!|~".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
