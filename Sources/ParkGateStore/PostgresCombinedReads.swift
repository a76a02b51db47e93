import Foundation

/// Several reads in one statement, so a batch's reads cost PostgreSQL one round trip instead of
/// one each (measured: a round trip costs the server and PostgreSQL together about 0.14 ms of
/// CPU on one core, more than most of the reads themselves).
///
/// Each read becomes `SELECT k, row_to_json(t)::text FROM (read) t`, joined by `UNION ALL`;
/// the rows come back tagged with their read and are decoded from JSON into the values the
/// read would have returned (integers, doubles, text, NULL; the schema has no other types in
/// the rows the store reads).
enum PostgresCombinedReads {
    static func statement(_ reads: [SQLStatement]) -> SQLStatement {
        var sql = ""
        var binds: [SQLValue] = []
        for (index, read) in reads.enumerated() {
            if index > 0 { sql += "\nUNION ALL\n" }
            sql += "SELECT \(index) AS q, row_to_json(t)::text AS j FROM (\(read.sql)) t"
            binds += read.binds
        }
        return SQLStatement(sql, binds)
    }

    /// The combined statement's rows, split back into one list per read.
    static func split(_ rows: [SQLRow], reads: Int) throws -> [[SQLRow]] {
        var result = Array(repeating: [SQLRow](), count: reads)
        for row in rows {
            guard let index = row.int("q").map(Int.init), result.indices.contains(index), let json = row.text("j") else {
                throw StoreError.database("combined read returned a row without its read")
            }
            result[index].append(SQLRow(values: try FlatJSON.object(Array(json.utf8))))
        }
        return result
    }
}

/// A parser for the flat JSON objects `row_to_json` writes: keys to strings, numbers, booleans
/// (as 1/0) and null. Nested values are kept as their JSON text.
enum FlatJSON {
    struct Malformed: Error {}

    static func object(_ bytes: [UInt8]) throws -> [String: SQLValue] {
        var parser = Parser(bytes: bytes)
        return try parser.object()
    }

    struct Parser {
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { throw Malformed() }
            at += 1
        }

        mutating func object() throws -> [String: SQLValue] {
            var values: [String: SQLValue] = [:]
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return values }
            while true {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                values[key] = try value()
                skipSpace()
                guard at < bytes.count else { throw Malformed() }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; return values }
                throw Malformed()
            }
        }

        mutating func value() throws -> SQLValue {
            skipSpace()
            guard at < bytes.count else { throw Malformed() }
            switch bytes[at] {
            case UInt8(ascii: "\""): return .text(try string())
            case UInt8(ascii: "n"): try word("null"); return .null
            case UInt8(ascii: "t"): try word("true"); return .int(1)
            case UInt8(ascii: "f"): try word("false"); return .int(0)
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .text(try nested())
            default: return try number()
            }
        }

        mutating func word(_ text: StaticString) throws {
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw Malformed() }
            for offset in 0..<count where bytes[at + offset] != text.utf8Start[offset] { throw Malformed() }
            at += count
        }

        mutating func number() throws -> SQLValue {
            let start = at
            var integral = true
            while at < bytes.count {
                let byte = bytes[at]
                if (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") {
                    at += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") {
                    integral = false
                    at += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<at], as: UTF8.self)
            if integral, let int = Int64(text) { return .int(int) }
            guard let double = Double(text) else { throw Malformed() }
            return .double(double)
        }

        /// A nested array or object, as its text.
        mutating func nested() throws -> String {
            let start = at
            var depth = 0
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\""): _ = try string(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { at += 1; return String(decoding: bytes[start..<at], as: UTF8.self) }
                default: break
                }
                at += 1
            }
            throw Malformed()
        }

        mutating func string() throws -> String {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw Malformed() }
            at += 1
            let start = at
            // Fast path: no escapes.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count else { throw Malformed() }
            if bytes[at] == UInt8(ascii: "\"") {
                defer { at += 1 }
                return String(decoding: bytes[start..<at], as: UTF8.self)
            }
            var out = Array(bytes[start..<at])
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    at += 1
                    return String(decoding: out, as: UTF8.self)
                }
                guard byte == UInt8(ascii: "\\") else { out.append(byte); at += 1; continue }
                guard at + 1 < bytes.count else { throw Malformed() }
                let escape = bytes[at + 1]
                at += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                        at += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Malformed() }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: throw Malformed()
                }
            }
            throw Malformed()
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw Malformed() }
            var value: UInt32 = 0
            for byte in bytes[at..<at + 4] {
                value <<= 4
                switch byte {
                case 0x30...0x39: value |= UInt32(byte - 0x30)
                case 0x41...0x46: value |= UInt32(byte - 0x41 + 10)
                case 0x61...0x66: value |= UInt32(byte - 0x61 + 10)
                default: throw Malformed()
                }
            }
            at += 4
            return value
        }
    }
}
