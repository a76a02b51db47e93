import Foundation
import ParkGateModel

/// A request that passed the structural checks: its fields under the table's names, trimmed.
public struct RoadsideMessage: Sendable {
    public var endpoint: RoadsideEndpoint
    public var fields: [String: String]
    /// Deviations accepted in lenient mode (field, rule, example as sent).
    public var findings: [(field: String, rule: String, example: String)]
    /// The first format (205) problem, reported only after authentication so that an
    /// unauthenticated sender learns nothing about the data checks.
    public var formatError: RoadsideError?

    public subscript(_ name: String) -> String? {
        guard let value = fields[name], !value.isEmpty else { return nil }
        return value
    }
}

/// The document's field tables applied to a parsed JSON object.
///
/// Check order (each failure answers at once): 203 not an object (caller) → 202 a field of the
/// wrong JSON type → 204 a required field missing or empty → (caller: 200/201/206) →
/// 205 format. In strict mode every documented variant is a 205.
public struct RoadsideValidator: Sendable {
    public let strict: Bool
    public let time: ChinaTime

    public init(strict: Bool, time: ChinaTime = ChinaTime()) {
        self.strict = strict
        self.time = time
    }

    public func validate(
        _ members: [(key: String, value: JSONValue)], endpoint: RoadsideEndpoint
    ) throws(RoadsideError) -> RoadsideMessage {
        let table = endpoint.fields
        let known = endpoint.fieldsByName
        var message = RoadsideMessage(endpoint: endpoint, fields: Dictionary(minimumCapacity: members.count), findings: [])
        var flowId: String?
        if case .string(let value)? = members.first(where: { $0.key.trimmedSpaces == "flowId" })?.value {
            flowId = value.trimmedSpaces
        }

        func deviation(_ field: String, _ rule: String, _ example: String) {
            message.findings.append((field, rule, example))
            if strict, message.formatError == nil {
                message.formatError = RoadsideError(.badFormat, "\(field): \(rule) (strict mode)", flowId: flowId)
            }
        }

        var nulls: [String] = []
        for (rawKey, value) in members {
            var name = rawKey.trimmedSpaces
            if name != rawKey { deviation(name, "key written with surrounding spaces", "\"\(rawKey)\"") }
            if let canonical = RoadsideEndpoint.aliases[name], known[canonical] != nil {
                deviation(canonical, "sent as \(name), the key of the document's example, not the table's \(canonical)", name)
                name = canonical
            }
            guard let field = known[name] else {
                deviation(name, "field not in the table of section \(endpoint.section)", String(describing: value).prefix(80).description)
                continue
            }
            if message.fields[name] != nil {
                deviation(name, "field sent twice; first value kept", rawKey)
                continue
            }
            switch value {
            case .string(let text):
                let trimmed = text.trimmedSpaces
                if trimmed != text, !trimmed.isEmpty {
                    deviation(name, "value written with surrounding spaces", text)
                }
                message.fields[name] = trimmed
            case .null:
                nulls.append(name)
                if !field.required {
                    message.formatError = message.formatError
                        ?? RoadsideError(.badFormat, "\(name) is null; an optional field is sent as \"\" (section 1 item 4)", flowId: flowId)
                }
            default:
                throw RoadsideError(.typeMismatch, "\(name) must be a JSON string, got \(value.typeName)", flowId: flowId)
            }
        }
        for field in table where field.required && (message.fields[field.name] ?? "").isEmpty {
            let how = nulls.contains(field.name) ? "is null" : message.fields[field.name] == nil ? "is missing" : "is empty"
            throw RoadsideError(.requiredMissing, "required field \(field.name) \(how)", flowId: flowId)
        }
        for field in table {
            guard let value = message[field.name] else { continue }
            if let problem = check(value, field.format) {
                if case .openCodes = field.format, !strict {
                    message.findings.append((field.name, problem, value))
                } else if message.formatError == nil {
                    message.formatError = RoadsideError(.badFormat, "\(field.name) \(problem)", flowId: flowId)
                }
            }
        }
        return message
    }

    /// Nil when `value` satisfies `format`, else what is wrong with it.
    func check(_ value: String, _ format: RoadsideField.Format) -> String? {
        switch format {
        case .text(let max):
            return value.count > max ? "is longer than \(max) characters" : nil
        case .token:
            return value.count > 64 ? "is longer than 64 characters" : nil
        case .flowId:
            return value.count > 64 ? "is longer than 64 characters" : nil
        case .timestamp:
            return time.parseCompact(value) == nil ? "\(value) is not a real YYYYMMDDHHmmss time" : nil
        case .codes(let codes):
            return codes.contains(value) ? nil : "\(value) is not in the document's code list"
        case .openCodes(let codes):
            return codes.contains(value) ? nil : "\(value) is not in the document's code list (only \(codes.sorted().joined(separator: ", ")) is defined)"
        case .integer(let range):
            guard let number = Int(value), range.contains(number) else {
                return "\(value) is not an integer in \(range.lowerBound)–\(range.upperBound)"
            }
            return nil
        case .plateFeature:
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            let valid = parts.count == 4 && parts.allSatisfy { Int($0).map { $0 >= 0 } ?? false }
            return valid ? nil : "\(value) is not x/y/w/h in integers"
        }
    }

    /// The 3+1+16 rule of `flowId`: vendor code, message type digit, 16-digit serial.
    /// Returns the deviations (empty when the id follows the rule).
    public static func flowIdDeviations(_ flowId: String, comType: String, endpoint: RoadsideEndpoint) -> [String] {
        var problems: [String] = []
        let digits = flowId.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        if !digits { problems.append("flowId has characters other than digits") }
        if flowId.utf8.count != 20 {
            problems.append("flowId has \(flowId.utf8.count) digits, the rule is 20 (3 vendor + 1 type + 16 serial)")
        }
        if !flowId.hasPrefix(comType) { problems.append("flowId does not start with comType \(comType)") }
        if let type = endpoint.messageType, flowId.utf8.count >= 4 {
            let digit = flowId[flowId.index(flowId.startIndex, offsetBy: 3)]
            if String(digit) != type.rawValue {
                problems.append("flowId message type digit \(digit) is not \(type.rawValue) (\(type.label)) for \(endpoint.path)")
            }
        }
        return problems
    }
}

extension RoadsideEndpoint {
    /// The section of the document that defines the endpoint.
    var section: String {
        switch self {
        case .token: "3.1"
        case .camera, .hpcamera: "3.2"
        case .msensor: "3.3"
        case .alarm: "3.4"
        case .deverror: "3.5"
        }
    }
}
