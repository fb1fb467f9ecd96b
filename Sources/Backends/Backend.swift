import Planning

/// Turns one server's steps, in plan order, into the operations of its run script.
public enum Backend {
    public static func operations(_ steps: [Step], context: ApplyContext) throws -> [RunScript.Operation] {
        var index: [ResourceID: Int] = [:]
        var operations: [RunScript.Operation] = []
        for step in steps {
            var body = ScriptBuilder()
            switch step.change.id.kind {
            case .account: try AccountBackend.render(step, context: context, into: &body)
            case .systemUser: try SystemUserBackend.render(step, context: context, into: &body)
            case .domain: try DomainBackend.render(step, context: context, into: &body)
            case .webApp: try WebAppBackend.render(step, context: context, into: &body)
            case .server, .monitoredSite:
                throw BackendError(description: "\(step.change.id): not a resource applied to servers")
            }
            // Dependencies on this server that run earlier in this script; a delete depends on nothing here.
            let dependsOn =
                step.change.action == .delete
                ? [] : (step.desired?.dependsOn ?? []).compactMap { index[$0] }
            index[step.change.id] = operations.count
            operations.append(
                RunScript.Operation(
                    label: "\(step.change.action.rawValue) \(step.change.id)", dependsOn: dependsOn, body: body))
        }
        return operations
    }

    /// The whole script of one server's run.
    public static func script(
        _ steps: [Step], context: ApplyContext, nonce: String, deadline: Int? = nil,
        journal: ServerJournal.Writing? = nil
    ) throws -> (script: ScriptBuilder, count: Int) {
        let operations = try operations(steps, context: context)
        var finish = ScriptBuilder()
        let kinds = Set(steps.map(\.change.id.kind))
        if kinds.contains(.webApp) { WebAppBackend.finish(&finish) }
        if kinds.contains(.domain) { try DomainBackend.finish(context.layout, &finish) }
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: nonce, operations: operations, deadline: deadline, finish: finish.bytes.isEmpty ? nil : finish,
                scratch: context.layout.state + "/runs", journal: journal
            ).render())
        return (script, operations.count)
    }
}
