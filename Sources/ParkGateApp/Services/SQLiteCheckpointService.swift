import ParkGateStore
import ServiceLifecycle

/// Background WAL checkpoints for SQLite (see `SQLiteDatabase.runCheckpoints`).
struct SQLiteCheckpointService: Service {
    let database: SQLiteDatabase

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await database.runCheckpoints() }
    }
}
