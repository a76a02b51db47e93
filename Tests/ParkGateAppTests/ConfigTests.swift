import Foundation
import NIOCore
import ParkGateApp
import ParkGateTestSupport
import Testing

/// Settings resolve command line > environment > config file > defaults.
@Suite struct ConfigTests {
    @Test func precedence() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"http":{"port":9001,"host":"0.0.0.0"},"strict":true,"devices":{"silence":120}}"#
            .write(to: directory.appendingPathComponent("parkgate.json"), atomically: true, encoding: .utf8)
        let environment = ["PARKGATE_HTTP_PORT": "9002", "PARKGATE_SQLITE_SYNCHRONOUS": "NORMAL"]

        let fromFileAndEnv = try await AppConfig.resolve(commandLine: ["data.dir": directory.path], environment: environment)
        #expect(fromFileAndEnv.httpPort == 9002)
        #expect(fromFileAndEnv.host == "0.0.0.0")
        #expect(fromFileAndEnv.strict)
        #expect(fromFileAndEnv.deviceSilence == 120)
        #expect(fromFileAndEnv.sqliteSynchronous == .normal)
        #expect(fromFileAndEnv.bodyLimit == 1 << 20)
        #expect(fromFileAndEnv.resolvedDatabaseURL.hasSuffix("/parkgate.sqlite"))

        let fromCommandLine = try await AppConfig.resolve(
            commandLine: ["data.dir": directory.path, "http.port": "9003"], environment: environment)
        #expect(fromCommandLine.httpPort == 9003)

        let defaults = try await AppConfig.resolve(commandLine: ["data.dir": directory.appendingPathComponent("none").path], environment: [:])
        #expect(defaults.httpPort == 8080 && defaults.host == "127.0.0.1" && !defaults.strict)

        await #expect(throws: ConfigError.self) {
            try await AppConfig.resolve(commandLine: ["data.dir": directory.path], environment: ["PARKGATE_SQLITE_SYNCHRONOUS": "SOMETIMES"])
        }
        let grace = try await AppConfig.resolve(commandLine: ["data.dir": directory.path], environment: ["PARKGATE_CPMI_COMMANDS_REPLY_GRACE": "3.5"])
        #expect(grace.commandReplyGrace == 3.5 && defaults.commandReplyGrace == 0)
        await #expect(throws: ConfigError.self) {
            try await AppConfig.resolve(commandLine: ["data.dir": directory.path], environment: ["PARKGATE_CPMI_COMMANDS_REPLY_GRACE": "-1"])
        }
        #expect(fromFileAndEnv.unknownSettings.isEmpty && defaults.unknownSettings.isEmpty)
    }

    /// A setting misspelt in the environment or the config file leaves the default in force;
    /// the resolved configuration names each (and `serve` logs it), with the setting it meant.
    @Test func misspeltSettingsAreReported() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("parkgate.json")
        try #"{"http":{"port":9001,"bodylimit":5},"writer.maxBatch":8,"devices":{"silence":120},"colour":"blue"}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let config = try await AppConfig.resolve(commandLine: ["data.dir": directory.path], environment: [
            "PARKGATE_HTTP_BODYLIMIT": "5", "PARKGATE_STRICT": "true", "PARKGATE_FAVOURITE": "x", "HOME": "/root",
        ])
        #expect(config.httpPort == 9001 && config.deviceSilence == 120 && config.strict)
        #expect(config.maxBatch == 8, "a dotted key in the file is read like a nested one")
        #expect(config.bodyLimit == 1 << 20, "neither misspelling was read")
        #expect(config.unknownSettings.map(\.description) == [
            "environment variable PARKGATE_FAVOURITE is not a setting",
            "environment variable PARKGATE_HTTP_BODYLIMIT is not a setting; did you mean PARKGATE_HTTP_BODY_LIMIT?",
            "\(file.path): colour is not a setting",
            "\(file.path): http.bodylimit is not a setting; did you mean http.bodyLimit?",
        ])
        #expect(AppConfig.environmentName("cpmi.tcp.readIdleTime") == "PARKGATE_CPMI_TCP_READ_IDLE_TIME")
    }

    /// The console's dashboard lists the ignored settings to administrators (in both languages),
    /// not to other roles.
    @Test func theDashboardShowsIgnoredSettingsToAdministrators() async throws {
        try await TestServer.run({
            $0.unknownSettings = [
                UnknownSetting(file: nil, name: "PARKGATE_HTTP_BODYLIMIT", meant: "PARKGATE_HTTP_BODY_LIMIT"),
                UnknownSetting(file: "/etc/parkgate.json", name: "colour", meant: nil),
            ]
        }) { server in
            let created = try await server.client.execute(
                uri: "/api/v1/users", method: .post, headers: [.authorization: "Bearer \(server.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"watcher","password":"pw","role":"auditor"}"#))
            #expect(created.status == .created)
            func dashboard(_ user: String, language: String) async throws -> String {
                let login = try await server.client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=\(user)&password=pw&next=/"))
                let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
                let page = try await server.client.execute(uri: "/", method: .get, headers: [.cookie: "\(cookie); lang=\(language)"])
                #expect(page.status == .ok)
                return String(buffer: page.body)
            }
            let chinese = try await dashboard("admin", language: "zh")
            #expect(chinese.contains("启动时已忽略") && chinese.contains("环境变量 PARKGATE_HTTP_BODYLIMIT：是否应为 PARKGATE_HTTP_BODY_LIMIT？"))
            #expect(chinese.contains("配置文件 /etc/parkgate.json 中的 colour"))
            let english = try await dashboard("admin", language: "en")
            #expect(english.contains("environment variable PARKGATE_HTTP_BODYLIMIT: did you mean PARKGATE_HTTP_BODY_LIMIT?"))
            #expect(english.contains("colour in /etc/parkgate.json"))
            let auditor = try await dashboard("watcher", language: "zh")
            #expect(!auditor.contains("ignored-settings") && !auditor.contains("PARKGATE_HTTP_BODYLIMIT"))
        }
    }
}
