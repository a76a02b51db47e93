import ArgumentParser
import Foundation
import ParkGateApp

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent snapshot of the database and blobs to one file, while the platform runs.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The backup file to create (it must not exist).") var to: String

    func run() async throws {
        let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
        let target = to
        let summary = try await platform.withReadyStore { store in
            let summary = try await Backups.backup(platform, to: target)
            try await AuditLog(store: store).record(cliUser(), "backup", target: "file:\(target)", after: ["rows": String(summary.tables.values.reduce(0, +))], channel: "cli")
            return summary
        }
        print(summary)
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup into an empty data directory or database.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The backup file.") var from: String

    func run() async throws {
        let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
        let source = from
        let summary = try await platform.withReadyStore { store in
            let summary = try await Backups.restore(platform, from: source)
            try await AuditLog(store: store).record(cliUser(), "restore", target: "file:\(source)", after: ["rows": String(summary.tables.values.reduce(0, +))], channel: "cli")
            return summary
        }
        print(summary)
    }
}
