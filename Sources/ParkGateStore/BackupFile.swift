import Foundation
import GRDB

/// A backup: one SQLite file holding every table of the schema, the blobs (base64), and
/// `backup_meta` (format, source, migrations, row counts). The same file for both databases,
/// readable with any SQLite tool.
public final class BackupFile: Sendable {
    public static let format = "parkgate-backup/1"
    let queue: DatabaseQueue
    public let path: String

    /// Tables that are not data: the migrators' own and the backup's.
    static let bookkeeping: Set<String> = ["grdb_migrations", "schema_migrations", "backup_meta", "backup_blobs"]

    /// Opens an existing backup (read-only unless `writable`).
    public init(path: String, writable: Bool = false) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.database("no backup file at \(path)") }
        var configuration = Configuration()
        configuration.readonly = !writable
        self.path = path
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// A new, empty backup with ParkGate's schema.
    public static func create(path: String, migrations: [Migration]) throws -> BackupFile {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.database("\(path) exists; choose a new file") }
        let file = try BackupFile(creating: path)
        try file.queue.write { db in try db.execute(sql: "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)") }
        try file.upgrade(with: migrations)
        return file
    }

    private init(creating path: String) throws {
        self.path = path
        queue = try DatabaseQueue(path: path)
    }

    /// Adds the bookkeeping tables to a file made by `VACUUM INTO`.
    func prepareBookkeeping() throws {
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS backup_blobs (path TEXT PRIMARY KEY, content TEXT NOT NULL)")
        }
    }

    public func setMeta(_ values: [String: String]) throws {
        try prepareBookkeeping()
        try queue.write { db in
            for (key, value) in values {
                try db.execute(sql: "INSERT OR REPLACE INTO backup_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    public func meta() throws -> [String: String] {
        try queue.read { db in
            guard try db.tableExists("backup_meta") else { return [:] }
            return Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM backup_meta").map { ($0["key"] as String, $0["value"] as String) })
        }
    }

    /// The data tables in the file.
    public func tables() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .filter { !Self.bookkeeping.contains($0) }
        }
    }

    /// The migrations the backup's schema has.
    public func migrations() throws -> [String] {
        try queue.read { db in
            if try db.tableExists("schema_migrations") { return try String.fetchAll(db, sql: "SELECT name FROM schema_migrations ORDER BY name") }
            if try db.tableExists("grdb_migrations") { return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
            return []
        }
    }

    /// Brings the file's schema and data up to date with `missing` (the migrations it lacks, in
    /// order), the way they run on a live SQLite database, so that a backup made by an older
    /// ParkGate restores into the current schema. Use it on a copy: the file changes.
    public func upgrade(with missing: [Migration]) throws {
        try queue.write { db in
            let grdb = try db.tableExists("grdb_migrations") && !(try db.tableExists("schema_migrations"))
            for migration in missing {
                for sql in migration.statements(.sqlite) { try db.execute(sql: sql) }
                try db.execute(
                    sql: grdb ? "INSERT INTO grdb_migrations (identifier) VALUES (?)" : "INSERT INTO schema_migrations (name) VALUES (?)",
                    arguments: [migration.name])
            }
        }
    }

    public func append(table: String, rows: [SQLRow]) throws {
        guard let columns = rows.first.map({ Array($0.values.keys).sorted() }), !columns.isEmpty else { return }
        try queue.write { db in
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
            let statement = try db.makeStatement(sql: sql)
            for row in rows {
                try statement.execute(arguments: StatementArguments(columns.map { (row.values[$0] ?? .null).databaseValue }))
            }
        }
    }

    /// Every row of `table`, `pageSize` at a time, in rowid order.
    public func pages(of table: String, pageSize: Int = 500, _ body: ([SQLRow]) async throws -> Void) async throws {
        var last: Int64 = .min
        while true {
            let after = last
            let (rows, next) = try await queue.read { db -> ([SQLRow], Int64) in
                let fetched = try Row.fetchAll(db, sql: "SELECT rowid AS backup_rowid, * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [after, pageSize])
                let rows = fetched.map { row in
                    var values: [String: SQLValue] = [:]
                    for (column, value) in row where column != "backup_rowid" { values[column.lowercased()] = SQLValue(value) }
                    return SQLRow(values: values)
                }
                return (rows, fetched.last?["backup_rowid"] ?? after)
            }
            if rows.isEmpty { return }
            try await body(rows)
            last = next
        }
    }

    public func count(_ table: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    public func addBlob(path: String, content: Data) throws {
        try prepareBookkeeping()
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO backup_blobs (path, content) VALUES (?, ?)", arguments: [path, content.base64EncodedString()])
        }
    }

    public func blobs(_ body: (String, Data) throws -> Void) throws {
        try queue.read { db in
            guard try db.tableExists("backup_blobs") else { return }
            for row in try Row.fetchAll(db, sql: "SELECT path, content FROM backup_blobs ORDER BY path") {
                try body(row["path"], Data(base64Encoded: row["content"] as String) ?? Data())
            }
        }
    }

    public func close() throws { try queue.close() }
}

extension SQLiteDatabase {
    /// A consistent copy of the whole database into a new file, from a read-only connection of
    /// its own (`VACUUM INTO` reads one snapshot; the writer goes on committing meanwhile).
    public func snapshot(to target: String) async throws {
        let source = path
        try await Self.onOwnThread {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(30)
            let queue = try DatabaseQueue(path: source, configuration: configuration)
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
            try queue.close()
        }
    }
}
