import Foundation
import ParkGateStore

/// Backup and restore (T/CPMI 6.2.2 数据备份与恢复): a consistent snapshot of the database and
/// the blobs into one file while the platform runs, and its restoration into an empty data
/// directory or database, for SQLite and PostgreSQL alike (and from one to the other).
public enum Backups {
    public struct Summary: Sendable, CustomStringConvertible {
        public var file: String
        public var source: String
        public var tables: [String: Int]
        public var blobs: Int

        public var description: String {
            let rows = tables.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(file): from \(source); \(tables.values.reduce(0, +)) rows (\(rows)); \(blobs) blobs"
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    static func blobDirectory(_ platform: Platform) -> URL {
        URL(fileURLWithPath: platform.config.dataDirectory).appendingPathComponent("blobs")
    }

    /// Call inside `Platform.withReadyStore`.
    public static func backup(_ platform: Platform, to path: String, now: Date = Date()) async throws -> Summary {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) exists; choose a new file") }
        let file: BackupFile
        let source: String
        if let sqlite = platform.store.database as? SQLiteDatabase {
            try await sqlite.snapshot(to: path)
            file = try BackupFile(path: path, writable: true)
            source = "sqlite"
        } else if let postgres = platform.postgres {
            file = try BackupFile.create(path: path, migrations: Schema.migrations)
            let tables = try await postgres.tableNames().filter { !["schema_migrations"].contains($0) }
            try await postgres.snapshot(tables: tables) { table, rows in try file.append(table: table, rows: rows) }
            source = "postgres"
        } else {
            throw Failure(description: "unknown database")
        }
        var blobs = 0
        let directory = blobDirectory(platform)
        if let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let relative = String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count + 1))
                try file.addBlob(path: relative, content: try Data(contentsOf: url))
                blobs += 1
            }
        }
        var counts: [String: Int] = [:]
        for table in try file.tables() { counts[table] = try file.count(table) }
        try file.setMeta([
            "format": BackupFile.format, "created": ISO8601DateFormatter().string(from: now), "source": source,
            "migrations": try file.migrations().joined(separator: ","),
            "counts": String(decoding: try JSONEncoder().encode(counts), as: UTF8.self), "blobs": String(blobs),
        ])
        try file.close()
        return Summary(file: path, source: source, tables: counts, blobs: blobs)
    }

    /// Restores into the platform's database, which must hold nothing yet (a fresh data
    /// directory or database: only table 4.3's vendors, without keys). Call inside
    /// `Platform.withReadyStore`.
    public static func restore(_ platform: Platform, from path: String) async throws -> Summary {
        var file = try BackupFile(path: path)
        let meta = try file.meta()
        guard meta["format"] == BackupFile.format else { throw Failure(description: "\(path) is not a ParkGate backup") }
        let known = Set(Schema.migrations.map(\.name)), had = Set(try file.migrations())
        let newer = had.subtracting(known).sorted()
        guard newer.isEmpty else { throw Failure(description: "the backup comes from a newer ParkGate (migrations \(newer.joined(separator: ", ")))") }
        // A backup from an older ParkGate: a copy of it is migrated first (migrations may move
        // data, as 0023 moved T/CPMI answers), then restored into the current schema.
        let missing = Schema.migrations.filter { !had.contains($0.name) }
        var upgradedCopy: URL?
        defer { if let upgradedCopy { try? FileManager.default.removeItem(at: upgradedCopy.deletingLastPathComponent()) } }
        if !missing.isEmpty {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parkgate-restore-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let copy = directory.appendingPathComponent("backup.sqlite")
            try file.close()
            try FileManager.default.copyItem(atPath: path, toPath: copy.path)
            upgradedCopy = copy
            let writable = try BackupFile(path: copy.path, writable: true)
            try writable.upgrade(with: missing)
            try writable.close()
            file = try BackupFile(path: copy.path)
        }
        let database = platform.store.database
        let tables = try file.tables()
        for table in tables {
            let filter = table == "vendors" ? " WHERE key_hash IS NOT NULL" : ""
            let rows = try await database.query(SQLStatement("SELECT count(*) AS n FROM \(table)\(filter)"))
            guard (rows.first?.int("n") ?? 0) == 0 else {
                throw Failure(description: "the target already holds data (table \(table)); restore into an empty data directory or database")
            }
        }
        try await database.transaction([SQLStatement("DELETE FROM vendors")])
        var counts: [String: Int] = [:]
        for table in tables {
            var count = 0
            try await file.pages(of: table) { rows in
                try await database.transaction([insert(table, rows)])
                count += rows.count
            }
            counts[table] = count
        }
        var blobs = 0
        let directory = blobDirectory(platform)
        try file.blobs { relative, content in
            guard !relative.contains(".."), !relative.hasPrefix("/") else { return }
            let target = directory.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: target)
            blobs += 1
        }
        try file.close()
        return Summary(file: path, source: meta["source"] ?? "?", tables: counts, blobs: blobs)
    }

    static func insert(_ table: String, _ rows: [SQLRow]) -> SQLStatement {
        let columns = Array(rows[0].values.keys).sorted()
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return SQLStatement(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: tuple, count: rows.count).joined(separator: ", "),
            rows.flatMap { row in columns.map { row.values[$0] ?? .null } })
    }
}
