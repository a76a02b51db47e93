import Foundation
import GRDB
import GRDBSQLite

/// SQLite through GRDB: a WAL `DatabasePool`, one writer, concurrent readers.
public final class SQLiteDatabase: SQLDatabase {
    public enum Synchronous: String, Sendable, CaseIterable {
        case normal = "NORMAL", full = "FULL"
    }

    public let dialect = SQLDialect.sqlite
    let pool: DatabasePool
    let path: String

    public init(path: String, synchronous: Synchronous = .full) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Checkpoints run in the background (`runCheckpoints`), not after a commit that
            // requests are waiting on; this large limit is only a safety net for the WAL's size.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 20000")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB switches the writer connection to WAL after `prepareDatabase` and sets
            // `synchronous = NORMAL` as it does ("many applications choose NORMAL when in WAL
            // mode"): without setting it again here, FULL was never in force and a commit was
            // not synced to disk before its requests were answered.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            }
        } catch {
            throw StoreError.database("cannot open \(path): \(error)")
        }
    }

    /// The writer connection's `synchronous` setting as SQLite reports it (`FULL`, `NORMAL` …).
    public func writerSynchronous() async throws -> String {
        let level = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        return [0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"][level] ?? "\(level)"
    }

    public func migrate(_ migrations: [Migration]) async throws {
        nonisolated(unsafe) var migrator = DatabaseMigrator()
        for migration in migrations {
            let statements = migration.statements(.sqlite)
            migrator.registerMigration(migration.name) { db in
                for sql in statements { try db.execute(sql: sql) }
            }
        }
        let pool = self.pool
        // GRDB's migrator is synchronous and waits on a barrier for the pool's readers: keep
        // that wait off Swift's cooperative threads, which those readers may need to finish.
        try await Self.onOwnThread { try migrator.migrate(pool) }
    }

    /// Copies the WAL back into the database every `interval` from a connection of its own
    /// (PASSIVE: it never blocks the writer), until the task is cancelled. Without it the
    /// commit that crosses the auto-checkpoint limit does the copy while its requests wait.
    public func runCheckpoints(every interval: Duration = .milliseconds(100)) async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            try? await Self.onOwnThread { try connection.writeWithoutTransaction { _ = try $0.checkpoint(.passive) } }
        }
    }

    static func onOwnThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    public func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        do {
            return try await pool.write { db in
                var changes: [Int] = []
                changes.reserveCapacity(statements.count)
                for statement in statements {
                    try Self.run(statement, db)
                    changes.append(db.changesCount)
                }
                return changes
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_CONSTRAINT { throw StoreError.conflict(error.description) }
            throw StoreError.database(error.description)
        }
    }

    public func readModifyWrite<T: Sendable>(
        reads: [SQLStatement], _ plan: @Sendable ([[SQLRow]]) throws -> (writes: [SQLStatement], result: T)
    ) async throws -> T {
        do {
            return try await pool.write { db in
                let rows = try reads.map { try Self.fetch($0, db) }
                let (writes, result) = try plan(rows)
                for statement in writes { try Self.run(statement, db) }
                return result
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_CONSTRAINT { throw StoreError.conflict(error.description) }
            throw StoreError.database(error.description)
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds and steps a cached statement with SQLite's C API: GRDB's `StatementArguments`
    /// (existential values, generic metadata lookups) cost more than the statement itself on
    /// the ingest path.
    static func run(_ statement: SQLStatement, _ db: Database) throws {
        let handle = try bind(statement, db)
        var result = sqlite3_step(handle)
        while result == SQLITE_ROW { result = sqlite3_step(handle) }
        guard result == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            if result & 0xff == SQLITE_CONSTRAINT { throw StoreError.conflict(message) }
            throw StoreError.database(message)
        }
        sqlite3_reset(handle)
    }

    /// The cached statement for `statement.sql`, reset, with its values bound.
    private static func bind(_ statement: SQLStatement, _ db: Database) throws -> OpaquePointer {
        let handle = try db.cachedStatement(sql: statement.sql).sqliteStatement
        sqlite3_reset(handle)
        for (index, value) in statement.binds.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, position)
            case .int(let int): code = sqlite3_bind_int64(handle, position, int)
            case .double(let double): code = sqlite3_bind_double(handle, position, double)
            case .text(let text):
                code = text.withCString { sqlite3_bind_text(handle, position, $0, Int32(text.utf8.count), transient) }
            }
            guard code == SQLITE_OK else { throw StoreError.database(String(cString: sqlite3_errmsg(db.sqliteConnection))) }
        }
        return handle
    }

    /// Steps a cached statement with SQLite's C API and returns its rows (column names lower-cased).
    static func fetch(_ statement: SQLStatement, _ db: Database) throws -> [SQLRow] {
        let handle = try bind(statement, db)
        defer { sqlite3_reset(handle) }
        let columns = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)).lowercased() }
        var rows: [SQLRow] = []
        var result = sqlite3_step(handle)
        while result == SQLITE_ROW {
            var values: [String: SQLValue] = Dictionary(minimumCapacity: columns.count)
            for (index, column) in columns.enumerated() {
                let position = Int32(index)
                switch sqlite3_column_type(handle, position) {
                case SQLITE_NULL: values[column] = .null
                case SQLITE_INTEGER: values[column] = .int(sqlite3_column_int64(handle, position))
                case SQLITE_FLOAT: values[column] = .double(sqlite3_column_double(handle, position))
                default:
                    // Text, and blobs read as UTF-8 text as before (the pointer first, then its length).
                    if let bytes = sqlite3_column_blob(handle, position) {
                        let count = Int(sqlite3_column_bytes(handle, position))
                        values[column] = .text(String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self))
                    } else {
                        values[column] = .text("")
                    }
                }
            }
            rows.append(SQLRow(values: values))
            result = sqlite3_step(handle)
        }
        guard result == SQLITE_DONE else { throw StoreError.database(String(cString: sqlite3_errmsg(db.sqliteConnection))) }
        return rows
    }

    public func query(_ statement: SQLStatement) async throws -> [SQLRow] {
        do {
            return try await pool.read { db in try Self.fetch(statement, db) }
        } catch let error as DatabaseError {
            throw StoreError.database(error.description)
        }
    }

    public func close() async throws {
        try pool.close()
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .int(let int): int.databaseValue
        case .double(let double): double.databaseValue
        case .text(let text): text.databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let int): self = .int(int)
        case .double(let double): self = .double(double)
        case .string(let string): self = .text(string)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
