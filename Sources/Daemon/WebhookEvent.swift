import Foundation

/// What a verified webhook asks for: nothing (a ping, another event, a push to another branch), or a fetch
/// because the followed branch moved.
package enum WebhookEvent: Sendable, Equatable {
    case ping
    case push(branch: String)
    /// Not a push (an issue, a tag, a pull request): nothing to do.
    case other(String)

    /// The branch a push names: `ref` of the payload (`refs/heads/NAME`), from a JSON body or GitHub's form
    /// encoding (`payload=<json>`). A push without a readable ref (a generic hook that says nothing) is nil.
    static func pushedBranch(body: [UInt8]) -> String? {
        var json = body
        if body.starts(with: Array("payload=".utf8)),
            let text = String(bytes: body.dropFirst(8), encoding: .utf8)?.removingPercentEncoding
        {
            json = Array(text.replacingOccurrences(of: "+", with: " ").utf8)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let ref = object["ref"] as? String
        else { return nil }
        return ref.hasPrefix("refs/heads/") ? String(ref.dropFirst(11)) : nil
    }

    /// A GitHub delivery, by its `X-GitHub-Event` header.
    package static func github(event: String?, body: [UInt8]) -> WebhookEvent {
        switch event {
        case "ping": return .ping
        case "push": return pushedBranch(body: body).map { .push(branch: $0) } ?? .other("push of a tag")
        default: return .other(event ?? "no event named")
        }
    }

    /// A GitLab delivery, by its `X-Gitlab-Event` header.
    package static func gitlab(event: String?, body: [UInt8]) -> WebhookEvent {
        switch event {
        case "Push Hook": return pushedBranch(body: body).map { .push(branch: $0) } ?? .other("push of a tag")
        case "System Hook": return pushedBranch(body: body).map { .push(branch: $0) } ?? .other(event!)
        default: return .other(event ?? "no event named")
        }
    }
}
