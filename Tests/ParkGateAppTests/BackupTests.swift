import Foundation
import ParkGateApp
import ParkGateStore
import ParkGateTestSupport
import Synchronization
import Testing

/// Backups taken while messages pour in hold every message acknowledged before the backup
/// began, and restore into an empty data directory or database (SQLite and PostgreSQL, and
/// from one to the other).
@Suite(.timeLimit(.minutes(3))) struct BackupTests {
    /// Acknowledged flowIds with the time each answer arrived.
    final class Acks: Sendable {
        let list = Mutex<[(flowId: String, at: Date)]>([])
        let stop = Atomic(false)
    }

    /// Sends msensor messages from `workers` loops until `acks.stop` is set.
    static func load(_ server: TestServer, acks: Acks, workers: Int = 4) async throws {
        let token = try await server.token(vendor: "102")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var index = 0
                    while !acks.stop.load(ordering: .relaxed) {
                        index += 1
                        var fields = Messages.msensor(token, ps: "W\(worker)-\(index % 50)", state: index % 2 == 0 ? "0" : "1")
                        fields["devCode"] = "M-W\(worker)"
                        let flowId = fields["flowId"]!!
                        if try await server.post("msensor", Messages.json(fields)).code == "100" {
                            let now = Date()
                            acks.list.withLock { $0.append((flowId, now)) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The flowIds stored in a data directory or database.
    static func storedFlowIds(_ config: AppConfig) async throws -> Set<String> {
        let platform = try Platform.open(config, logger: TestDatabases.logger)
        return try await platform.withReadyStore { store in
            Set(try await store.database.query(SQLStatement("SELECT message_id FROM raw_messages")).compactMap { $0.text("message_id") })
        }
    }

    func backupUnderLoad(_ backend: Backend, viaCLI: Bool) async throws -> (file: String, acknowledgedBefore: Set<String>, directory: URL) {
        let directory = TestDatabases.temporaryDirectory()
        let file = directory.appendingPathComponent("parkgate.backup").path
        let result = Mutex<Set<String>>([])
        try await TestServer.run(backend: backend) { server in
            // A picture in the blob store travels with the backup.
            let blobs = URL(fileURLWithPath: server.config.dataDirectory).appendingPathComponent("blobs/ab")
            try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
            try Data("picture".utf8).write(to: blobs.appendingPathComponent("ab12.jpg"))
            let acks = Acks()
            async let loading: Void = Self.load(server, acks: acks)
            // Under way: wait for the first 50 acknowledgements (however long a busy machine takes).
            while acks.list.withLock({ $0.count }) < 50 { try await Task.sleep(for: .milliseconds(20)) }
            let began = Date()
            if viaCLI {
                let answer = try await CLITests.run(["backup", "--data-dir", server.config.dataDirectory, "--to", file])
                #expect(answer.status == 0, "\(answer.output)")
            } else {
                let platform = try Platform.open(server.config, logger: TestDatabases.logger)
                _ = try await platform.withReadyStore { _ in try await Backups.backup(platform, to: file) }
            }
            let after = acks.list.withLock { $0.count }
            while acks.list.withLock({ $0.count }) < after + 20 { try await Task.sleep(for: .milliseconds(20)) }
            acks.stop.store(true, ordering: .relaxed)
            try await loading
            let before = acks.list.withLock { $0.filter { $0.at < began }.map(\.flowId) }
            #expect(before.count >= 50, "the backup ran under load (\(before.count) messages acknowledged before it)")
            #expect(acks.list.withLock { $0.count } > before.count, "and messages kept coming while it ran")
            result.withLock { $0 = Set(before) }
        }
        return (file, result.withLock { $0 }, directory)
    }

    @Test func sqliteBackupUnderLoadRestoresEveryAcknowledgedMessage() async throws {
        let (file, acknowledged, directory) = try await backupUnderLoad(.sqlite, viaCLI: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let restored = directory.appendingPathComponent("restored").path
        let answer = try await CLITests.run(["restore", "--data-dir", restored, "--from", file])
        #expect(answer.status == 0, "\(answer.output)")
        var config = AppConfig()
        config.dataDirectory = restored
        #expect(FileManager.default.contents(atPath: restored + "/blobs/ab/ab12.jpg") == Data("picture".utf8), "the blobs come back")
        let stored = try await Self.storedFlowIds(config)
        #expect(acknowledged.isSubset(of: stored), "missing: \(acknowledged.subtracting(stored).prefix(5))")
        // A restore never overwrites: the second one is refused and changes nothing.
        let again = try await CLITests.run(["restore", "--data-dir", restored, "--from", file])
        #expect(again.status != 0 && again.output.contains("already holds data"))
        #expect(try await Self.storedFlowIds(config) == stored)
        // The restored platform signs in with the same accounts.
        let login = try await Platform.open(config, logger: TestDatabases.logger).withReadyStore { store in
            try await Accounts(store: store).login(username: "admin", password: "pw")
        }
        #expect(login != nil)
    }

    /// A backup made before migration 0023 (T/CPMI answers in `cpmi_requests`) restores into the
    /// current schema: its copy is migrated first, so the answers come back with their requests.
    /// Both kinds of file: made from PostgreSQL (`BackupFile.create`, its own migration list) and
    /// from SQLite (`VACUUM INTO` of the live database, GRDB's migration list).
    @Test(arguments: Backend.available, [false, true])
    func anOlderBackupIsMigratedOnRestore(backend: Backend, fromSQLite: Bool) async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.backup").path
        let before = Array(Schema.migrations.prefix { $0.name != "0023-cpmi-answers" })
        let ms = SQLValue(Date())
        let raw = SQLRow(values: [
            "id": .int(1), "protocol": .text("cpmi"), "sender": .text("P1"), "interface": .text("8"), "message_id": .text("H1"),
            "content_hash": .text("h"), "body": .text("{}"), "received_ms": ms])
        let request = SQLRow(values: [
            "park_code": .text("P1"), "opr_num": .text("H1"), "code": .text("8"), "answer": .text("the first answer"),
            "repeats": .int(0), "first_ms": ms, "last_ms": ms])
        let old: BackupFile
        if fromSQLite {
            let live = try SQLiteDatabase(path: directory.appendingPathComponent("live.sqlite").path)
            try await live.migrate(before)
            try await live.transaction([raw, request].enumerated().map { index, row in
                let columns = row.values.keys.sorted()
                return SQLStatement(
                    "INSERT INTO \(index == 0 ? "raw_messages" : "cpmi_requests") (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                    columns.map { row.values[$0]! })
            })
            try await live.snapshot(to: path)
            old = try BackupFile(path: path, writable: true)
        } else {
            old = try BackupFile.create(path: path, migrations: before)
            try old.append(table: "raw_messages", rows: [raw])
            try old.append(table: "cpmi_requests", rows: [request])
        }
        try old.setMeta(["format": BackupFile.format, "source": fromSQLite ? "sqlite" : "postgres"])
        try old.close()
        var config = AppConfig()
        config.dataDirectory = directory.appendingPathComponent("target").path
        if backend == .postgres { config.databaseURL = try await TestDatabases.freshPostgresDatabase() }
        let platform = try Platform.open(config, logger: TestDatabases.logger)
        let (summary, replay, stored) = try await platform.withReadyStore { store in
            let summary = try await Backups.restore(platform, from: path)
            let replay = try await store.recordParking(ParkingCommand(
                parkCode: "P1", oprNum: "H1", code: "8", report: .heartbeat,
                raw: RawMessage(protocolName: "cpmi", sender: "P1", interface: "8", messageId: "H1", contentHash: "h", body: "{}", receivedAt: Date()),
                now: Date()) { "a new answer" })
            return (summary, replay, try await store.rawMessage(id: 1)?.answer)
        }
        #expect(summary.tables["raw_messages"] == 1 && summary.tables["cpmi_requests"] == nil)
        #expect(replay == .replayed(answer: "the first answer"))
        #expect(stored == "the first answer")
        #expect(FileManager.default.contents(atPath: path) != nil, "the operator's file is left as it was")
        #expect(try BackupFile(path: path).migrations().contains("0023-cpmi-answers") == false)
    }

    @Test func postgresBackupRestoresIntoPostgresAndSQLite() async throws {
        guard Backend.available.contains(.postgres) else { return }
        let (file, acknowledged, directory) = try await backupUnderLoad(.postgres, viaCLI: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        var intoSQLite = AppConfig()
        intoSQLite.dataDirectory = directory.appendingPathComponent("sqlite").path
        var intoPostgres = AppConfig()
        intoPostgres.dataDirectory = directory.appendingPathComponent("pg").path
        intoPostgres.databaseURL = try await TestDatabases.freshPostgresDatabase()
        for config in [intoSQLite, intoPostgres] {
            let platform = try Platform.open(config, logger: TestDatabases.logger)
            let summary = try await platform.withReadyStore { _ in try await Backups.restore(platform, from: file) }
            #expect(summary.source == "postgres")
            let stored = try await Self.storedFlowIds(config)
            #expect(acknowledged.isSubset(of: stored), "\(config.resolvedDatabaseURL) missing: \(acknowledged.subtracting(stored).prefix(5))")
            #expect(stored.count == summary.tables["raw_messages"])
        }
    }
}
