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
}
