import Configuration
import Foundation
import ParkGateModel
import ParkGateStore
import SystemPackage

/// Every setting of `parkgate serve`. Resolution order: command line, then environment
/// (`PARKGATE_` + the key in upper case with `_` for `.`, e.g. `PARKGATE_HTTP_PORT`), then the
/// JSON config file (`<data-dir>/parkgate.json` or `--config`), then the defaults below.
public struct AppConfig: Sendable {
    public var dataDirectory = "./data"
    /// `sqlite:PATH` or `postgres://…`; nil for SQLite inside the data directory.
    public var databaseURL: String?
    public var host = "127.0.0.1"
    public var httpPort = 8080
    /// Reject every documented variant with the protocol's format code.
    public var strict = false
    /// Largest accepted request body in bytes; larger ones get 413.
    public var bodyLimit = 1 << 20
    /// A whole request must arrive within this many seconds.
    public var requestTimeout: Double = 30
    /// Lifetime of roadside tokens in seconds (section 2 item 3).
    public var tokenLifetime: Double = 3600
    /// A device silent this long is marked offline and raises an alarm.
    public var deviceSilence: Double = 600
    /// Largest decoded T/CPMI picture (bytes).
    public var cpmiImageLimit = 5 << 20
    /// Seconds a T/CPMI token → park lookup is reused (a park changed elsewhere takes effect within it; 0: always read).
    public var cpmiCredentialCacheSeconds: Double = 2
    /// Seconds without a keep-alive before a video device is offline.
    public var videoSilence: Double = 180
    /// Days video captures and their images are kept (附件 2 section 五: 30).
    public var videoRetentionDays: Double = 30
    /// The city role's provincial platform (`henan.province.url`, `.secret`, `.user`,
    /// `.password`): when a URL is set, the relay sends it the outbox.
    public var henanProvinceURL: String?
    public var henanProvinceSecret = "", henanProvinceUser = "", henanProvincePassword = ""
    /// Seconds between relay rounds (`henan.relay.interval`).
    public var henanRelayInterval: Double = 2
    /// Seconds to wait after the province could not be reached, doubling to 10 minutes (`henan.relay.backoff`).
    public var henanRelayBackoff: Double = 5
    /// Plate prefixes counted as local in the daily figures (`henan.local.plates`, comma list).
    public var henanLocalPlates = ["豫"]
    /// Seconds the city interfaces keep tokens, enterprises, gates and projects they read
    /// (`henan.cacheSeconds`; 0: off). A change from the CLI or another node applies within it.
    public var henanCacheSeconds: Double = 2
    /// Seconds an `appIdentityKey` lives (附件 2: 24 hours).
    public var videoKeyLifetime: Double = 86_400
    /// Largest decoded video image (bytes).
    public var videoImageLimit = 5 << 20
    /// A park without a heartbeat this long is offline (three of the one-minute heartbeats).
    public var parkSilence: Double = 180
    /// T/CPMI downlink TCP port (`--tcp-port`, `cpmi.tcp.port`); 0 picks a free one.
    public var tcpPort = 9090
    /// B.3.4's idle times in seconds (0: off): `cpmi.tcp.readIdleTime`, `writeIdleTime`, `allIdleTime`.
    public var tcpReadIdleTime: Double = 0
    public var tcpWriteIdleTime: Double = 0
    public var tcpAllIdleTime: Double = 7200
    /// Largest downlink packet (`cpmi.tcp.frameLimit`).
    public var tcpFrameLimit = 1 << 20
    /// A refused or unanswered synchronisation is sent again after this many seconds (section 5: 10 minutes).
    public var commandRetryInterval: Double = 600
    /// Seconds added to each downlink interface's reply limit (`cpmi.commands.replyGrace`; 0: section 5's limits).
    public var commandReplyGrace: Double = 0
    /// Plates whose exited stays leave more unpaid than this (yuan) are blacklisted (28); 0: off.
    public var blacklistUnpaidAbove: Double = 0
    public var blacklistSweepInterval: Double = 300
    /// How often to look for silent devices.
    public var sweepInterval: Double = 30
    /// Requests waiting for a commit before the platform answers "busy".
    public var writeQueueCapacity = 10_000
    public var maxBatch = 512
    public var sqliteSynchronous = SQLiteDatabase.Synchronous.full
    public var timeZone = "Asia/Shanghai"
    public var vendorCacheSeconds: Double = 2
    public var logLevel = "info"
    /// Environment variables (`PARKGATE_…`) and config-file keys that name no setting, each with
    /// where it came from and the setting it probably meant; `serve` logs them as warnings, since
    /// such a setting silently leaves the default in force.
    public var unknownSettings: [UnknownSetting] = []

    public init() {}

    /// Local time of the documents' `YYYYMMDDHHmmss` stamps (`time.zone`).
    public var chinaTime: ChinaTime { ChinaTime(timeZone: TimeZone(identifier: timeZone) ?? .gmt) }

    public var resolvedDatabaseURL: String {
        databaseURL ?? StoreFactory.defaultURL(dataDirectory: dataDirectory)
    }

    /// Fills every setting not given on the command line from environment, file and defaults.
    public static func resolve(
        commandLine: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> AppConfig {
        var config = AppConfig()
        var known = ["data.dir", "config", "database.url", "henan.province.url"]
        let env = EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "parkgate")
        let early = ConfigReader(provider: env)
        config.dataDirectory = commandLine["data.dir"] ?? early.string(forKey: "data.dir", default: config.dataDirectory)
        let filePath = commandLine["config"] ?? early.string(forKey: "config")
            ?? URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("parkgate.json").path
        let file = try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath), allowMissing: commandLine["config"] == nil)
        let reader = ConfigReader(providers: [env, file])

        func string(_ key: String, _ fallback: String) -> String {
            known.append(key)
            return commandLine[key] ?? reader.string(forKey: ConfigKey(key), default: fallback)
        }
        func int(_ key: String, _ fallback: Int) -> Int {
            known.append(key)
            return commandLine[key].flatMap(Int.init) ?? reader.int(forKey: ConfigKey(key), default: fallback)
        }
        func double(_ key: String, _ fallback: Double) -> Double {
            known.append(key)
            return commandLine[key].flatMap(Double.init) ?? reader.double(forKey: ConfigKey(key), default: fallback)
        }
        func bool(_ key: String, _ fallback: Bool) -> Bool {
            known.append(key)
            return commandLine[key].map { $0 == "true" } ?? reader.bool(forKey: ConfigKey(key), default: fallback)
        }

        config.databaseURL = commandLine["database.url"] ?? reader.string(forKey: "database.url")
        config.host = string("http.host", config.host)
        config.httpPort = int("http.port", config.httpPort)
        config.strict = bool("strict", config.strict)
        config.bodyLimit = int("http.bodyLimit", config.bodyLimit)
        config.requestTimeout = double("http.requestTimeout", config.requestTimeout)
        config.tokenLifetime = double("roadside.tokenLifetime", config.tokenLifetime)
        config.deviceSilence = double("devices.silence", config.deviceSilence)
        config.parkSilence = double("parks.silence", config.parkSilence)
        config.cpmiImageLimit = Int(double("cpmi.imageLimit", Double(config.cpmiImageLimit)))
        config.cpmiCredentialCacheSeconds = double("cpmi.credentialCacheSeconds", config.cpmiCredentialCacheSeconds)
        config.videoSilence = double("video.silence", config.videoSilence)
        config.videoRetentionDays = double("video.retentionDays", config.videoRetentionDays)
        config.videoKeyLifetime = double("video.keyLifetime", config.videoKeyLifetime)
        config.videoImageLimit = Int(double("video.imageLimit", Double(config.videoImageLimit)))
        config.sweepInterval = double("devices.sweepInterval", config.sweepInterval)
        config.henanProvinceURL = commandLine["henan.province.url"] ?? reader.string(forKey: "henan.province.url")
        config.henanProvinceSecret = string("henan.province.secret", config.henanProvinceSecret)
        config.henanProvinceUser = string("henan.province.user", config.henanProvinceUser)
        config.henanProvincePassword = string("henan.province.password", config.henanProvincePassword)
        config.henanRelayInterval = double("henan.relay.interval", config.henanRelayInterval)
        config.henanRelayBackoff = double("henan.relay.backoff", config.henanRelayBackoff)
        config.henanCacheSeconds = double("henan.cacheSeconds", config.henanCacheSeconds)
        config.henanLocalPlates = string("henan.local.plates", config.henanLocalPlates.joined(separator: ",")).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        config.tcpPort = int("cpmi.tcp.port", config.tcpPort)
        config.tcpReadIdleTime = double("cpmi.tcp.readIdleTime", config.tcpReadIdleTime)
        config.tcpWriteIdleTime = double("cpmi.tcp.writeIdleTime", config.tcpWriteIdleTime)
        config.tcpAllIdleTime = double("cpmi.tcp.allIdleTime", config.tcpAllIdleTime)
        config.tcpFrameLimit = int("cpmi.tcp.frameLimit", config.tcpFrameLimit)
        config.blacklistUnpaidAbove = double("blacklist.unpaidAbove", config.blacklistUnpaidAbove)
        config.blacklistSweepInterval = double("blacklist.sweepInterval", config.blacklistSweepInterval)
        config.commandRetryInterval = double("cpmi.commands.retryInterval", config.commandRetryInterval)
        config.commandReplyGrace = double("cpmi.commands.replyGrace", config.commandReplyGrace)
        guard config.commandReplyGrace >= 0 else {
            throw ConfigError.invalid("cpmi.commands.replyGrace must be 0 or more seconds, not \(config.commandReplyGrace)")
        }
        config.writeQueueCapacity = int("writer.capacity", config.writeQueueCapacity)
        config.maxBatch = int("writer.maxBatch", config.maxBatch)
        let sync = string("sqlite.synchronous", config.sqliteSynchronous.rawValue).uppercased()
        guard let synchronous = SQLiteDatabase.Synchronous(rawValue: sync) else {
            throw ConfigError.invalid("sqlite.synchronous must be FULL or NORMAL, not \(sync)")
        }
        config.sqliteSynchronous = synchronous
        config.timeZone = string("time.zone", config.timeZone)
        guard TimeZone(identifier: config.timeZone) != nil else { throw ConfigError.invalid("unknown time zone \(config.timeZone)") }
        config.vendorCacheSeconds = double("roadside.vendorCacheSeconds", config.vendorCacheSeconds)
        config.logLevel = string("log.level", config.logLevel)
        config.unknownSettings = unknownSettings(known: known, environment: environment, filePath: filePath)
        return config
    }

    /// The environment variable swift-configuration reads for a key: `PARKGATE_`, then the key's
    /// components in upper case joined by `_`, a camelCase word boundary also becoming `_`
    /// (`cpmi.commands.replyGrace` → `PARKGATE_CPMI_COMMANDS_REPLY_GRACE`).
    public static func environmentName(_ key: String) -> String {
        var name = "PARKGATE"
        for component in key.split(separator: ".") {
            name += "_"
            var previous: Character?
            for character in component {
                if let previous, previous.isLowercase, character.isUppercase { name += "_" }
                name += character.isLetter || character.isNumber ? character.uppercased() : "_"
                previous = character
            }
        }
        return name
    }

    /// `PARKGATE_…` variables and config-file keys that no setting reads.
    static func unknownSettings(known: [String], environment: [String: String], filePath: String) -> [UnknownSetting] {
        // Spelled without `_` and in one case, a name matches the setting it was meant for
        // (`PARKGATE_HTTP_BODYLIMIT`, `http.bodylimit`).
        func squeezed(_ text: String) -> String { text.uppercased().filter { $0.isLetter || $0.isNumber } }
        let names = Dictionary(known.map { (environmentName($0), $0) }, uniquingKeysWith: { first, _ in first })
        let guesses = Dictionary(known.map { (squeezed($0), $0) }, uniquingKeysWith: { first, _ in first })
        func meant(_ text: String, isEnvironment: Bool) -> String? {
            guard let key = guesses[squeezed(isEnvironment ? String(text.dropFirst("PARKGATE_".count)) : text)] else { return nil }
            return isEnvironment ? environmentName(key) : key
        }
        var unknown: [UnknownSetting] = []
        for name in environment.keys.sorted() where name.hasPrefix("PARKGATE_") && names[name] == nil {
            unknown.append(UnknownSetting(file: nil, name: name, meant: meant(name, isEnvironment: true)))
        }
        // The file's keys, nested by the dots or written with them (swift-configuration reads both).
        if let data = FileManager.default.contents(atPath: filePath),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            let settings = Set(known)
            var keys: [String] = []
            func walk(_ object: [String: Any], _ prefix: String) {
                for (name, value) in object {
                    let key = prefix.isEmpty ? name : prefix + "." + name
                    if settings.contains(key) { continue }
                    if let nested = value as? [String: Any], settings.contains(where: { $0.hasPrefix(key + ".") }) {
                        walk(nested, key)
                    } else {
                        keys.append(key)
                    }
                }
            }
            walk(object, "")
            for key in keys.sorted() {
                unknown.append(UnknownSetting(file: filePath, name: key, meant: meant(key, isEnvironment: false)))
            }
        }
        return unknown
    }
}

/// An environment variable or config-file key that names no setting (so the default applies).
public struct UnknownSetting: Sendable, Hashable, CustomStringConvertible {
    /// The config file's path; nil for an environment variable.
    public var file: String?
    public var name: String
    /// The setting with the same letters (ignoring `_` and case), if any.
    public var meant: String?

    public init(file: String?, name: String, meant: String?) {
        (self.file, self.name, self.meant) = (file, name, meant)
    }

    public var description: String {
        (file.map { "\($0): \(name)" } ?? "environment variable \(name)") + " is not a setting"
            + (meant.map { "; did you mean \($0)?" } ?? "")
    }
}

public enum ConfigError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
