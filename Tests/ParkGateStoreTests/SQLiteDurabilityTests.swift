import Foundation
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The durability setting is the one in force on the connection that commits: GRDB sets
/// `synchronous = NORMAL` on its writer when it turns WAL on, after the connection's own set-up,
/// so FULL (an acknowledged message survives power loss) has to be set again once the pool is open.
@Suite struct SQLiteDurabilityTests {
    @Test(arguments: [SQLiteDatabase.Synchronous.full, .normal])
    func theWriterCommitsWithTheConfiguredSetting(_ synchronous: SQLiteDatabase.Synchronous) async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sync.sqlite").path
        let database = try SQLiteDatabase(path: path, synchronous: synchronous)
        #expect(try await database.writerSynchronous() == synchronous.rawValue)
        try await database.transaction([SQLStatement("CREATE TABLE t (x INTEGER)"), SQLStatement("INSERT INTO t VALUES (1)")])
        #expect(try await database.writerSynchronous() == synchronous.rawValue)
        try await database.close()
        // An existing WAL database opened again: the same.
        let reopened = try SQLiteDatabase(path: path, synchronous: synchronous)
        #expect(try await reopened.writerSynchronous() == synchronous.rawValue)
        try await reopened.close()
    }

    @Test func fullIsTheDefault() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("default.sqlite").path)
        #expect(try await database.writerSynchronous() == "FULL")
        try await database.close()
    }
}
