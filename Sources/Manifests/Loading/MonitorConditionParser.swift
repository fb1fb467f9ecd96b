/// Reads a condition's text into a `MonitorCondition`, or says what is wrong with it and how to write it.
package enum MonitorConditionParser {
    package struct Problem: Error, Sendable, Hashable {
        package var message: String
        package var hint: String
    }

    static let placeholderNames = [
        "STATUS", "RESPONSE_TIME", "BODY", "HEADER:name", "CERTIFICATE_EXPIRATION", "IP", "DNS_RCODE",
    ]

    package static func parse(_ text: String) -> Result<MonitorCondition, Problem> {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else {
            return .failure(Problem(message: "the condition is empty", hint: "write e.g. \"[STATUS] == 200\""))
        }
        guard let (op, range) = topLevelOperator(in: trimmed) else {
            return .failure(
                Problem(
                    message: "condition '\(trimmed)' has no comparison operator",
                    hint: "compare a placeholder with a value using ==, !=, <, <=, > or >=, e.g. \"[STATUS] == 200\""))
        }
        var left = String(trimmed[..<range.lowerBound]).trimmingSpaces()
        var right = String(trimmed[range.upperBound...]).trimmingSpaces()
        var op2 = op
        // `200 == [STATUS]` reads as `[STATUS] == 200`.
        if !left.hasPrefix("["), right.hasPrefix("[") {
            swap(&left, &right)
            op2 = mirrored(op)
        }
        if let extra = topLevelOperator(in: right) {
            return .failure(
                Problem(
                    message: "condition '\(trimmed)' has a second operator '\(extra.0.rawValue)'",
                    hint: "write one comparison per condition; list several conditions for several checks"))
        }
        guard !left.isEmpty, !right.isEmpty else {
            return .failure(
                Problem(
                    message: "condition '\(trimmed)' has nothing on one side of '\(op.rawValue)'",
                    hint: "write a placeholder on the left and a value on the right, e.g. \"[STATUS] == 200\""))
        }
        let placeholder: MonitorCondition.Placeholder
        switch parsePlaceholder(left) {
        case .success(let p): placeholder = p
        case .failure(let problem): return .failure(problem)
        }
        switch parseValue(right, for: placeholder, op: op2, condition: trimmed) {
        case .success(let value):
            return .success(MonitorCondition(text: trimmed, placeholder: placeholder, op: op2, value: value))
        case .failure(let problem): return .failure(problem)
        }
    }

    static func mirrored(_ op: MonitorCondition.Operator) -> MonitorCondition.Operator {
        switch op {
        case .less: .greater
        case .greater: .less
        case .lessOrEqual: .greaterOrEqual
        case .greaterOrEqual: .lessOrEqual
        case .equal, .notEqual: op
        }
    }

    /// The first operator outside brackets, parentheses and quotes.
    static func topLevelOperator(in text: String) -> (MonitorCondition.Operator, Range<String.Index>)? {
        var depth = 0
        var quoted = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\"" { quoted.toggle() }
            if !quoted {
                if c == "[" || c == "(" { depth += 1 }
                if c == "]" || c == ")" { depth -= 1 }
                if depth == 0 {
                    for op in MonitorCondition.Operator.allCases where text[i...].hasPrefix(op.rawValue) {
                        return (op, i..<text.index(i, offsetBy: op.rawValue.count))
                    }
                }
            }
            i = text.index(after: i)
        }
        return nil
    }

    static func parsePlaceholder(_ text: String) -> Result<MonitorCondition.Placeholder, Problem> {
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else {
            return .failure(
                Problem(
                    message: "'\(text)' is not a placeholder",
                    hint: "the left side is one of " + placeholderNames.map { "[\($0)]" }.joined(separator: ", ")))
        }
        let name = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        if name.uppercased().hasPrefix("HEADER:") {
            let header = String(name.dropFirst(7))
            guard !header.isEmpty,
                header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                return .failure(
                    Problem(
                        message: "'\(text)' does not name a header",
                        hint: "write the header's name, e.g. [HEADER:Content-Type]"))
            }
            guard rest.isEmpty else { return .failure(trailing(text)) }
            return .success(.header(header))
        }
        let simple: [String: MonitorCondition.Placeholder] = [
            "STATUS": .status, "RESPONSE_TIME": .responseTime, "BODY": .body,
            "CERTIFICATE_EXPIRATION": .certificateExpiration, "IP": .ip, "DNS_RCODE": .dnsRcode,
        ]
        guard let placeholder = simple[name] else {
            let suggestion =
                Suggestion.closest(to: name, in: Array(simple.keys)).map { "; did you mean [\($0)]?" } ?? ""
            return .failure(
                Problem(
                    message: "unknown placeholder '[\(name)]'\(suggestion)",
                    hint: "placeholders: " + placeholderNames.map { "[\($0)]" }.joined(separator: ", ")))
        }
        if rest.isEmpty { return .success(placeholder) }
        guard placeholder == .body else { return .failure(trailing(text)) }
        return bodyPath(rest, whole: text).map { .bodyPath($0) }
    }

    static func trailing(_ text: String) -> Problem {
        Problem(
            message: "unexpected text after the placeholder in '\(text)'",
            hint: "only [BODY] takes a path, e.g. [BODY].status or [BODY].items[0].name")
    }

    /// `.a.b[0].c`
    static func bodyPath(_ text: Substring, whole: String) -> Result<[MonitorCondition.Placeholder.PathStep], Problem> {
        var steps: [MonitorCondition.Placeholder.PathStep] = []
        var rest = text
        let bad = Problem(
            message: "'\(whole)' is not a JSON path",
            hint: "write keys after dots and indexes in brackets: [BODY].items[0].name")
        while let c = rest.first {
            if c == "." {
                rest = rest.dropFirst()
                let key = rest.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { return .failure(bad) }
                steps.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
            } else if c == "[" {
                guard let close = rest.firstIndex(of: "]"),
                    let n = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    n >= 0
                else { return .failure(bad) }
                steps.append(.index(n))
                rest = rest[rest.index(after: close)...]
            } else {
                return .failure(bad)
            }
        }
        return .success(steps)
    }

    static func parseValue(
        _ text: String, for placeholder: MonitorCondition.Placeholder, op: MonitorCondition.Operator, condition: String
    ) -> Result<MonitorCondition.Value, Problem> {
        for function in ["pat", "any"] where text.lowercased().hasPrefix(function + "(") {
            guard text.hasSuffix(")") else {
                return .failure(
                    Problem(message: "'\(text)' misses its closing parenthesis", hint: "write \(function)(...)"))
            }
            guard !op.isOrdering else {
                return .failure(
                    Problem(
                        message: "\(function)(...) compares with == or !=, not '\(op.rawValue)', in '\(condition)'",
                        hint: "write e.g. \"\(placeholder) == \(function)(...)\""))
            }
            let inner = String(text.dropFirst(4).dropLast())
            if function == "pat" {
                guard !inner.isEmpty else {
                    return .failure(
                        Problem(message: "pat() is empty", hint: "write a pattern such as pat(2*) or pat(*ok*)"))
                }
                return .success(.pattern(unquoted(inner)))
            }
            let items = inner.split(separator: ",").map { String($0).trimmingSpaces() }
            guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
                return .failure(
                    Problem(message: "any() needs values separated by commas", hint: "write e.g. any(200, 204)"))
            }
            var values: [MonitorCondition.Value] = []
            for item in items {
                switch scalar(item, for: placeholder, op: op, condition: condition) {
                case .success(let v): values.append(v)
                case .failure(let p): return .failure(p)
                }
            }
            return .success(.any(values))
        }
        return scalar(text, for: placeholder, op: op, condition: condition)
    }

    static func scalar(
        _ raw: String, for placeholder: MonitorCondition.Placeholder, op: MonitorCondition.Operator, condition: String
    ) -> Result<MonitorCondition.Value, Problem> {
        let text = unquoted(raw)
        let number = Double(text).flatMap { $0.isFinite ? $0 : nil }
        let duration = milliseconds(text)
        switch placeholder.valueType {
        case .duration:
            if let duration { return .success(.milliseconds(duration)) }
            if let number {
                return .failure(
                    Problem(
                        message:
                            "condition '\(condition)' compares a duration (\(placeholder)) with the number \(text)",
                        hint: "give the value a unit: \(text)ms, \(text)s, \(text)m, \(text)h or \(text)d"))
            }
            return .failure(
                Problem(
                    message: "'\(text)' is not a duration, in '\(condition)'",
                    hint: "write a whole number and a unit: 500ms, 2s, 1m, 3h, 14d, 2w"))
        case .number:
            if let number { return .success(.number(number)) }
            if duration != nil {
                return .failure(
                    Problem(
                        message:
                            "condition '\(condition)' compares a number (\(placeholder)) with the duration \(text)",
                        hint: "write the number alone, e.g. \"\(placeholder) == 200\""))
            }
            return .failure(
                Problem(
                    message: "'\(text)' is not a number, in '\(condition)'",
                    hint: "compare \(placeholder) with a number, e.g. 200, or with pat(2*) or any(200, 204)"))
        case .rcode:
            guard !op.isOrdering else {
                return .failure(
                    Problem(
                        message: "a DNS response code compares with == or !=, not '\(op.rawValue)'",
                        hint: "write e.g. \"[DNS_RCODE] == NOERROR\""))
            }
            let upper = text.uppercased()
            guard MonitorCondition.rcodes.contains(upper) else {
                let suggestion =
                    Suggestion.closest(to: upper, in: MonitorCondition.rcodes).map { "; did you mean \($0)?" } ?? ""
                return .failure(
                    Problem(
                        message: "'\(text)' is not a DNS response code\(suggestion)",
                        hint: "use one of \(MonitorCondition.rcodes.joined(separator: ", "))"))
            }
            return .success(.text(upper))
        case .text:
            if placeholder == .ip, op.isOrdering {
                return .failure(
                    Problem(
                        message: "an address compares with == or !=, not '\(op.rawValue)'",
                        hint: "write e.g. \"[IP] == 192.0.2.10\" or \"[IP] == pat(192.0.2.*)\""))
            }
            if op.isOrdering {
                if let number { return .success(.number(number)) }
                return .failure(
                    Problem(
                        message: "'\(op.rawValue)' needs a number, and '\(text)' is not one, in '\(condition)'",
                        hint: "text compares with == or != (or pat(...)); order only numbers, e.g. \"[BODY].count > 0\""
                    ))
            }
            return .success(.text(text))
        }
    }

    static func unquoted(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// `500ms`, `2s`, `1m`, `3h`, `14d`, `2w` in milliseconds; nil for anything else.
    package static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let n = Int64(digits)
            else { continue }
            return n * factor
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
