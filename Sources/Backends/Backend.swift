import Planning

/// Turns one server's steps, in plan order, into the operations of its run script.
package enum Backend {
    package static func operations(_ steps: [Step], context: ApplyContext) throws -> [RunScript.Operation] {
        try operations(
            steps, context: context, batch: UserBatch(steps, context: context),
            zones: ZoneBatch(steps, context: context))
    }

    static func operations(_ steps: [Step], context: ApplyContext, batch: UserBatch, zones: ZoneBatch = ZoneBatch())
        throws -> [RunScript.Operation]
    {
        var index: [ResourceID: Int] = [:]
        var operations: [RunScript.Operation] = []
        for step in steps {
            var body = ScriptBuilder()
            let batched: Int? = batch.batched(operations.count) ? operations.count : nil
            switch step.change.id.kind {
            case .account: try AccountBackend.render(step, context: context, batched: batched, into: &body)
            case .systemUser: try SystemUserBackend.render(step, context: context, batched: batched, into: &body)
            case .domain:
                try DomainBackend.render(step, context: context, batched: zones.batched(operations.count), into: &body)
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
            batch: UserBatch(steps, context: context), zones: ZoneBatch(steps, context: context))
    }

    /// The script with the given batch of new users (`UserBatch()`: none, every operation makes its own) and
    /// of zones checked at once (`ZoneBatch()`: none, every operation checks its own).
    /// `helper`: the run's `TreeHelper` (false: every operation runs its own commands).
    static func script(
        _ steps: [Step], context: ApplyContext, nonce: String, deadline: Int? = nil,
        journal: ServerJournal.Writing? = nil, batch: UserBatch, zones: ZoneBatch = ZoneBatch(), helper: Bool = true
    ) throws -> (script: ScriptBuilder, count: Int) {
        let operations = try operations(steps, context: context, batch: batch, zones: zones)
        var finish = ScriptBuilder()
        let kinds = Set(steps.map(\.change.id.kind))
        if kinds.contains(.webApp) { WebAppBackend.finish(&finish) }
        if kinds.contains(.domain) { try DomainBackend.finish(context.layout, &finish) }
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: nonce, operations: operations, deadline: deadline, finish: finish.bytes.isEmpty ? nil : finish,
                scratch: context.layout.state + "/runs", journal: journal,
                prepare: try Self.prepare(users: batch.prepare(context.layout), zones: zones.prepare()),
                helper: helper
            ).render())
        return (script, operations.count)
    }

    /// The steps before the operations, users first (the zones' step changes the folder it works in).
    static func prepare(users: ScriptBuilder?, zones: ScriptBuilder?) -> ScriptBuilder? {
        guard users != nil || zones != nil else { return nil }
        var s = ScriptBuilder()
        if let users { s.append(users) }
        if let zones { s.append(zones) }
        return s
    }
}
