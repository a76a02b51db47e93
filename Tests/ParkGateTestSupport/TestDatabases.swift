import Foundation
import Logging
import ParkGateStore

/// The two databases tests run against.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The throwaway PostgreSQL cluster the test command starts (`scripts/test`).
    public static var postgresBaseURL: String? { ProcessInfo.processInfo.environment["PARKGATE_TEST_POSTGRES_URL"] }

    /// `scripts/test` sets PARKGATE_REQUIRE_POSTGRES=1, so a missing cluster fails the run
    /// instead of quietly testing SQLite only.
    public static var available: [Backend] {
        if postgresBaseURL != nil || ProcessInfo.processInfo.environment["PARKGATE_REQUIRE_POSTGRES"] == "1" {
            return allCases
        }
        return [.sqlite]
    }
}

public struct MissingPostgres: Error, CustomStringConvertible {
    public var description: String { "PARKGATE_TEST_POSTGRES_URL is not set: run the suite with scripts/test" }
}

public enum TestDatabases {
    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parkgate-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh, migrated, empty store of the given kind for the duration of `body`.
    public static func withStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try SQLiteDatabase(path: directory.appendingPathComponent("test.sqlite").path)
            let store = SQLStore(database: database, logger: logger)
            try await store.migrate()
            return try await body(store)
        case .postgres:
            return try await withPostgres { database in
                let store = SQLStore(database: database, logger: logger)
                try await store.migrate()
                return try await body(store)
            }
        }
    }

    /// A fresh database of the given kind, not migrated (for tests of the migrations themselves).
    public static func withUnmigrated<T: Sendable>(_ backend: Backend, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(try SQLiteDatabase(path: directory.appendingPathComponent("test.sqlite").path))
        case .postgres:
            return try await withPostgres { try await body($0) }
        }
    }

    /// A fresh, empty (not migrated) PostgreSQL database, its client running, for `body`.
    public static func withPostgres<T: Sendable>(_ body: @Sendable (PostgresDatabase) async throws -> T) async throws -> T {
        try await withDatabase(url: try await freshPostgresDatabase(), body)
    }

    /// The PostgreSQL database at `url`, its client running, for `body`.
    public static func withDatabase<T: Sendable>(url: String, _ body: @Sendable (PostgresDatabase) async throws -> T) async throws -> T {
        let database = try PostgresDatabase(url: url, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }

    /// Creates a new database in the test cluster and returns its URL.
    public static func freshPostgresDatabase() async throws -> String {
        guard let base = Backend.postgresBaseURL else { throw MissingPostgres() }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let admin = try PostgresDatabase(url: base, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await admin.run() }
            _ = try await admin.query("CREATE DATABASE \(name)")
            group.cancelAll()
        }
        var components = URLComponents(string: base)!
        components.path = "/" + name
        return components.string!
    }
}
