import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ParkGateApp
import ParkGateModel
import ParkGateStore

@main
struct ParkGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parkgate",
        abstract: "ParkGate: China's vehicle and parking data-networking standards, natively.",
        subcommands: [Serve.self, Migrate.self, VendorCommand.self, UserCommand.self, ParkCommand.self, MemberCommand.self, CampaignCommand.self, BackupCommand.self, RestoreCommand.self, Simulate.self, DeviceCommand.self, VideoAccountCommand.self,
                      OrganCommand.self, EnterpriseCommand.self, GateCommand.self, CityCommand.self, ControlProjectCommand.self, RelayCommand.self, VehicleMarkCommand.self, ScanLicenceCommand.self]
    )
}

/// `--data-dir`, `--database` and `--config`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default ./data; env PARKGATE_DATA_DIR).")
    var dataDirectory: String?

    @Option(help: "sqlite:PATH (default: SQLite in the data directory) or postgres://user:password@host:port/db.")
    var database: String?

    @Option(help: "JSON configuration file (default <data-dir>/parkgate.json when present).")
    var config: String?

    var commandLine: [String: String] {
        var values: [String: String] = [:]
        values["data.dir"] = dataDirectory
        values["database.url"] = database
        values["config"] = config
        return values
    }

    func resolve(_ extra: [String: String] = [:]) async throws -> AppConfig {
        try await AppConfig.resolve(commandLine: commandLine.merging(extra) { $1 })
    }
}

/// Who ran a command, for the user log: `cli:` and the login name.
func cliUser() -> String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

/// A vendor in the user log, without its key's hash.
struct VendorSummary: Encodable {
    let code, name, category: String
    let hasKey: Bool
    let rateLimit: Int
    let strict: Bool

    init(_ vendor: VendorRecord) {
        (code, name, category, hasKey, rateLimit, strict) = (vendor.code, vendor.name, vendor.category.rawValue, vendor.keyHash != nil, vendor.rateLimit, vendor.strict)
    }
}

func commandLogger() -> Logger {
    var logger = Logger(label: "parkgate")
    logger.logLevel = .warning
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the platform.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(name: .customLong("http-port"), help: "HTTP port (default 8080).") var httpPort: Int?
    @Option(name: .customLong("tcp-port"), help: "T/CPMI downlink TCP port (default 9090).") var tcpPort: Int?
    @Flag(help: "Reject every documented variant with the protocol's format error code.") var strict = false
    @Option(name: .customLong("body-limit"), help: "Largest request body in bytes (default 1048576).") var bodyLimit: Int?
    @Option(name: .customLong("request-timeout"), help: "Seconds a whole request may take to arrive (default 30).")
    var requestTimeout: Double?
    @Option(name: .customLong("device-silence"), help: "Seconds of silence before a device is offline (default 600).")
    var deviceSilence: Double?
    @Option(name: .customLong("sqlite-synchronous"), help: "FULL (default) or NORMAL.") var sqliteSynchronous: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error.") var logLevel: String?

    func run() async throws {
        var extra: [String: String] = [:]
        extra["http.host"] = host
        extra["http.port"] = httpPort.map(String.init)
        extra["cpmi.tcp.port"] = tcpPort.map(String.init)
        extra["strict"] = strict ? "true" : nil
        extra["http.bodyLimit"] = bodyLimit.map(String.init)
        extra["http.requestTimeout"] = requestTimeout.map { String($0) }
        extra["devices.silence"] = deviceSilence.map { String($0) }
        extra["sqlite.synchronous"] = sqliteSynchronous
        extra["log.level"] = logLevel
        let config = try await store.resolve(extra)
        let app = try await buildApplication(config)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
        try await platform.withReadyStore { _ in }
        print("schema up to date (\(platform.config.resolvedDatabaseURL.hasPrefix("sqlite:") ? "SQLite" : "PostgreSQL"))")
    }
}

struct VendorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendor", abstract: "Roadside vendors (comType) and their keys.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a vendor or change its key, category or limit.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Three-digit vendor code (comType).") var code: String
        @Option(help: "The vendor's comKey.") var key: String?
        @Option(help: "geomagnetic | video-pile | high-video | mid-video (table 4.3 vendors have one).") var category: String?
        @Option(help: "Display name.") var name: String?
        @Option(name: .customLong("rate-limit"), help: "Requests per second, 0 for none.") var rateLimit: Int?
        @Option(help: "true to check this vendor strictly even when the platform is lenient.") var strict: Bool?

        func run() async throws {
            var parsedCategory: DeviceCategory?
            if let category {
                guard let value = DeviceCategory(rawValue: category) else {
                    throw ValidationError("--category must be one of \(DeviceCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsedCategory = value
            }
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let category = parsedCategory
            let record = try await platform.withReadyStore { store in
                let before = try await store.vendor(code: code)
                let record = try await Vendors(store: store).add(
                    code: code, key: key, category: category, name: name, rateLimit: rateLimit, strict: strict)
                try await AuditLog(store: store).record(
                    cliUser(), "vendor.save", target: "vendor:\(code)", before: before.map(VendorSummary.init),
                    after: VendorSummary(record), channel: "cli")
                return record
            }
            print("vendor \(record.code) \(record.name) (\(record.category.rawValue)) key \(record.keyHash == nil ? "not set" : "set") rate-limit \(record.rateLimit)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List vendors.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let vendors = try await platform.withReadyStore { try await $0.vendors() }
            print("code\tcategory\tkey\trate-limit\tstrict\tname")
            for vendor in vendors {
                print("\(vendor.code)\t\(vendor.category.rawValue)\t\(vendor.keyHash == nil ? "-" : "set")\t\(vendor.rateLimit)\t\(vendor.strict)\t\(vendor.name)")
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Operator accounts for the admin API.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user or reset its password and role.")
        @OptionGroup var store: StoreOptions
        @Option var username: String
        @Option var password: String
        @Option(help: "admin | operator | auditor | scoped") var role: String = "admin"
        @Option(help: "Scoped users: the parkCodes they may see, P1,P2,…") var parks: String?
        @Option(help: "Scoped users: the vendors (comType) they may see.") var vendors: String?
        @Option(help: "Scoped users: the devCodes (roadside) or GB/T 28181 ids (video) they may see.") var devices: String?
        @Option(help: "Scoped users: video areas, the leading 2, 4, 6 or 8 digits of GB/T 28181 ids (350203: a district).") var areas: String?

        func run() async throws {
            func list(_ text: String?) -> [String] { (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            let scope = RecordScope(parks: list(parks), vendors: list(vendors), devices: list(devices), areas: list(areas))
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            try await platform.withReadyStore { store in
                let existed = try await store.user(named: username) != nil
                let user = try await Accounts(store: store).addUser(username: username, password: password, role: role, scope: scope)
                try await AuditLog(store: store).record(
                    cliUser(), existed ? "user.save" : "user.create", target: "user:\(username)",
                    after: ["role": user.role, "scope": AuditLog.json(user.scope) ?? "null", "passwordChanged": "true"], channel: "cli")
            }
            print("user \(username) (\(role)) saved")
        }
    }
}
