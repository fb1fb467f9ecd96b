/// The reasons BIND gives for refusing zone data, with BIND's own wording (`isc_result_totext`).
enum BindResult: Error, Equatable, Sendable {
    case unexpectedEnd, badNumber, range, unexpectedToken, syntax, badDottedQuad, badIPv6
    case emptyLabel, labelTooLong, badEscape, noSpace, badName, badOwnerName, mxIsAddress
    case badBase64, badBase32, badHex, extraToken, unbalanced, unbalancedQuotes, unknown
    case formErr, disallowed, duplicate, inconsistentRR, badEUI, metaType, obsolete
    case cnameAndOther, singleton, notZoneTop, atZoneTop, badClass, noOwner, noTTL, badTTL
    case invalidNS, invalidNSEC3, notAFile, fileNotFound, notImplemented, badBitmap, badCertType
    case badCheckSum, tooManyRecords, extraData, unknownProtocol

    var text: String {
        switch self {
        case .unexpectedEnd: return "unexpected end of input"
        case .badNumber: return "not a valid number"
        case .range: return "out of range"
        case .unexpectedToken: return "unexpected token"
        case .syntax: return "syntax error"
        case .badDottedQuad: return "bad dotted quad"
        case .badIPv6: return "bad IPv6 address"
        case .emptyLabel: return "empty label"
        case .labelTooLong: return "label too long"
        case .badEscape: return "bad escape"
        case .noSpace: return "ran out of space"
        case .badName: return "bad name (check-names)"
        case .badOwnerName: return "bad owner name (check-names)"
        case .mxIsAddress: return "MX is an address"
        case .badBase64: return "bad base64 encoding"
        case .badBase32: return "bad base32 encoding"
        case .badHex: return "bad hex encoding"
        case .extraToken: return "extra input text"
        case .unbalanced: return "unbalanced parentheses"
        case .unbalancedQuotes: return "unbalanced quotes"
        case .unknown: return "unknown class/type"
        case .formErr: return "FORMERR"
        case .disallowed: return "disallowed (by application policy)"
        case .duplicate: return "duplicate query"
        case .inconsistentRR: return "inconsistent resource record"
        case .badEUI: return "bad EUI"
        case .metaType: return "invalid use of a meta type"
        case .obsolete: return "obsolete"
        case .cnameAndOther: return "CNAME and other data"
        case .singleton: return "multiple RRs of singleton type"
        case .notZoneTop: return "not at top of zone"
        case .atZoneTop: return "at top of zone"
        case .badClass: return "bad class"
        case .noOwner: return "no owner"
        case .noTTL: return "no ttl"
        case .badTTL: return "bad ttl"
        case .invalidNS: return "invalid NS owner name (wildcard)"
        case .invalidNSEC3: return "invalid NSEC3 owner name (wildcard)"
        case .notAFile: return "not a file"
        case .fileNotFound: return "file not found"
        case .notImplemented: return "not implemented"
        case .badBitmap: return "bad bitmap"
        case .badCertType: return "unknown class/type"
        case .badCheckSum: return "bad checksum"
        case .tooManyRecords: return "too many records"
        case .extraData: return "extra input data"
        case .unknownProtocol: return "unknown protocol"
        }
    }
}
