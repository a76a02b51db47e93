import Foundation
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// How the store reaches PostgreSQL: TCP, or the server's Unix-domain socket named the way libpq
/// names it; and batches whose statements run on the connection's own event loop.
@Suite struct PostgresConnectionTests {
    @Test func aSocketDirectoryAsHostConnectsOverTheUnixSocket() async throws {
        guard Backend.available.contains(.postgres) else { return }
        let tcp = try await TestDatabases.freshPostgresDatabase()
        var components = URLComponents(string: tcp)!
        let name = String(components.path.dropFirst()), port = components.port ?? 5432
        // Where the test cluster keeps its socket (none when it is on another machine).
        let directories = try await TestDatabases.withDatabase(url: tcp) { database in
            try await database.query("SELECT current_setting('unix_socket_directories') AS d").first?.text("d") ?? ""
        }
        guard let directory = directories.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { FileManager.default.fileExists(atPath: $0 + "/.s.PGSQL.\(port)") })
        else { return }
        components.host = nil
        let forms = [
            "postgres://\(components.user ?? "postgres")@:\(port)/\(name)?host=\(directory)",
            "postgresql://\(components.user ?? "postgres")@\(directory.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!):\(port)/\(name)",
        ]
        for url in forms {
            let (peer, database) = try await TestDatabases.withDatabase(url: url) { database in
                let row = try await database.query(
                    "SELECT COALESCE(host(client_addr), 'socket') AS peer, current_database() AS db FROM pg_stat_activity WHERE pid = pg_backend_pid()"
                ).first
                return (row?.text("peer"), row?.text("db"))
            }
            #expect(peer == "socket", "\(url)")
            #expect(database == name, "\(url)")
        }
        #expect(throws: StoreError.self) { try PostgresDatabase(url: "postgres:///\(name)", logger: TestDatabases.logger) }
    }

    /// Reads, plan and writes of one batch run on the connection's event loop (a task executor);
    /// concurrent batches on several connections and a failing one behave as before.
    @Test func concurrentBatchesOnTheConnectionLoops() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await TestDatabases.withPostgres { database in
            _ = try await database.transaction([SQLStatement("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)", [])])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for step in 0..<25 {
                            let key = Int64(worker * 1_000 + step)
                            let seen: Int = try await database.readModifyWrite(
                                reads: [SQLStatement("SELECT count(*) AS n FROM t WHERE k = ?", [.int(key)]), SQLStatement("SELECT 1 AS one", [])]
                            ) { rows in
                                ([SQLStatement("INSERT INTO t (k, v) VALUES (?, ?)", [.int(key), .text("w\(worker)")]),
                                  SQLStatement("UPDATE t SET v = v || '!' WHERE k = ?", [.int(key)])], Int(rows[0].first?.int("n") ?? -1))
                            }
                            #expect(seen == 0)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await database.query("SELECT count(*) AS n FROM t WHERE v LIKE '%!'").first?.int("n") == 200)
            // A conflict inside the transaction rolls the whole batch back and surfaces as one.
            await #expect(throws: StoreError.self) {
                _ = try await database.transaction([
                    SQLStatement("INSERT INTO t (k, v) VALUES (-1, 'x')", []), SQLStatement("INSERT INTO t (k, v) VALUES (0, 'dup')", []),
                ])
            }
            #expect(try await database.query("SELECT count(*) AS n FROM t WHERE k = -1").first?.int("n") == 0)
        }
    }

    /// A write that fails while it runs is an error, also when the statement yields rows (a
    /// folded statement of data-modifying CTEs ends in `SELECT 1`): PostgresNIO hands such a
    /// statement's rows over before it has run, and its error only to whoever reads them.
    @Test func aFoldedWriteThatFailsIsNotReportedAsDone() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await TestDatabases.withPostgres { database in
            _ = try await database.transaction([
                SQLStatement("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)", []), SQLStatement("INSERT INTO t (k, v) VALUES (1, 'one')", []),
            ])
            let folded = try #require(SQLStatement.folded([
                SQLStatement("INSERT INTO t (k, v) VALUES (?, ?)", [.int(2), .text("two")]),
                SQLStatement("INSERT INTO t (k, v) VALUES (?, ?)", [.int(1), .text("one again")]),
            ]))
            await #expect(throws: StoreError.self) {
                _ = try await database.readModifyWrite(reads: [SQLStatement("SELECT 1 AS one", [])]) { _ in ([folded], true) }
            }
            #expect(try await database.query("SELECT count(*) AS n FROM t").first?.int("n") == 1, "nothing of the failed statement stayed")
        }
    }

    /// Inserts of arrays, prepared by name, in PostgreSQL: every value arrives as it was bound
    /// (quotes, backslashes, braces, the text "NULL", NULL, Chinese), whatever the number of rows,
    /// also after the statement has gone generic (the sixth execution on a connection); an upsert
    /// updates; a failing one is an error and leaves nothing.
    @Test func insertsOfArraysArriveAsBound() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await TestDatabases.withPostgres { database in
            try await database.migrate([Migration(name: "t") { _ in
                ["CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT, n INTEGER NOT NULL, x DOUBLE PRECISION)"]
            }])
            let types = try #require(database.columnTypes)
            #expect(types["t"] == ["k": "bigint", "v": "text", "n": "integer", "x": "double precision"])
            let insert = "INSERT INTO t (k, v, n, x) VALUES (?, ?, 7, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
            let texts: [SQLValue] = [.text(#"it's "quoted" \ {a,b}"#), .text("NULL"), .null, .text(""), .text("京A12345 停车场"), .text(",}")]
            var expected: [Int64: SQLValue] = [:]
            var next: Int64 = 1
            for round in 0..<8 {
                let rows = (0...(round % 4)).map { offset -> [SQLStatement] in
                    defer { next += 1 }
                    let value = texts[Int(next) % texts.count]
                    expected[next] = value
                    return [SQLStatement(insert, [.int(next), value, offset == 0 ? .null : .double(Double(next) / 4)])]
                }
                let statements = SQLStatement.merged(rows, columnTypes: types)
                #expect(statements.count == 1 && statements[0].prepared)
                _ = try await database.readModifyWrite(reads: []) { _ in (statements, true) }
            }
            let stored = try await database.query("SELECT k, v, n FROM t ORDER BY k")
            #expect(stored.count == expected.count)
            for row in stored {
                let key = try #require(row.int("k"))
                #expect(row.values["v"] == expected[key], "row \(key)")
                #expect(row.int("n") == 7)
            }
            // An upsert through the same prepared text updates.
            let again = SQLStatement.merged([[SQLStatement(insert, [.int(1), .text("updated"), .null])]], columnTypes: types)
            _ = try await database.readModifyWrite(reads: []) { _ in (again, true) }
            #expect(try await database.query("SELECT v FROM t WHERE k = 1").first?.text("v") == "updated")
            // A failing prepared insert (NULL into NOT NULL) is an error, and none of its rows stays.
            let failing = SQLStatement.merged(
                [[SQLStatement("INSERT INTO t (k, v, n) VALUES (?, ?, ?)", [.int(100), .text("a"), .int(1)])],
                 [SQLStatement("INSERT INTO t (k, v, n) VALUES (?, ?, ?)", [.int(101), .text("b"), .null])]],
                columnTypes: types)
            #expect(failing.count == 1 && failing[0].prepared)
            await #expect(throws: StoreError.self) {
                _ = try await database.readModifyWrite(reads: []) { _ in (failing, true) }
            }
            #expect(try await database.query("SELECT count(*) AS n FROM t WHERE k >= 100").first?.int("n") == 0)
        }
    }
}
