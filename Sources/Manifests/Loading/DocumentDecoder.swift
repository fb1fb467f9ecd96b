/// Turns one YAML document into a typed resource, or into diagnostics saying why it could not.
enum DocumentDecoder {
    static func decode<Node: YAMLView>(_ root: Node, file: String, into set: inout ManifestSet) -> [Diagnostic] {
        let envelopeContext = DecodeContext(file: file)
        guard root.shape == .mapping else {
            if !root.isNull {
                envelopeContext.error(
                    root.mark, "schema.type",
                    "a manifest must be a mapping with apiVersion, kind, metadata and spec; found \(root.shapeName)",
                    hint: "start the document with `apiVersion: baton/v1` and `kind:`")
            }
            return envelopeContext.diagnostics
        }
        guard
            let envelope = FieldReader(
                root, path: "", keys: ManifestSchema.envelope, context: envelopeContext, what: "the document")
        else { return envelopeContext.diagnostics }
        if let api = envelope.string("apiVersion", required: true), api != Kind.apiVersion {
            envelopeContext.error(
                envelope.node("apiVersion")!.mark, "schema.api-version", "unsupported apiVersion '\(api)'",
                hint: "write `apiVersion: \(Kind.apiVersion)`")
        }
        guard let kind = envelope.choice("kind", required: true, as: Kind.self) else {
            return envelopeContext.diagnostics
        }
        var name: String?
        var labels: [String: String] = [:]
        if let metadata = envelope.object("metadata", keys: ManifestSchema.metadata) {
            name = metadata.string("name", required: true)
            for label in metadata.stringPairs("labels") { labels[label.key] = label.value }
        } else {
            _ = envelope.node("metadata", required: true)
        }
        let specNode = envelope.node("spec", required: true)
        // The spec goes on in the envelope's context: its reader wrote metadata's diagnostics and field
        // positions (metadata.name, labels) there, and they must not be lost.
        // (`kind`'s position, where a diagnostic without a field of its own points, was recorded by the envelope.)
        let context = envelopeContext
        guard let name, let specNode,
            let spec = FieldReader(
                specNode, path: "spec", keys: ManifestSchema.keys(kind, "spec"), context: context,
                what: "\(kind.rawValue) spec", refused: kind == .systemUser ? passwordKeys : [:])
        else { return context.diagnostics }

        let mark = root.mark
        switch kind {
        case .server:
            if let s = ServerSpec.decode(spec) {
                set.servers.append(Server(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        case .account:
            if let s = AccountSpec.decode(spec) {
                set.accounts.append(Account(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        case .systemUser:
            if let s = SystemUserSpec.decode(spec) {
                set.systemUsers.append(SystemUser(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        case .domain:
            if let s = DomainSpec.decode(spec) {
                set.domains.append(Domain(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        case .webApp:
            if let s = WebAppSpec.decode(spec) {
                set.webApps.append(WebApp(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        case .monitoredSite:
            if let s = MonitoredSiteSpec.decode(spec) {
                set.monitoredSites.append(
                    MonitoredSite(name: name, labels: labels, spec: s, origin: context.origin(mark)))
            }
        }
        return context.diagnostics
    }

    /// A plaintext password must never be accepted, not even as "an unknown key" that a fix might rename.
    /// Built once: every SystemUser document asks for it.
    private static let passwordKeys: [String: FieldReaderRefusal] = {
        let refusal = FieldReaderRefusal(
            rule: "secret.plaintext-password",
            message: "plaintext passwords are not accepted in manifests",
            hint:
                "remove this key and set `passwordHash` to a crypt string, e.g. the output of `mkpasswd -m yescrypt`")
        return ["password": refusal, "plainPassword": refusal, "passwd": refusal, "plaintextPassword": refusal]
    }()
}
