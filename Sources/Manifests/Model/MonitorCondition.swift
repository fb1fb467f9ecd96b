/// One condition of a monitored site, in the spirit of Gatus: `[STATUS] == 200`,
/// `[RESPONSE_TIME] < 800ms`, `[BODY].status == pat(ok*)`. Parsed when the manifest loads, so a condition
/// that cannot be evaluated is a validation error at its line, never a surprise during a check.
package struct MonitorCondition: Sendable, Hashable, CustomStringConvertible {
    package enum Placeholder: Sendable, Hashable, CustomStringConvertible {
        case status
        case responseTime
        case body
        /// `[BODY].a.b[0]`: a value inside a JSON body.
        case bodyPath([PathStep])
        case header(String)
        case certificateExpiration
        case ip
        case dnsRcode

        package enum PathStep: Sendable, Hashable {
            case key(String)
            case index(Int)
        }

        /// What the placeholder's value is compared as.
        package enum ValueType: Sendable { case number, duration, text, rcode }

        package var valueType: ValueType {
            switch self {
            case .status: .number
            case .responseTime, .certificateExpiration: .duration
            case .body, .bodyPath, .header, .ip: .text
            case .dnsRcode: .rcode
            }
        }

        package var description: String {
            switch self {
            case .status: "[STATUS]"
            case .responseTime: "[RESPONSE_TIME]"
            case .body: "[BODY]"
            case .bodyPath(let steps):
                "[BODY]"
                    + steps.map {
                        switch $0 {
                        case .key(let k): ".\(k)"
                        case .index(let i): "[\(i)]"
                        }
                    }.joined()
            case .header(let name): "[HEADER:\(name)]"
            case .certificateExpiration: "[CERTIFICATE_EXPIRATION]"
            case .ip: "[IP]"
            case .dnsRcode: "[DNS_RCODE]"
            }
        }
    }

    package enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"

        package var isOrdering: Bool { !(self == .equal || self == .notEqual) }
    }

    package enum Value: Sendable, Hashable, CustomStringConvertible {
        case number(Double)
        case milliseconds(Int64)
        case text(String)
        /// `pat(...)`: `*` matches any run of characters.
        case pattern(String)
        /// `any(a, b, c)`: equal to one of them.
        case any([Value])

        package var description: String {
            switch self {
            case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            case .milliseconds(let ms): MonitorCondition.describe(milliseconds: ms)
            case .text(let s): s
            case .pattern(let p): "pat(\(p))"
            case .any(let values): "any(\(values.map(\.description).joined(separator: ", ")))"
            }
        }
    }

    /// The condition as written.
    package var text: String
    package var placeholder: Placeholder
    package var op: Operator
    package var value: Value

    package init(text: String, placeholder: Placeholder, op: Operator, value: Value) {
        self.text = text
        self.placeholder = placeholder
        self.op = op
        self.value = value
    }

    package var description: String { text }

    /// The DNS response codes `[DNS_RCODE]` compares with (RFC 1035, 2136).
    package static let rcodes = [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
        "NOTZONE",
    ]

    /// `1500ms` prints `1500ms`, `120000` prints `2m`.
    package static func describe(milliseconds ms: Int64) -> String {
        if ms % 1000 != 0 { return "\(ms)ms" }
        return Duration(seconds: ms / 1000).description
    }
}
