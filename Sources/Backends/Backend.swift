import Planning

/// Turns one server's steps, in plan order, into the operations of its run script.
package enum Backend {
    package static func operations(_ steps: [Step], context: ApplyContext) throws -> [RunScript.Operation] {
        try operations(steps, context: context, batch: UserBatch(steps, context: context))
    }

    static func operations(_ steps: [Step], context: ApplyContext, batch: UserBatch) throws -> [RunScript.Operation] {
        var index: [ResourceID: Int] = [:]
        var operations: [RunScript.Operation] = []
        for step in steps {
            var body = ScriptBuilder()
            let batched: Int? = batch.batched(operations.count) ? operations.count : nil
            switch step.change.id.kind {
            case .account: try AccountBackend.render(step, context: context, batched: batched, into: &body)
            case .systemUser: try SystemUserBackend.render(step, context: context, batched: batched, into: &body)
            case .domain: try DomainBackend.render(step, context: context, into: &body)
            case .webApp: try WebAppBackend.render(step, context: context, into: &body)
            case .server, .monitoredSite:
                throw BackendError(description: "\(step.change.id): not a resource applied to servers")
            }
            // Dependencies on this server that run earlier in this script; a delete depends on nothing here.
            let dependsOn =
                step.change.action == .delete
                ? [] : (step.desired?.dependsOn ?? []).compactMap { index[$0] }
            let undo = try batch.undo(operations.count, context.layout)
            index[step.change.id] = operations.count
            operations.append(
                RunScript.Operation(
                    label: "\(step.change.action.rawValue) \(step.change.id)", dependsOn: dependsOn, body: body,
                    undo: undo))
        }
        return operations
    }

    /// The whole script of one server's run.
    package static func script(
        _ steps: [Step], context: ApplyContext, nonce: String, deadline: Int? = nil,
        journal: ServerJournal.Writing? = nil
    ) throws -> (script: ScriptBuilder, count: Int) {
        try script(
            steps, context: context, nonce: nonce, deadline: deadline, journal: journal,
            batch: UserBatch(steps, context: context))
    }

    /// The script with the given batch of new users (`UserBatch()`: none, every operation makes its own).
    static func script(
        _ steps: [Step], context: ApplyContext, nonce: String, deadline: Int? = nil,
        journal: ServerJournal.Writing? = nil, batch: UserBatch
    ) throws -> (script: ScriptBuilder, count: Int) {
        let operations = try operations(steps, context: context, batch: batch)
        var finish = ScriptBuilder()
        let kinds = Set(steps.map(\.change.id.kind))
        if kinds.contains(.webApp) { WebAppBackend.finish(&finish) }
        if kinds.contains(.domain) { try DomainBackend.finish(context.layout, &finish) }
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: nonce, operations: operations, deadline: deadline, finish: finish.bytes.isEmpty ? nil : finish,
                scratch: context.layout.state + "/runs", journal: journal, prepare: try batch.prepare(context.layout)
            ).render())
        return (script, operations.count)
    }
}
