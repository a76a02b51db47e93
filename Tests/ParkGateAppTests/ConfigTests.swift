import Foundation
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
    }
}
