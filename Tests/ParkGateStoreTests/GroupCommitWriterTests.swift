import Foundation
import Logging
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// A database whose transactions take a while and are counted: makes batching and overload
/// observable without timing assertions.
final class SlowDatabase: SQLDatabase {
    let inner: any SQLDatabase
    let delay: Duration
    let transactions = Mutex(0)
    let failing = Mutex(false)

    init(inner: any SQLDatabase, delay: Duration) {
        self.inner = inner
        self.delay = delay
    }

    var dialect: SQLDialect { inner.dialect }
    func migrate(_ migrations: [Migration]) async throws { try await inner.migrate(migrations) }
    func query(_ statement: SQLStatement) async throws -> [SQLRow] { try await inner.query(statement) }
    func close() async throws { try await inner.close() }

    func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        try await slowDown()
        return try await inner.transaction(statements)
    }

    func readModifyWrite<T: Sendable>(
        reads: [SQLStatement], _ plan: @Sendable ([[SQLRow]]) throws -> (writes: [SQLStatement], result: T)
    ) async throws -> T {
        try await slowDown()
        return try await inner.readModifyWrite(reads: reads, plan)
    }

    private func slowDown() async throws {
        try await Task.sleep(for: delay)
        transactions.withLock { $0 += 1 }
        if failing.withLock({ $0 }) { throw StoreError.database("disk on fire") }
    }
}

@Suite struct GroupCommitWriterTests {
    func withWriter(
        capacity: Int, delay: Duration, _ body: @Sendable (GroupCommitWriter, SlowDatabase, SQLStore) async throws -> Void
    ) async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let slow = SlowDatabase(inner: try SQLiteDatabase(path: directory.appendingPathComponent("w.sqlite").path), delay: delay)
        let store = SQLStore(database: slow, logger: TestDatabases.logger)
        try await store.migrate()
        let writer = GroupCommitWriter(store: store, capacity: capacity, maxBatch: 512, logger: TestDatabases.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            try await body(writer, slow, store)
            writer.stopAccepting()
            try await group.waitForAll()
        }
    }

    static func command(_ id: Int) -> IngestCommand {
        StoreContractTests.command("W\(id)", kind: .occupancy(occupied: id % 2 == 0), ps: "S\(id)")
    }

    @Test func concurrentRequestsShareTransactions() async throws {
        try await withWriter(capacity: 1000, delay: .milliseconds(50)) { writer, slow, store in
            try await withThrowingTaskGroup(of: IngestOutcome.self) { group in
                for id in 0..<200 { group.addTask { try await writer.submit(Self.command(id)) } }
                var stored = 0
                for try await outcome in group { if case .stored = outcome { stored += 1 } }
                #expect(stored == 200)
            }
            // Every acknowledged message is in the database, in far fewer transactions than messages.
            #expect(try await store.counts().events == 200)
            #expect(slow.transactions.withLock { $0 } < 50)
        }
    }

    @Test func fullQueueAnswersAtOnceAndRecovers() async throws {
        try await withWriter(capacity: 5, delay: .milliseconds(300)) { writer, _, store in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for id in 0..<40 {
                    group.addTask {
                        do {
                            _ = try await writer.submit(Self.command(id))
                            return true
                        } catch StoreError.overloaded {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.contains(false))
            let accepted = results.filter { $0 }.count
            #expect(try await store.counts().events == Int64(accepted))
            // Load gone: the next request is accepted again.
            let outcome = try await writer.submit(Self.command(1000))
            guard case .stored = outcome else {
                Issue.record("expected stored, got \(outcome)")
                return
            }
        }
    }

    @Test func failedCommitAcknowledgesNothing() async throws {
        try await withWriter(capacity: 100, delay: .milliseconds(1)) { writer, slow, store in
            slow.failing.withLock { $0 = true }
            await #expect(throws: StoreError.self) { try await writer.submit(Self.command(1)) }
            slow.failing.withLock { $0 = false }
            let stored = try await store.counts().rawMessages
            #expect(stored == 0)
        }
    }

    @Test func stoppingDrainsWhatIsQueued() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let slow = SlowDatabase(inner: try SQLiteDatabase(path: directory.appendingPathComponent("d.sqlite").path), delay: .milliseconds(100))
        let store = SQLStore(database: slow, logger: TestDatabases.logger)
        try await store.migrate()
        let writer = GroupCommitWriter(store: store, capacity: 1000, maxBatch: 4, logger: TestDatabases.logger)
        let run = Task { try await writer.run() }
        let submissions = (0..<20).map { id in Task { try await writer.submit(Self.command(id)) } }
        try await Task.sleep(for: .milliseconds(20))
        writer.stopAccepting()
        var acknowledged = 0
        for submission in submissions {
            if case .success = await submission.result { acknowledged += 1 }
        }
        try await run.value
        #expect(try await store.counts().events == Int64(acknowledged))
        #expect(acknowledged > 0)
        await #expect(throws: StoreError.self) { try await writer.submit(Self.command(99)) }
    }

    /// A service group that gives up cancels its services: an idle writer ends instead of
    /// waiting forever, and later requests are refused rather than left unanswered.
    @Test func cancellationEndsAnIdleWriter() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = SQLStore(database: try SQLiteDatabase(path: directory.appendingPathComponent("c.sqlite").path), logger: TestDatabases.logger)
        try await store.migrate()
        let writer = GroupCommitWriter(store: store, capacity: 10, maxBatch: 4, logger: TestDatabases.logger)
        let run = Task { try await writer.run() }
        guard case .stored = try await writer.submit(Self.command(1)) else { Issue.record("not stored"); return }
        run.cancel()
        try await run.value
        await #expect(throws: StoreError.self) { try await writer.submit(Self.command(2)) }
    }
}
