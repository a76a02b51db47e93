import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// The data tables of the current schema.
    public func tableNames() async throws -> [String] {
        try await query(SQLStatement(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )).compactMap { $0.text("table_name") }
    }

    /// Reads `tables` in one REPEATABLE READ, READ ONLY transaction (one snapshot of all of
    /// them while writers go on), `pageSize` rows at a time through server-side cursors.
    public func snapshot(tables: [String], pageSize: Int = 1000, _ page: @Sendable (String, [SQLRow]) async throws -> Void) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                for (index, table) in tables.enumerated() {
                    try await connection.query(PostgresQuery(unsafeSQL: "DECLARE backup_\(index) NO SCROLL CURSOR FOR SELECT * FROM \(table)"), logger: logger)
                    while true {
                        let rows = try await Self.rows(try await connection.query(PostgresQuery(unsafeSQL: "FETCH \(pageSize) FROM backup_\(index)"), logger: logger))
                        if rows.isEmpty { break }
                        try await page(table, rows)
                    }
                    try await connection.query(PostgresQuery(unsafeSQL: "CLOSE backup_\(index)"), logger: logger)
                }
            }
        } catch {
            throw Self.storeError(error)
        }
    }
}
