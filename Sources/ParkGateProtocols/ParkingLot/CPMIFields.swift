import Foundation
import ParkGateModel

/// Reads the members of a T/CPMI `data` object by appendix C's types (String, Int, Float money),
/// with B.2.3.5's defaults for absent members. Lenient: a documented variant is accepted and
/// noted as a finding; strict: it is refused with 9002.
struct CPMIFields {
    var members: [String: JSONValue] = [:]
    var findings: [(field: String, rule: String, example: String)] = []
    let strict: Bool
    let time: ChinaTime

    init(_ data: [(key: String, value: JSONValue)], strict: Bool, time: ChinaTime) {
        self.strict = strict
        self.time = time
        members.reserveCapacity(data.count)
        for (key, value) in data where members[key] == nil { members[key] = value }
    }

    static func refusal(_ message: String) -> CPMIEnvelope.Refusal { CPMIEnvelope.Refusal(result: .badFormat, message: message) }

    mutating func variant(_ field: String, _ rule: String, _ example: String) throws(CPMIEnvelope.Refusal) {
        if strict { throw Self.refusal("\(field): \(rule) (\(example))") }
        findings.append((field, rule, example))
    }

    /// A String member; "" when absent or null.
    mutating func string(_ name: String, required: Bool = false) throws(CPMIEnvelope.Refusal) -> String {
        let value: String
        switch members[name] {
        case .string(let text): value = text
        case .number(let text):
            try variant(name, "number where appendix C has String", text)
            value = text
        case nil, .null: value = ""
        case .some(let other): throw Self.refusal("\(name) must be a string, not a \(other.typeName)")
        }
        if required, value.trimmedSpaces.isEmpty { throw Self.refusal("\(name) is required") }
        return value
    }

    /// An Int member; nil when absent (0 by B.2.3.5 is the caller's choice).
    mutating func int(_ name: String, required: Bool = false) throws(CPMIEnvelope.Refusal) -> Int? {
        switch members[name] {
        case .number(let text):
            guard let value = Int(text) else { throw Self.refusal("\(name) must be a whole number, got \(text)") }
            return value
        case .string(let text):
            guard let value = Int(text.trimmedSpaces) else {
                if text.isEmpty && !required { return nil }
                throw Self.refusal("\(name) must be a whole number, got \"\(text)\"")
            }
            try variant(name, "string where appendix C has Int", text)
            return value
        case nil, .null:
            if required { throw Self.refusal("\(name) is required") }
            return nil
        case .some(let other): throw Self.refusal("\(name) must be a number, not a \(other.typeName)")
        }
    }

    /// A Float money member, two decimals at most; 0 when absent.
    mutating func money(_ name: String) throws(CPMIEnvelope.Refusal) -> Money {
        let text: String
        switch members[name] {
        case .number(let value): text = value
        case .string(let value):
            if value.isEmpty { return Money(fen: 0) }
            try variant(name, "string where appendix C has Float", value)
            text = value
        case nil, .null: return Money(fen: 0)
        case .some(let other): throw Self.refusal("\(name) must be a number, not a \(other.typeName)")
        }
        guard let money = Money(text) else { throw Self.refusal("\(name) must be an amount with at most two decimals, got \(text)") }
        return money
    }

    /// A time `yyyy-MM-dd HH:mm:ss` (China time); `YYYYMMDDHHmmss` is a noted variant.
    mutating func instant(_ name: String, required: Bool) throws(CPMIEnvelope.Refusal) -> (date: Date, text: String)? {
        let text = try string(name, required: required)
        if text.isEmpty { return nil }
        if let date = time.parseDashed(text) { return (date, text) }
        if let date = time.parseCompact(text) {
            try variant(name, "time not written yyyy-MM-dd HH:mm:ss", text)
            return (date, text)
        }
        throw Self.refusal("\(name) must be a real time yyyy-MM-dd HH:mm:ss, got \"\(text)\"")
    }

    /// A member from a code list; outside it: strict 9002, lenient a finding and nil.
    mutating func code<T: RawRepresentable>(_ name: String, _ type: T.Type) throws(CPMIEnvelope.Refusal) -> T? where T.RawValue == String {
        var text: String
        switch members[name] {
        case .number(let value): text = value
        case .string(let value): text = value
        default: return nil
        }
        text = text.trimmedSpaces
        if text.isEmpty { return nil }
        if let value = T(rawValue: text) { return value }
        try variant(name, "value outside its code list", text)
        return nil
    }
}
