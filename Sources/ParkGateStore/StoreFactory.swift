import Foundation
import Logging

/// Opens the store a `--database` URL names: `sqlite:PATH` (relative paths under the data
/// directory) or `postgres://user:password@host:port/database`.
public enum StoreFactory {
    public struct Opened: Sendable {
        public let store: SQLStore
        /// The PostgreSQL client, which must run as a service while the store is used.
        public let postgres: PostgresDatabase?
    }

    public static func defaultURL(dataDirectory: String) -> String {
        "sqlite:" + URL(fileURLWithPath: dataDirectory).appendingPathComponent("parkgate.sqlite").path
    }

    public static func open(
        url: String, dataDirectory: String, synchronous: SQLiteDatabase.Synchronous = .full, logger: Logger
    ) throws -> Opened {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw StoreError.badDatabaseURL(url) }
            if !path.hasPrefix("/") {
                path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(path).path
            }
            let database = try SQLiteDatabase(path: path, synchronous: synchronous)
            return Opened(store: SQLStore(database: database, logger: logger), postgres: nil)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let database = try PostgresDatabase(url: url, logger: logger)
            return Opened(store: SQLStore(database: database, logger: logger), postgres: database)
        }
        throw StoreError.badDatabaseURL(url)
    }
}
