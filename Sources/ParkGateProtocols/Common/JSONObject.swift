import Foundation

/// A JSON value as it arrived, for checking types before trusting them.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array
    case object

    public var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Parses a body that must be one JSON object, keeping its members in order.
public enum JSONObjectParser {
    public enum Failure: Error, Equatable, Sendable {
        case notUTF8, tooDeep, notJSON(String), notObject
    }

    /// Nesting deeper than this is refused before parsing (no message of any document nests
    /// more than three levels).
    public static let maxDepth = 32

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> [(key: String, value: JSONValue)] {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        guard depth(of: bytes) <= maxDepth else { throw .tooDeep }
        let members: [String: AnyJSON]
        do {
            members = try JSONDecoder().decode([String: AnyJSON].self, from: Data(bytes))
        } catch DecodingError.typeMismatch {
            throw .notObject
        } catch {
            throw .notJSON("\(error)")
        }
        return members.keys.sorted().map { ($0, members[$0]!.value) }
    }

    /// Maximum bracket nesting outside strings.
    static func depth(of bytes: [UInt8]) -> Int {
        var depth = 0, maximum = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == 92 { escaped = true } else if byte == 34 { inString = false }
                continue
            }
            switch byte {
            case 34: inString = true
            case 91, 123:
                depth += 1
                maximum = max(maximum, depth)
            case 93, 125: depth -= 1
            default: break
            }
        }
        return maximum
    }

}

/// Decodes any JSON value, remembering only its type (and text for scalars).
struct AnyJSON: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            value = .number(String(number))
        } else if (try? container.decode([AnyJSON].self)) != nil {
            value = .array
        } else {
            _ = try container.decode([String: AnyJSON].self)
            value = .object
        }
    }
}

