import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Multi-row inserts whose text does not depend on the number of rows, run as named prepared
/// statements.
///
/// PostgreSQL parses, analyses and plans every statement it is sent unnamed; for a batch's
/// `INSERT … VALUES (…), (…), …` with 80–200 parameters that costs more than inserting the rows
/// (measured with pgbench on the T/CPMI schema: an eight-row `raw_messages` insert 559 µs sent
/// unnamed, 350 µs prepared, 300 µs as `unnest` of arrays prepared). A multi-row text changes with
/// the row count, so preparing it gives a statement per batch size and connection, most of them
/// used a few times (the sixteenth session measured that, worse than unnamed). Binding each column
/// as one array, `INSERT INTO t (a, b) SELECT u.c0, u.c1 FROM unnest(?::bigint[], ?::text[]) AS
/// u(c0, c1) WHERE true ON CONFLICT …`, gives one text per insert, prepared once per connection
/// and planned once (PostgreSQL's generic plan after five executions).
/// Column types by table and column, as the database names them (`bigint`, `text`, …), and the
/// array form of each insert text worked out from them once.
///
/// Working out an insert's array form (splitting its column list and row, looking up the types,
/// writing the new text) cost ~6% of all the CPU of a T/CPMI batch on PostgreSQL when it was
/// redone for every batch (`perf`, 16 connections, mostly Foundation's `trimmingCharacters`);
/// the store's insert texts are a few dozen constants, so each is worked out on first use.
public final class ColumnTypes: Sendable, ExpressibleByDictionaryLiteral {
    public let tables: [String: [String: String]]
    /// Insert text → its array form (nil: it has none).
    private let forms = Mutex<[String: ArrayInsertForm?]>([:])

    public init(_ tables: [String: [String: String]]) { self.tables = tables }
    public convenience init(dictionaryLiteral elements: (String, [String: String])...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    public subscript(table: String) -> [String: String]? { tables[table] }

    /// The array form of `sql` (split as `head VALUES row rest`), worked out once.
    func arrayForm(of sql: String, head: Substring, row: Substring, rest: Substring) -> ArrayInsertForm? {
        if let known = forms.withLock({ $0[sql] }) { return known }
        let form = ArrayInsertForm(head: head, row: row, rest: rest, columnTypes: self)
        forms.withLock { forms in
            // The store's texts are constants; a bound only in case some caller generates them.
            if forms.count >= 4_096 { forms.removeAll() }
            forms[sql] = .some(form)
        }
        return form
    }
}

/// `INSERT INTO t (a, b) SELECT u.c0, u.c1 FROM unnest(?::bigint[], ?::text[]) AS u(c0, c1) WHERE
/// true …` for an insert text: the new text and the type of each of its arrays. (A statement
/// that is not such an insert, an update by key, may declare a form of its own written by hand:
/// `SQLStatement.arrayForm`.)
struct ArrayInsertForm: Sendable {
    let sql: String
    /// Per `?` of the row, in order: the column's type.
    let types: [String]

    /// A form written out by hand: `sql` takes one array per entry of `types`, in order.
    init(sql: String, types: [String]) {
        self.sql = sql
        self.types = types
    }

    /// The rows (each with one value per entry of `types`) as one statement of arrays, prepared;
    /// nil when a value would not convert the way PostgreSQL converts it when bound alone (a
    /// double into an integer or text column).
    func statement(rows: [[SQLValue]]) -> SQLStatement? {
        guard rows.allSatisfy({ $0.count == types.count }) else { return nil }
        var binds: [SQLValue] = []
        binds.reserveCapacity(types.count)
        for (parameter, type) in types.enumerated() {
            guard let literal = SQLStatement.arrayLiteral(rows.map { $0[parameter] }, type: type) else { return nil }
            binds.append(.text(literal))
        }
        var statement = SQLStatement(sql, binds)
        statement.prepared = true
        statement.fromArrays = true
        return statement
    }

    /// Nil when the row holds anything but `?`, `NULL`, integers and simple quoted strings, or a
    /// column's type is unknown.
    init?(head: Substring, row: Substring, rest: Substring, columnTypes: ColumnTypes) {
        var head = head
        while head.last?.isWhitespace == true { head.removeLast() }
        guard head.hasSuffix("VALUES"), head.hasPrefix("INSERT INTO ") else { return nil }
        head.removeLast("VALUES".count)
        let target = head.dropFirst("INSERT INTO ".count)
        guard let open = target.firstIndex(of: "("), let close = target.lastIndex(of: ")"), open < close else { return nil }
        let table = target[..<open].trimmingCharacters(in: .whitespacesAndNewlines)
        let columns = target[target.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let tableTypes = columnTypes[table], row.first == "(", row.last == ")" else { return nil }
        let items = row.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard items.count == columns.count else { return nil }

        var select: [String] = [], arrays: [String] = [], names: [String] = [], types: [String] = []
        for (item, column) in zip(items, columns) {
            guard let type = tableTypes[column] else { return nil }
            if item == "?" {
                let parameter = types.count
                names.append("c\(parameter)")
                select.append("u.c\(parameter)")
                arrays.append("?::\(type)[]")
                types.append(type)
            } else {
                guard SQLStatement.isSimpleLiteral(item) else { return nil }
                select.append("\(item)::\(type)")
            }
        }
        guard !types.isEmpty else { return nil }
        // `WHERE true`: without it PostgreSQL would read a following ON CONFLICT as a join's ON.
        var sql = String(head)
        sql += "SELECT " + select.joined(separator: ", ")
        sql += " FROM unnest(" + arrays.joined(separator: ", ") + ") AS u(" + names.joined(separator: ", ") + ") WHERE true"
        sql += rest
        self.sql = sql
        self.types = types
    }
}

extension SQLStatement {
    /// The rows of `sql` (split by `merged` as `head VALUES row rest`) as one insert of arrays,
    /// or nil when the text has no array form (`ArrayInsertForm`) or a value would not convert
    /// the way PostgreSQL converts it when bound alone (a double into an integer or text column).
    static func arrayInsert(
        sql: String, head: Substring, row: Substring, rest: Substring, rows: [[SQLValue]], columnTypes: ColumnTypes
    ) -> SQLStatement? {
        columnTypes.arrayForm(of: sql, head: head, row: row, rest: rest)?.statement(rows: rows)
    }

    /// `NULL`, an integer, or a quoted string without a quote inside.
    static func isSimpleLiteral(_ item: String) -> Bool {
        if item == "NULL" { return true }
        if let first = item.first, first == "-" || first.isNumber, item.dropFirst().allSatisfy(\.isNumber), item != "-" { return true }
        return item.count >= 2 && item.hasPrefix("'") && item.hasSuffix("'") && !item.dropFirst().dropLast().contains("'")
    }

    /// A PostgreSQL array literal of the values (`{1,NULL,"a \"b\""}`), or nil when one of them
    /// does not belong in a column of `type`.
    static func arrayLiteral(_ values: [SQLValue], type: String) -> String? {
        let integer = ["bigint", "integer", "smallint"].contains(type)
        let floating = ["double precision", "real", "numeric"].contains(type)
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            switch value {
            case .null: out += "NULL"
            case .int(let int): out += String(int)
            case .double(let double):
                guard floating, double.isFinite else { return nil }
                out += "\(double)"
            case .text(let text):
                guard !integer, !floating else { return nil }
                out += "\""
                if text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                    var escaped: [UInt8] = []
                    escaped.reserveCapacity(text.utf8.count + 8)
                    for byte in text.utf8 {
                        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { escaped.append(UInt8(ascii: "\\")) }
                        escaped.append(byte)
                    }
                    out += String(decoding: escaped, as: UTF8.self)
                } else {
                    out += text
                }
                out += "\""
            }
        }
        return out + "}"
    }
}

/// A statement prepared by name on the connection that runs it. PostgresNIO prepares a
/// `PostgresPreparedStatement` the first time a connection runs it (by its static `name` and
/// `sql`) and afterwards only binds and executes it; the text here comes from the task-local,
/// which `execute` reads at the call.
struct NamedStatement: PostgresPreparedStatement {
    @TaskLocal static var current = (name: "", sql: "")
    static var name: String { current.name }
    static var sql: String { current.sql }
    typealias Row = PostgresRow

    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// Runs `query` prepared (named after its text's hash) and reads it to its end.
    static func execute(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await rows(query, on: connection, logger: logger) {}
    }

    /// Runs `query` prepared; its rows.
    static func rows(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> {
        try await $current.withValue((name: name(of: query.sql), sql: query.sql)) {
            try await connection.execute(NamedStatement(bindings: query.binds), logger: logger)
        }
    }

    /// `parkgate_` and the text's 64-bit FNV-1a hash.
    static func name(of sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return "parkgate_" + String(hash, radix: 16)
    }
}
