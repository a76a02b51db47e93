import Foundation
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// A new deployment's tables fill faster than autovacuum looks at them; `refreshStatistics`
/// gives the planner their real size so the ingest's reads use their indexes.
@Suite struct PostgresStatisticsTests {
    @Test func growingTablesAreAnalysedOnceTheyDouble() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await TestDatabases.withPostgres { database in
            let store = SQLStore(database: database, logger: TestDatabases.logger)
            try await store.migrate()
            // 1,500 berths, devices and messages.
            for start in stride(from: 0, to: 1_500, by: 250) {
                let batch = (start..<start + 250).map { index in
                    StoreContractTests.command(
                        String(format: "1093%016d", index), kind: .occupancy(occupied: true), ps: "P\(index)", dev: "D\(index)")
                }
                _ = try await store.ingest(batch)
            }
            #expect(try await database.refreshStatistics(minimumRows: 10_000).isEmpty)
            // The backends report their counts to the statistics system within a few seconds.
            var analysed: [String] = []
            let deadline = Date().addingTimeInterval(30)
            while !analysed.contains("berths"), Date() < deadline {
                analysed += try await database.refreshStatistics()
                if !analysed.contains("berths") { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(Set(["berths", "devices", "events", "raw_messages"]).isSubset(of: Set(analysed)), "\(analysed)")
            let counted = try await database.query("SELECT reltuples FROM pg_class WHERE relname = 'berths'").first?.int("reltuples")
            #expect(counted == 1_500)
            let plan = try await database.query("EXPLAIN SELECT * FROM berths WHERE ps_code IN ('P1', 'P2', 'P3')")
                .compactMap { $0.text("QUERY PLAN") ?? $0.text("query plan") }.joined(separator: "\n")
            #expect(plan.contains("berths_ps"), "\(plan)")

            // Updates alone (the same berths and devices reported again) never trigger it.
            let again = (0..<500).map { index in
                StoreContractTests.command(
                    String(format: "1093%016d", 10_000 + index), kind: .occupancy(occupied: false), ps: "P\(index)", dev: "D\(index)")
            }
            _ = try await store.ingest(again)
            try await Task.sleep(for: .seconds(2))
            let after = try await database.refreshStatistics()
            #expect(!after.contains("berths") && !after.contains("devices"), "\(after)")
        }
    }
}
