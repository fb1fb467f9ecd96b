/// Why a check failed, in one word a program can match on; `Failure` adds the words for a person.
package enum FailureClass: String, Sendable, Hashable, CaseIterable, Codable {
    case dnsUnresolvable
    case refusedPrivate
    case hostUnreachable
    case tcpRefused
    case tcpTimeout
    case connectionReset
    case connectionClosed
    case tlsHandshake
    case tlsUntrusted
    case tlsExpired
    case tlsNotYetValid
    case tlsNameMismatch
    case responseTimeout
    case badResponse
    case httpStatus
    case httpAuthRequired
    case redirectLoop
    case bodyMismatch
    case slowResponse
    case conditionFailed

    /// The step a failure of this class belongs to.
    package var step: CheckStep {
        switch self {
        case .dnsUnresolvable, .refusedPrivate: .dns
        case .hostUnreachable, .tcpRefused, .tcpTimeout: .tcp
        case .tlsHandshake, .tlsUntrusted, .tlsExpired, .tlsNotYetValid, .tlsNameMismatch: .tls
        case .connectionReset, .connectionClosed, .responseTimeout, .badResponse, .httpStatus, .httpAuthRequired,
            .redirectLoop, .bodyMismatch, .slowResponse, .conditionFailed:
            .http
        }
    }
}

/// The four steps of a check, each timed on its own.
package enum CheckStep: String, Sendable, Hashable, CaseIterable, Codable {
    case dns
    case tcp
    case tls
    case http
}

/// A failed check, told three ways: the class, what happened (with the facts of this check), and what to do.
package struct Failure: Sendable, Hashable, Codable {
    package var failureClass: FailureClass
    package var explanation: String
    package var hint: String
    /// The underlying error as the library reported it, for the curious; may be empty.
    package var detail: String

    package init(_ failureClass: FailureClass, explanation: String, hint: String, detail: String = "") {
        self.failureClass = failureClass
        self.explanation = explanation
        self.hint = hint
        self.detail = detail
    }
}
