import ParkGateStore
import Testing

/// How a batch's writes are combined for PostgreSQL: each command's statements keep their
/// order, equal inserts of the same stage become one multi-row insert, the rest is untouched.
@Suite struct MergedStatementsTests {
    @Test func insertsOfAStageBecomeOneMultiRowInsert() {
        let insert = "INSERT INTO t (a, b, c) VALUES (?, ?, 0) ON CONFLICT (a) DO UPDATE SET b = excluded.b"
        let commands: [[SQLStatement]] = [
            [SQLStatement(insert, [.int(1), .text("x")]), SQLStatement("UPDATE u SET n = n + 1 WHERE id = ?", [.int(1)])],
            [SQLStatement(insert, [.int(2), .text("y")]), SQLStatement("INSERT INTO v (id) VALUES (?)", [.int(2)])],
            [SQLStatement(insert, [.int(3), .text("z")])],
        ]
        let merged = SQLStatement.merged(commands)
        #expect(merged.map(\.sql) == [
            "INSERT INTO t (a, b, c) VALUES (?, ?, 0), (?, ?, 0), (?, ?, 0) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
            "UPDATE u SET n = n + 1 WHERE id = ?",
            "INSERT INTO v (id) VALUES (?)",
        ])
        #expect(merged[0].binds == [.int(1), .text("x"), .int(2), .text("y"), .int(3), .text("z")])
        #expect(merged[1].binds == [.int(1)] && merged[2].binds == [.int(2)])
    }

    @Test func rowsWithParenthesesAndOtherStatementsStayAlone() {
        let call = "INSERT INTO t (a, b) VALUES (?, lower(?))"
        let merged = SQLStatement.merged([[SQLStatement(call, [.int(1), .text("A")])], [SQLStatement(call, [.int(2), .text("B")])]])
        #expect(merged.count == 2 && merged.allSatisfy { $0.sql == call })
        #expect(SQLStatement.merged([]).isEmpty)
    }

    @Test func independentWritesFoldIntoOneStatement() {
        let insert = SQLStatement("INSERT INTO t (a) VALUES (?), (?)", [.int(1), .int(2)])
        let update = SQLStatement("UPDATE u SET n = ? WHERE id = ?", [.int(3), .int(4)])
        let folded = SQLStatement.folded([insert, update])
        #expect(folded?.sql == "WITH w0 AS (INSERT INTO t (a) VALUES (?), (?)),\nw1 AS (UPDATE u SET n = ? WHERE id = ?)\nSELECT 1")
        #expect(folded?.binds == [.int(1), .int(2), .int(3), .int(4)])
        // Not when a part reads a table (it would not see its siblings' rows), returns rows, or is alone.
        #expect(SQLStatement.folded([insert, SQLStatement("INSERT INTO a (x) VALUES ((SELECT max(id) FROM t))", [])]) == nil)
        #expect(SQLStatement.folded([insert, SQLStatement("DELETE FROM t WHERE a = ? RETURNING a", [.int(1)])]) == nil)
        #expect(SQLStatement.folded([SQLStatement("SELECT 1", []), insert]) == nil)
        #expect(SQLStatement.folded([insert]) == nil)
        // PostgreSQL takes at most 65,535 parameters in a statement.
        let wide = SQLStatement("INSERT INTO t (a) VALUES (?)", Array(repeating: .int(0), count: 40_000))
        #expect(SQLStatement.folded([wide, wide]) == nil)
    }
}
