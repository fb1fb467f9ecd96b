import Foundation
import Manifests

/// Evaluates a parsed condition on a check's result. The parser already refused every mismatch of types it
/// can see; what remains are values only a response can tell (a JSON field that is missing or not a number).
package enum ConditionEvaluator {
    package struct Outcome: Sendable, Hashable {
        package var holds: Bool
        /// The placeholder's value in this check, for the explanation.
        package var actual: String
    }

    enum Actual {
        case number(Double)
        case milliseconds(Double)
        case text(String)
        case missing(String)

        var description: String {
            switch self {
            case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            case .milliseconds(let ms): "\(Int64(ms.rounded()))ms"
            case .text(let s): "\"\(s.prefix(80))\""
            case .missing(let why): why
            }
        }

        var text: String {
            switch self {
            case .text(let s): s
            case .number, .milliseconds, .missing: description
            }
        }
    }

    package static func evaluate(_ condition: MonitorCondition, on result: CheckResult) -> Outcome {
        let actual = value(of: condition.placeholder, in: result)
        return Outcome(holds: compare(actual, condition.op, condition.value), actual: actual.description)
    }

    static func value(of placeholder: MonitorCondition.Placeholder, in result: CheckResult) -> Actual {
        switch placeholder {
        case .status:
            return result.status.map { .number(Double($0)) } ?? .missing("no response")
        case .responseTime:
            return .milliseconds(result.totalMilliseconds)
        case .body:
            return .text(String(decoding: result.body, as: UTF8.self))
        case .bodyPath(let steps):
            guard let json = try? JSONSerialization.jsonObject(with: Data(result.body), options: [.fragmentsAllowed])
            else { return .missing("not JSON") }
            var node: Any = json
            for step in steps {
                switch step {
                case .key(let key):
                    guard let object = node as? [String: Any], let next = object[key] else {
                        return .missing("no field '\(key)'")
                    }
                    node = next
                case .index(let i):
                    guard let array = node as? [Any], i < array.count else { return .missing("no item \(i)") }
                    node = array[i]
                }
            }
            if let number = node as? NSNumber {
                // JSON true/false are NSNumbers too; compare them as the words.
                if String(cString: number.objCType) == "c" { return .text(number.boolValue ? "true" : "false") }
                return .number(number.doubleValue)
            }
            if let text = node as? String { return .text(text) }
            if node is NSNull { return .text("null") }
            let data = (try? JSONSerialization.data(withJSONObject: node, options: [.sortedKeys])) ?? Data()
            return .text(String(decoding: data, as: UTF8.self))
        case .header(let name):
            return result.header(name).map { .text($0) } ?? .missing("no header \(name)")
        case .certificateExpiration:
            guard let certificate = result.certificate else { return .missing("no certificate") }
            return .milliseconds(certificate.notAfter.timeIntervalSince(result.started) * 1000)
        case .ip:
            return result.ip.map { .text($0.description) } ?? .missing("no address")
        case .dnsRcode:
            return .text(result.dnsRcode)
        }
    }

    static func compare(_ actual: Actual, _ op: MonitorCondition.Operator, _ expected: MonitorCondition.Value) -> Bool {
        // A value the response lacks equals nothing.
        if case .missing = actual { return op == .notEqual }
        switch expected {
        case .any(let values):
            let hit = values.contains { compare(actual, .equal, $0) }
            return op == .equal ? hit : !hit
        case .pattern(let pattern):
            let hit = glob(pattern, actual.text)
            return op == .equal ? hit : !hit
        case .number(let n):
            let a: Double?
            switch actual {
            case .number(let x): a = x
            case .text(let s): a = Double(s.trimmingCharacters(in: .whitespacesAndNewlines))
            default: a = nil
            }
            guard let a else { return op == .notEqual }
            return order(a, op, n)
        case .milliseconds(let ms):
            guard case .milliseconds(let a) = actual else { return false }
            return order(a, op, Double(ms))
        case .text(let s):
            let equal = actual.text == s
            return op == .equal ? equal : !equal
        }
    }

    static func order(_ a: Double, _ op: MonitorCondition.Operator, _ b: Double) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    /// `*` matches any run of characters, everything else itself.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == t[ti], p[pi] != UInt8(ascii: "*") {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
