import Foundation
import Logging
import Synchronization
import PostgresNIO
import ServiceLifecycle

/// PostgreSQL through PostgresNIO's pooled `PostgresClient`. The client must run (it is a
/// `Service`) for queries to proceed.
public final class PostgresDatabase: SQLDatabase, Service {
    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    let logger: Logger
    /// Whether `run` has begun, and who waits for it (`untilRunning`).
    private let runState = Mutex<(running: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    /// The schema's column types, read after the migrations (`SQLStatement.arrayInsert` casts to them).
    private let schemaTypes = Mutex<ColumnTypes?>(nil)
    public var columnTypes: ColumnTypes? { schemaTypes.withLock { $0 } }

    public init(url: String, logger: Logger) throws {
        guard let configuration = Self.configuration(url: url) else { throw StoreError.badDatabaseURL(url) }
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` over TCP, or over the server's Unix-domain
    /// socket when the host is a directory (libpq's forms: `postgres://USER@/DATABASE?host=/run/postgresql`
    /// or the directory percent-encoded as the host, `postgres://USER@%2Frun%2Fpostgresql/DATABASE`);
    /// the socket is `.s.PGSQL.PORT` in that directory (port 5432 unless given).
    static func configuration(url: String) -> PostgresClient.Configuration? {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else { return nil }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let username = components.user ?? "postgres", password = components.password
        let socketDirectory = components.queryItems?.first { $0.name == "host" }?.value
            ?? components.percentEncodedHost?.removingPercentEncoding.flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let directory = socketDirectory, directory.hasPrefix("/") {
            return PostgresClient.Configuration(
                unixSocketPath: directory + "/.s.PGSQL.\(components.port ?? 5432)", username: username, password: password,
                database: database.isEmpty ? nil : database)
        }
        guard let host = components.host, !host.isEmpty else { return nil }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: username, password: password,
            database: database.isEmpty ? nil : database, tls: .disable)
    }

    public func run() async throws {
        let waiters = runState.withLock { state in
            state.running = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        // The client marks itself running before its first suspension, so a waiter resumed here
        // almost always finds it running; rarely (seen once in about ten starts, the process on
        // one core) the waiter's first lease still comes first and PostgresNIO logs its warning,
        // harmlessly: the lease waits for the pool.
        await client.run()
    }

    /// Returns once `run` has started, so that a short command's first query does not, as a
    /// rule, make the client warn that it is not running (it would only wait for it).
    public func untilRunning() async {
        await withCheckedContinuation { continuation in
            let now = runState.withLock { state in
                if state.running { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    public func migrate(_ migrations: [Migration]) async throws {
        // Batched writes inline their values as standard SQL literals (see `doBlock`), which
        // are only unambiguous with standard_conforming_strings on (PostgreSQL's default).
        let setting = try await query("SHOW standard_conforming_strings").first?.text("standard_conforming_strings")
        guard setting == "on" else {
            throw StoreError.database("ParkGate needs standard_conforming_strings = on (it is \(setting ?? "unknown"))")
        }
        try await client.withTransaction(logger: logger) { connection in
            // One migrator at a time across nodes.
            try await Self.execute("SELECT pg_advisory_xact_lock(7261001)", on: connection, logger: logger)
            try await Self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)",
                on: connection, logger: logger
            )
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in migrations where !applied.contains(migration.name) {
                for sql in migration.statements(.postgres) {
                    try await Self.execute(PostgresQuery(unsafeSQL: sql), on: connection, logger: logger)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await Self.execute(
                    "INSERT INTO schema_migrations (name, applied_ms) VALUES (\(migration.name), \(now))",
                    on: connection, logger: logger
                )
            }
        }
        var types: [String: [String: String]] = [:]
        for row in try await query(
            """
            SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            """)
        {
            if let table = row.text("t"), let column = row.text("c"), let type = row.text("type") { types[table, default: [:]][column] = type }
        }
        let columnTypes = ColumnTypes(types)
        schemaTypes.withLock { $0 = columnTypes }
    }

    public func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        do {
            return try await withConnection { connection in try await connection.withTransaction(logger: logger) { connection in
                var changes: [Int] = []
                for statement in statements {
                    let result: PostgresQueryResult = try await connection.query(statement.postgresQuery, logger: logger).get()
                    changes.append(result.metadata.rows ?? result.rows.count)
                }
                return changes
            } }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A pooled connection, with its event loop as the task's preferred executor while `body`
    /// runs: the queries, their answers and the code between them stay on that one thread instead
    /// of hopping between Swift's global executor and the loop at every statement (which halved
    /// the server's context switches; measured +10% acknowledged T/CPMI requests per CPU-second
    /// at 64 connections, see docs/protocols/t-cpmi.md).
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) { try await body(connection) }
        }
    }

    /// Integrity violations (SQLSTATE class 23) are conflicts and other server errors database
    /// errors, whether thrown directly or wrapped by `withTransaction`.
    static func storeError(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        var inner: (any Error)? = error
        if let wrapped = error as? PostgresTransactionError {
            inner = wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError
        }
        if let server = inner as? PSQLError {
            return server.serverInfo?[.sqlState]?.hasPrefix("23") == true
                ? StoreError.conflict(String(reflecting: server)) : StoreError.database(String(reflecting: server))
        }
        // Our own errors (and cancellation) from inside the transaction pass through unwrapped.
        return inner ?? error
    }

    public func query(_ statement: SQLStatement) async throws -> [SQLRow] {
        do {
            return try await Self.rows(try await client.query(statement.postgresQuery, logger: logger))
        } catch let error as PSQLError {
            throw StoreError.database(String(reflecting: error))
        }
    }

    /// Reads, then writes. At READ COMMITTED (PostgreSQL's default, which the store assumes)
    /// every statement takes its own snapshot whether or not it is inside a transaction, so the
    /// reads need none: they go first, as one statement (`PostgresCombinedReads`); a plan of one
    /// statement (`SQLStatement.folded`) is atomic on its own, and only several statements get a
    /// transaction. Round trips are what this saves: each costs the server and PostgreSQL about
    /// 0.14 ms of CPU, and a batch's plain `BEGIN`, reads, writes and `COMMIT` were eight or more.
    public func readModifyWrite<T: Sendable>(
        reads: [SQLStatement], _ plan: @Sendable ([[SQLRow]]) throws -> (writes: [SQLStatement], result: T)
    ) async throws -> T {
        do {
            return try await withConnection { connection in
                var rows: [[SQLRow]] = []
                if reads.count > 1 {
                    let combined = PostgresCombinedReads.statement(reads)
                    rows = try PostgresCombinedReads.split(try await Self.rows(combined, on: connection, logger: logger), reads: reads.count)
                } else {
                    for statement in reads { rows.append(try await Self.rows(statement, on: connection, logger: logger)) }
                }
                let (writes, result) = try plan(rows)
                switch writes.count {
                case 0:
                    break
                case 1:
                    try await Self.execute(writes[0], on: connection, logger: logger)
                default:
                    try await connection.withTransaction(logger: logger) { connection in
                        if writes.count <= Self.separateWrites {
                            // Few (merged) statements: each with its parameters, no literal inlining, no PL/pgSQL.
                            for statement in writes { try await Self.execute(statement, on: connection, logger: logger) }
                        } else {
                            // Many: one round trip for the whole batch's writes instead of one per statement.
                            try await Self.execute(PostgresQuery(unsafeSQL: SQLStatement.doBlock(writes)), on: connection, logger: logger)
                        }
                    }
                }
                return result
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs a statement to its end. PostgresNIO's `query` returns as soon as a statement that
    /// yields rows has described them, before it has run: an error during execution (a unique
    /// violation in a folded CTE statement, whose `SELECT 1` yields a row) reaches only whoever
    /// reads the rows. Unread, the batch would have been answered as stored when it was not.
    static func execute(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query(query, logger: logger) {}
    }

    /// Runs a write to its end, prepared by name when it is marked so.
    static func execute(_ statement: SQLStatement, on connection: PostgresConnection, logger: Logger) async throws {
        if statement.prepared {
            try await NamedStatement.execute(statement.postgresQuery, on: connection, logger: logger)
        } else {
            try await execute(statement.postgresQuery, on: connection, logger: logger)
        }
    }

    /// Up to this many writes go as separate statements; more go as one `DO` block.
    static let separateWrites = 8

    /// A read's rows, prepared by name when it is marked so.
    static func rows(_ statement: SQLStatement, on connection: PostgresConnection, logger: Logger) async throws -> [SQLRow] {
        if statement.prepared {
            var result: [SQLRow] = []
            for try await row in try await NamedStatement.rows(statement.postgresQuery, on: connection, logger: logger) {
                result.append(SQLRow(row))
            }
            return result
        }
        return try await rows(try await connection.query(statement.postgresQuery, logger: logger))
    }

    static func rows(_ sequence: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in sequence {
            result.append(SQLRow(row))
        }
        return result
    }

    /// Analyses the schema's tables that hold more than twice the rows the planner last counted
    /// (and at least `minimumRows`); returns their names. Updates alone never trigger it.
    ///
    /// Autovacuum analyses a table once 10% of it has changed, but looks only every
    /// `autovacuum_naptime` (60 s by default): a new deployment's tables go from empty to
    /// thousands of rows well before that, and until then the planner, which still believes
    /// them empty, reads the berths and open sessions by scanning them whole (measured: the
    /// roadside ingest's reads 5-10 times slower, the whole ingest 30-40% dearer in CPU). Run
    /// every few seconds, this analyses a growing table about log2(rows) times, and afterwards
    /// leaves it to autovacuum.
    @discardableResult
    public func refreshStatistics(minimumRows: Int = 1_000) async throws -> [String] {
        let stale = try await query(SQLStatement(
            """
            SELECT s.relname AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = current_schema() AND s.n_live_tup >= ? AND s.n_live_tup > 2 * GREATEST(c.reltuples, 0)
            ORDER BY s.relname
            """,
            [.int(Int64(minimumRows))]
        )).compactMap { $0.text("name") }
        for table in stale {
            _ = try await query(SQLStatement("ANALYZE \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"", []))
        }
        return stale
    }

    public func close() async throws {}
}

extension SQLStatement {
    /// `?` placeholders become `$1…$n`; the store's SQL never has `?` inside literals.
    var postgresQuery: PostgresQuery {
        // Byte by byte: `?` is ASCII and never part of a multi-byte character.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.sql.utf8.count + binds.count * 4)
        var index = 0
        for byte in self.sql.utf8 {
            if byte == UInt8(ascii: "?") {
                index += 1
                bytes.append(UInt8(ascii: "$"))
                bytes.append(contentsOf: String(index).utf8)
            } else {
                bytes.append(byte)
            }
        }
        let sql = String(decoding: bytes, as: UTF8.self)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .null: bindings.appendNull()
            case .int(let int): bindings.append(int)
            case .double(let double): bindings.append(double)
            case .text(let text): bindings.append(text)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

extension SQLStatement {
    /// The statements as one `DO` block with their values inlined as literals: text quoted
    /// with `'` doubled (standard_conforming_strings is checked at start), integers and
    /// doubles in their canonical form, NULL. The block's dollar-quote tag is chosen so it
    /// does not occur in the body.
    static func doBlock(_ statements: [SQLStatement]) -> String {
        var body = ""
        for statement in statements {
            body += statement.inlined
            body += ";\n"
        }
        var tag = "pg"
        while body.contains("$\(tag)$") { tag += String(Int.random(in: 0...9)) }
        return "DO $\(tag)$ BEGIN\n\(body)END $\(tag)$"
    }

    var inlined: String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + binds.count * 16)
        var values = binds.makeIterator()
        for character in sql {
            guard character == "?" else {
                out.append(character)
                continue
            }
            switch values.next() ?? .null {
            case .null: out += "NULL"
            case .int(let int): out += String(int)
            case .double(let double): out += double.isFinite ? "\(double)" : "NULL"
            case .text(let text):
                out += "'"
                out += text.contains("'") ? text.replacingOccurrences(of: "'", with: "''") : text
                out += "'"
            }
        }
        return out
    }
}

extension SQLRow {
    init(_ row: PostgresRow) {
        var values: [String: SQLValue] = [:]
        // Unquoted identifiers come back lower-case already.
        for cell in row { values[cell.columnName] = SQLValue(cell: cell) }
        self.init(values: values)
    }
}

extension SQLValue {
    init(cell: PostgresCell) {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8:
            self = (try? cell.decode(Int64.self)).map(SQLValue.int) ?? .null
        case .float4, .float8, .numeric:
            self = (try? cell.decode(Double.self)).map(SQLValue.double) ?? .null
        case .bool:
            self = .int((try? cell.decode(Bool.self)) == true ? 1 : 0)
        default:
            self = (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
        }
    }
}

/// A NIO event loop as a task executor: a task preferring it runs its nonisolated async code on
/// the loop's thread (NIO 2.101's loops are serial executors for actors, not task executors).
final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
