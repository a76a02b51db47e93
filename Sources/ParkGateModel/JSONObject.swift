import Foundation

/// A JSON value as it arrived, for checking types before trusting them.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array
    case object

    /// A value from `JSONSerialization` (nested values are only typed).
    public init(foundation value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let flag as Bool where type(of: value) == Bool.self: self = .bool(flag)
        case let number as NSNumber: self = .number(number.stringValue)
        case is NSNull: self = .null
        case is [Any]: self = .array
        default: self = .object
        }
    }

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
        try parseWithSpans(bytes).map { ($0.key, $0.value) }
    }

    /// The members with the byte range of each value as it appears in `bytes` (T/CPMI signs the
    /// exact text of its `data` member).
    public static func parseWithSpans(_ bytes: [UInt8]) throws(Failure) -> [(key: String, value: JSONValue, span: Range<Int>)] {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        guard depth(of: bytes) <= maxDepth else { throw .tooDeep }
        var scanner = JSONScanner(bytes: bytes)
        do {
            return try scanner.topLevelObject()
        } catch .notObject {
            throw .notObject
        } catch {
            throw .notJSON("\(error)")
        }
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

/// A strict RFC 8259 scanner for one object whose members are returned in order (repeated keys
/// included, so the field checks can report them); nested values are validated and typed, not
/// kept. Written by hand because Foundation's decoders were the largest cost of ingest.
struct JSONScanner {
    enum Failure: Error { case notObject, syntax(Int) }

    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func topLevelObject() throws(Failure) -> [(key: String, value: JSONValue, span: Range<Int>)] {
        skipSpace()
        guard peek == UInt8(ascii: "{") else {
            // A valid non-object document is "not an object"; anything else is not JSON.
            _ = try value()
            skipSpace()
            guard index == bytes.count else { throw .syntax(index) }
            throw .notObject
        }
        index += 1
        var members: [(key: String, value: JSONValue, span: Range<Int>)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw .syntax(index) }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                let start = index
                let parsed = try value()
                members.append((key, parsed, start..<index))
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipSpace()
        guard index == bytes.count else { throw .syntax(index) }
        return members
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek == byte else { throw .syntax(index) }
        index += 1
    }

    mutating func value() throws(Failure) -> JSONValue {
        skipSpace()
        switch peek {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return .object }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw .syntax(index) }
                _ = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                _ = try value()
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return .array }
            while true {
                _ = try value()
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array
            }
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .syntax(index) }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw .syntax(index) }
        index += count
    }

    mutating func number() throws(Failure) -> String {
        let start = index
        func digits(_ scanner: inout JSONScanner) -> Int {
            let from = scanner.index
            while let byte = scanner.peek, byte >= 48, byte <= 57 { scanner.index += 1 }
            return scanner.index - from
        }
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else if digits(&self) == 0 {
            throw .syntax(index)
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw .syntax(index) }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw .syntax(index) }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A string starting at the opening quote; escapes decoded, control characters refused.
    mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw .syntax(index) }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek else { throw .syntax(index) }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw .syntax(index)
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw .syntax(index) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw .syntax(index)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw .syntax(index) }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw .syntax(index)
                }
            default:
                if byte < 0x20 { throw .syntax(index) }
                out.append(byte)
            }
        }
        throw .syntax(index)
    }

    mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax(index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONText.hexValue(bytes[index]) else { throw .syntax(index) }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
