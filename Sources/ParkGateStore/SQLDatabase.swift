import Foundation

/// A value bound into or read out of SQL; the common ground of SQLite and PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    public init(_ int: Int64?) { self = int.map(SQLValue.int) ?? .null }
    public init(_ int: Int?) { self = int.map { .int(Int64($0)) } ?? .null }
    public init(_ bool: Bool) { self = .int(bool ? 1 : 0) }
    /// Instants are stored as milliseconds since 1970 UTC in both databases.
    public init(_ date: Date?) { self = date.map { .int(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? .null }
}

/// One SQL statement with `?` placeholders and its values.
public struct SQLStatement: Sendable {
    public var sql: String
    public var binds: [SQLValue]
    /// PostgreSQL runs it as a named prepared statement, parsed once per connection: for texts
    /// that stay the same from batch to batch (`arrayInsert`, a fold of such statements, the
    /// T/CPMI batch's reads).
    public var prepared = false
    /// Its rows come from its bound arrays alone and it reads no table but the one it writes
    /// (`arrayInsert`, a declared `arrayForm`): it may be one part of a `folded` statement.
    var fromArrays = false
    /// How `merged` runs several statements of this text as one on PostgreSQL, when the text is
    /// not an insert whose array form it works out itself (an update by key, say).
    var arrayForm: ArrayInsertForm?

    public init(_ sql: String, _ binds: [SQLValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}

/// A result row: column values by name (lower-case).
public struct SQLRow: Sendable {
    public var values: [String: SQLValue]

    public init(values: [String: SQLValue]) { self.values = values }

    public func text(_ column: String) -> String? {
        switch values[column] {
        case .text(let text): text
        case .int(let int): String(int)
        case .double(let double): String(double)
        default: nil
        }
    }

    public func int(_ column: String) -> Int64? {
        switch values[column] {
        case .int(let int): int
        case .double(let double): Int64(double)
        case .text(let text): Int64(text)
        default: nil
        }
    }

    public func bool(_ column: String) -> Bool { (int(column) ?? 0) != 0 }

    public func date(_ column: String) -> Date? {
        int(column).map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }
}

public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// What the store needs from a database: statements in one transaction, and queries.
///
/// Both backends speak the same SQL (upserts with `ON CONFLICT`, `RETURNING`, integers for
/// instants and flags), so the store's logic is written once.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Applies the migrations not yet applied.
    func migrate(_ migrations: [Migration]) async throws
    /// Runs the statements in one transaction; returns the rows changed by each.
    @discardableResult
    func transaction(_ statements: [SQLStatement]) async throws -> [Int]
    /// Runs a query outside any write transaction.
    func query(_ statement: SQLStatement) async throws -> [SQLRow]
    /// Reads, decides from what it read, and writes: `plan` gets the rows of each read and
    /// returns the statements to run (atomically) and the caller's result. In SQLite all of it is
    /// one transaction (the reads see the writer's warm page cache); in PostgreSQL, at READ
    /// COMMITTED, the reads go before the write transaction (see `PostgresDatabase`). Either way
    /// the caller must be the only writer of the rows it read (the batch writers are).
    func readModifyWrite<T: Sendable>(
        reads: [SQLStatement], _ plan: @Sendable ([[SQLRow]]) throws -> (writes: [SQLStatement], result: T)
    ) async throws -> T
    func close() async throws
    /// The schema's column types by table and column, where multi-row inserts should bind each
    /// column as one array (PostgreSQL, once migrated); nil where they should not (SQLite).
    var columnTypes: ColumnTypes? { get }
}

extension SQLDatabase {
    public var columnTypes: ColumnTypes? { nil }

    public func query(_ sql: String, _ binds: [SQLValue] = []) async throws -> [SQLRow] {
        try await query(SQLStatement(sql, binds))
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue] = []) async throws -> Int {
        try await transaction([SQLStatement(sql, binds)])[0]
    }
}

/// One schema step, with its SQL for each dialect.
public struct Migration: Sendable {
    public let name: String
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.name = name
        self.statements = statements
    }
}

/// The one error type of the storage layer.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case badDatabaseURL(String)
    case database(String)
    case overloaded
    case shuttingDown
    case conflict(String)

    public var description: String {
        switch self {
        case .badDatabaseURL(let url): "unsupported database URL \(url) (use sqlite:PATH or postgres://…)"
        case .database(let message): "database error: \(message)"
        case .overloaded: "the write queue is full"
        case .shuttingDown: "the store is shutting down"
        case .conflict(let message): "conflict: \(message)"
        }
    }
}

extension SQLStatement {
    /// The statements of several independent commands (no two touch the same rows: the
    /// writers form batches so) with their inserts combined: the k-th statements of all the
    /// commands run before their (k+1)-th, and among them the `INSERT … VALUES (…)` statements
    /// with the same text become one multi-row insert. Each command's statements keep their
    /// order; other statements are kept as they are.
    ///
    /// With `columnTypes` (PostgreSQL's, see `SQLDatabase.columnTypes`) such an insert binds
    /// each column's values as one array (`arrayInsert`), so its text does not depend on the
    /// number of rows and it can be prepared once.
    public static func merged(_ commands: [[SQLStatement]], columnTypes: ColumnTypes? = nil) -> [SQLStatement] {
        // An item of a stage: a statement kept as it is, or one insert text (its rows apart).
        enum Item {
            case single(SQLStatement)
            case insert(sql: String, head: Substring, row: Substring, rest: Substring, group: Int)
            /// A text with its own array form (`SQLStatement.arrayForm`).
            case declared(sql: String, ArrayInsertForm, group: Int)
        }
        var result: [SQLStatement] = []
        let stages = commands.map(\.count).max() ?? 0
        for stage in 0..<stages {
            var items: [Item] = []
            var groups: [String: Int] = [:]  // insert text → its group
            var rows: [[[SQLValue]]] = []
            for statements in commands where stage < statements.count {
                let statement = statements[stage]
                if let group = groups[statement.sql] {
                    rows[group].append(statement.binds)
                } else if let form = statement.arrayForm, columnTypes != nil {
                    groups[statement.sql] = rows.count
                    items.append(.declared(sql: statement.sql, form, group: rows.count))
                    rows.append([statement.binds])
                } else if let parts = statement.insertParts {
                    groups[statement.sql] = rows.count
                    items.append(.insert(sql: statement.sql, head: parts.head, row: parts.row, rest: parts.rest, group: rows.count))
                    rows.append([statement.binds])
                } else {
                    items.append(.single(statement))
                }
            }
            for item in items {
                switch item {
                case .single(let statement): result.append(statement)
                case .declared(let sql, let form, let group):
                    if let statement = form.statement(rows: rows[group]) {
                        result.append(statement)
                    } else {
                        for binds in rows[group] { result.append(SQLStatement(sql, binds)) }
                    }
                case .insert(let sql, let head, let row, let rest, let group):
                    let all = rows[group]
                    if let columnTypes,
                        let statement = arrayInsert(sql: sql, head: head, row: row, rest: rest, rows: all, columnTypes: columnTypes)
                    {
                        result.append(statement)
                        continue
                    }
                    // PostgreSQL takes at most 65,535 parameters in a statement.
                    let perStatement = max(1, 60_000 / max(1, all[0].count))
                    for start in stride(from: 0, to: all.count, by: perStatement) {
                        let chunk = all[start..<min(all.count, start + perStatement)]
                        var sql = String(head)
                        sql.reserveCapacity(head.utf8.count + chunk.count * (row.utf8.count + 2) + rest.utf8.count)
                        for offset in 0..<chunk.count {
                            if offset > 0 { sql += ", " }
                            sql += row
                        }
                        sql += rest
                        result.append(SQLStatement(sql, Array(chunk.joined())))
                    }
                }
            }
        }
        return result
    }

    /// `merged` over runs of consecutive commands whose keys (the rows they upsert) are
    /// disjoint: one multi-row upsert may not touch a row twice (PostgreSQL refuses it with
    /// SQLSTATE 21000), so a repeated key starts the next run; the runs keep their order.
    public static func merged(_ commands: [[SQLStatement]], keys: [Set<String>], columnTypes: ColumnTypes? = nil) -> [SQLStatement] {
        var result: [SQLStatement] = []
        var run: [[SQLStatement]] = []
        var runKeys: Set<String> = []
        for (statements, commandKeys) in zip(commands, keys) {
            if !commandKeys.isDisjoint(with: runKeys) {
                result += merged(run, columnTypes: columnTypes)
                run = []
                runKeys = []
            }
            run.append(statements)
            runKeys.formUnion(commandKeys)
        }
        return result + merged(run, columnTypes: columnTypes)
    }

    /// The statements as one PostgreSQL statement of data-modifying CTEs (`WITH w0 AS (…), w1 AS
    /// (…) SELECT 1`), atomic on its own and one round trip; nil when that would not do what the
    /// statements do one after another. All of a CTE's parts see the same snapshot and none sees
    /// another's rows, so the caller must know that no two of them touch the same row (a single
    /// run of `merged(_:keys:)`); this checks the rest: every one is an INSERT, UPDATE or DELETE
    /// reading no other table (no subquery), and all their parameters fit one statement.
    public static func folded(_ statements: [SQLStatement]) -> SQLStatement? {
        guard statements.count > 1, statements.reduce(0, { $0 + $1.binds.count }) <= 60_000 else { return nil }
        var sql = "WITH "
        var binds: [SQLValue] = []
        for (index, statement) in statements.enumerated() {
            let text = statement.sql
            guard text.hasPrefix("INSERT ") || text.hasPrefix("UPDATE ") || text.hasPrefix("DELETE "),
                statement.fromArrays || !text.contains("SELECT"), !text.contains("RETURNING")
            else { return nil }
            if index > 0 { sql += ",\n" }
            sql += "w\(index) AS (\(text))"
            binds += statement.binds
        }
        sql += "\nSELECT 1"
        // Parts of fixed texts (arrays) make a fixed text: prepared once per connection.
        var statement = SQLStatement(sql, binds)
        statement.prepared = statements.allSatisfy(\.prepared)
        return statement
    }

    /// `INSERT … VALUES (row) rest` split around its one row, when the row has no parentheses inside.
    /// (Searched byte by byte: Foundation's `range(of:)` cost ~1% of a PostgreSQL batch's CPU here.)
    var insertParts: (head: Substring, row: Substring, rest: Substring)? {
        let bytes = sql.utf8
        guard sql.hasPrefix("INSERT"), let values = bytes.firstRange(of: "VALUES (".utf8) else { return nil }
        // ASCII positions: every index here is on a character boundary.
        let rowStart = bytes.index(before: values.upperBound)
        guard let close = bytes[values.upperBound...].firstIndex(of: UInt8(ascii: ")")),
            !bytes[values.upperBound..<close].contains(UInt8(ascii: "(")) else { return nil }
        let rowEnd = bytes.index(after: close)
        return (sql[..<rowStart], sql[rowStart..<rowEnd], sql[rowEnd...])
    }
}
