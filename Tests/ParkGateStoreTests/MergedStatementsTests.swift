@testable import ParkGateStore
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

/// PostgreSQL's form of a batch's inserts: each column bound as one array, the text the same
/// whatever the number of rows, so that it can be prepared once.
@Suite struct ArrayInsertTests {
    let types: ColumnTypes = ["t": ["a": "bigint", "b": "text", "c": "integer", "d": "double precision"]]

    @Test func aStagesInsertsBecomeOneInsertOfArrays() throws {
        let insert = "INSERT INTO t (a, b, c, d)\nVALUES (?, ?, 0, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b"
        let merged = SQLStatement.merged(
            [[SQLStatement(insert, [.int(1), .text(#"say "hi", \ {x}"#), .double(2.5)])], [SQLStatement(insert, [.int(-2), .null, .int(3)])],
             [SQLStatement(insert, [.int(3), .text("NULL"), .null])]],
            columnTypes: types)
        #expect(merged.count == 1)
        #expect(merged[0].sql == """
            INSERT INTO t (a, b, c, d)\nSELECT u.c0, u.c1, 0::integer, u.c2 FROM unnest(?::bigint[], ?::text[], ?::double precision[]) \
            AS u(c0, c1, c2) WHERE true ON CONFLICT (a) DO UPDATE SET b = excluded.b
            """)
        #expect(merged[0].binds == [.text("{1,-2,3}"), .text(#"{"say \"hi\", \\ {x}",NULL,"NULL"}"#), .text("{2.5,3,NULL}")])
        #expect(merged[0].prepared)
        // One row gives the same text.
        #expect(SQLStatement.merged([[SQLStatement(insert, [.int(1), .text("x"), .null])]], columnTypes: types)[0].sql == merged[0].sql)
    }

    @Test func whatArraysCannotCarryStaysMultiRow() {
        func merged(_ sql: String, _ binds: [SQLValue]) -> SQLStatement {
            SQLStatement.merged([[SQLStatement(sql, binds)], [SQLStatement(sql, binds)]], columnTypes: types)[0]
        }
        // A column the schema does not have, an expression, a double for an integer or text column
        // (PostgreSQL would round or print it its own way when bound alone).
        #expect(!merged("INSERT INTO t (a, z) VALUES (?, ?)", [.int(1), .int(2)]).prepared)
        #expect(!merged("INSERT INTO t (a, b) VALUES (?, now())", [.int(1)]).prepared)
        #expect(!merged("INSERT INTO t (a, c) VALUES (?, ?)", [.int(1), .double(1.5)]).prepared)
        #expect(!merged("INSERT INTO t (a, b) VALUES (?, ?)", [.int(1), .double(1.5)]).prepared)
        #expect(!merged("INSERT INTO u (a) VALUES (?)", [.int(1)]).prepared)
        #expect(merged("INSERT INTO u (a) VALUES (?)", [.int(1)]).sql == "INSERT INTO u (a) VALUES (?), (?)")
        // SQLite (no column types): multi-row as before.
        #expect(!SQLStatement.merged([[SQLStatement("INSERT INTO t (a) VALUES (?)", [.int(1)])]])[0].prepared)
    }

    @Test func statementsWithADeclaredFormBecomeOneStatementOfArrays() {
        let update = "UPDATE t SET b = ? WHERE a = ?"
        let form = ArrayInsertForm(
            sql: "UPDATE t SET b = u.c0 FROM unnest(?::text[], ?::bigint[]) AS u(c0, c1) WHERE t.a = u.c1", types: ["text", "bigint"])
        func close(_ a: Int64, _ b: String?) -> SQLStatement {
            var statement = SQLStatement(update, [SQLValue(b), .int(a)])
            statement.arrayForm = form
            return statement
        }
        let merged = SQLStatement.merged([[close(1, "x")], [close(2, nil)], [close(3, "z")]], columnTypes: types)
        #expect(merged.count == 1)
        #expect(merged[0].sql == form.sql && merged[0].binds == [.text(#"{"x",NULL,"z"}"#), .text("{1,2,3}")])
        #expect(merged[0].prepared && merged[0].fromArrays)
        // A value the arrays cannot carry as PostgreSQL would convert it alone: each statement as it was.
        var odd = close(4, nil)
        odd.binds = [.double(1.5), .int(4)]
        let apart = SQLStatement.merged([[close(1, "x")], [odd]], columnTypes: types)
        #expect(apart.map(\.sql) == [update, update] && apart.map(\.binds) == [[.text("x"), .int(1)], [.double(1.5), .int(4)]])
        // SQLite (no column types): as they are.
        #expect(SQLStatement.merged([[close(1, "x")], [close(2, "y")]]).map(\.sql) == [update, update])
    }

    @Test func statementsOfArraysFoldIntoOnePreparedStatement() throws {
        let insert = "INSERT INTO t (a, b) VALUES (?, ?)"
        let merged = SQLStatement.merged([[SQLStatement(insert, [.int(1), .text("x")])], [SQLStatement(insert, [.int(2), .text("y")])]],
                                         columnTypes: types)
        var update = SQLStatement("UPDATE t SET b = u.c0 FROM unnest(?::text[]) AS u(c0) WHERE t.b = u.c0", [.text("{}")])
        update.prepared = true
        update.fromArrays = true
        let folded = try #require(SQLStatement.folded(merged + [update]))
        #expect(folded.sql.hasPrefix("WITH w0 AS (INSERT INTO t (a, b) SELECT u.c0, u.c1 FROM unnest("))
        #expect(folded.prepared)
        // A part of its own text makes the whole a text of its own: not prepared.
        #expect(SQLStatement.folded(merged + [SQLStatement("UPDATE t SET b = ? WHERE a = ?", [.null, .int(1)])])?.prepared == false)
        // An insert whose select reads a table still does not fold.
        var reading = SQLStatement("INSERT INTO t (a, b) SELECT a, b FROM v", [])
        reading.prepared = true
        #expect(SQLStatement.folded(merged + [reading]) == nil)
    }
}
