import Foundation
import Logging
import ParkGateModel
import ParkGateStore

/// The opened store and the pieces every command shares.
public struct Platform: Sendable {
    public let config: AppConfig
    public let store: SQLStore
    public let postgres: PostgresDatabase?
    public let logger: Logger

    /// Opens the configured database (without migrating; see `prepare`).
    public static func open(_ config: AppConfig, logger: Logger) throws -> Platform {
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let opened = try StoreFactory.open(
            url: config.resolvedDatabaseURL, dataDirectory: config.dataDirectory,
            synchronous: config.sqliteSynchronous, logger: logger)
        return Platform(config: config, store: opened.store, postgres: opened.postgres, logger: logger)
    }

    /// Migrates and seeds table 4.3's vendors; safe to run on every start, from any node.
    public func prepare() async throws {
        try await store.migrate()
        try await store.seedVendors(RoadsideVendorTable.rows, at: Date())
    }

    /// Runs `body` with the store ready (the PostgreSQL client running, migrations applied):
    /// how the CLI's short commands use the database while a server may be running too.
    public func withReadyStore<T: Sendable>(_ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        guard let postgres else {
            try await prepare()
            return try await body(store)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await postgres.run() }
            defer { group.cancelAll() }
            await postgres.untilRunning()
            try await prepare()
            return try await body(store)
        }
    }
}
