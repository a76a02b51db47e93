import Foundation
import ParkGateStore
import ParkGateTestSupport
import Testing

/// PostgreSQL answers a transaction's several reads in one round trip (`UNION ALL` of
/// `row_to_json`); what each read returns must be what it returns on its own.
@Suite struct PostgresCombinedReadsTests {
    @Test func combinedReadsReturnWhatEachReadReturnsAlone() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await TestDatabases.withPostgres { database in
            let texts = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab", "京A12345 😀", "", "ctrl \u{1} \u{1F}", "'single'"]
            _ = try await database.transaction(
                [SQLStatement("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, ms BIGINT, ratio DOUBLE PRECISION, note TEXT)", [])]
                    + texts.enumerated().map { index, text in
                        SQLStatement("INSERT INTO t (id, name, ms, ratio, note) VALUES (?, ?, ?, ?, ?)",
                                     [.int(Int64(index)), .text(text), .int(1_764_000_000_000 + Int64(index)),
                                      index % 2 == 0 ? .double(Double(index) + 0.25) : .null, index == 3 ? .text("{\"a\":[1,2]}") : .null])
                    })
            let reads = [
                SQLStatement("SELECT id, name, ms, ratio, note FROM t WHERE id IN (?, ?, ?, ?, ?, ?, ?) ORDER BY id", (0..<7).map { .int($0) }),
                SQLStatement("SELECT * FROM t WHERE name = ?", [.text("nothing")]),
                SQLStatement("SELECT count(*) AS n, max(ms) AS latest FROM t", []),
                SQLStatement("SELECT DISTINCT ratio FROM t WHERE ratio IS NOT NULL AND ratio > ? ORDER BY ratio", [.double(1)]),
            ]
            var alone: [[SQLRow]] = []
            for read in reads { alone.append(try await database.query(read)) }
            let combined = try await database.readModifyWrite(reads: reads) { rows in (writes: [SQLStatement](), result: rows) }
            #expect(combined.count == reads.count)
            for (index, (one, other)) in zip(alone, combined).enumerated() {
                #expect(one.map(\.values) == other.map(\.values), "read \(index)")
            }
            #expect(combined[0].compactMap { $0.text("name") } == texts)
            #expect(combined[0][3].text("note") == "{\"a\":[1,2]}")
            #expect(combined[2].first?.int("n") == 7 && combined[2].first?.int("latest") == 1_764_000_000_006)
        }
    }
}
