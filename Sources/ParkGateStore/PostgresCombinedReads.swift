import Foundation
import ParkGateModel

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
        // Prepared reads combine into a text as fixed as theirs.
        var statement = SQLStatement(sql, binds)
        statement.prepared = reads.allSatisfy(\.prepared)
        return statement
    }

    /// The combined statement's rows, split back into one list per read.
    static func split(_ rows: [SQLRow], reads: Int) throws -> [[SQLRow]] {
        var result = Array(repeating: [SQLRow](), count: reads)
        for row in rows {
            guard let index = row.int("q").map(Int.init), result.indices.contains(index), let json = row.text("j") else {
                throw StoreError.database("combined read returned a row without its read")
            }
            result[index].append(SQLRow(values: try values(json)))
        }
        return result
    }

    /// A `row_to_json` object's values: strings as text, integers and other numbers, booleans
    /// as 1/0, null (the store reads no JSON or array columns).
    static func values(_ json: String) throws -> [String: SQLValue] {
        let members: [(key: String, value: JSONValue)]
        do {
            members = try JSONObjectParser.parse(Array(json.utf8))
        } catch {
            throw StoreError.database("combined read returned a row that is not a JSON object: \(error)")
        }
        var values: [String: SQLValue] = [:]
        values.reserveCapacity(members.count)
        for (key, value) in members {
            switch value {
            case .string(let text): values[key] = .text(text)
            case .number(let text): values[key] = Int64(text).map(SQLValue.int) ?? Double(text).map(SQLValue.double) ?? .null
            case .bool(let flag): values[key] = .int(flag ? 1 : 0)
            case .null: values[key] = .null
            case .array, .object: throw StoreError.database("combined read returned a nested value in \(key)")
            }
        }
        return values
    }
}
