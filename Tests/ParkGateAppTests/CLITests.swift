import Foundation
import ParkGateTestSupport
import Testing

/// The `parkgate` executable as operators script it: serve, vendor and user commands against a
/// running server, and a clean stop on SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CLITests {
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parkgate")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/parkgate").standardized
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "5"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func freePort() throws -> Int {
        let socket = try RawSocketListener()
        defer { socket.close() }
        return socket.port
    }

    @Test func operatorWorkflowAgainstARunningServer() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try Self.freePort()
        let tcpPort = try Self.freePort()
        let server = Process()
        server.executableURL = Self.binary
        server.arguments = ["serve", "--data-dir", directory.path, "--http-port", String(port), "--tcp-port", String(tcpPort), "--log-level", "warning"]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }

        var healthy = false
        for _ in 0..<100 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            healthy = (try? Self.curl(["http://127.0.0.1:\(port)/health"]))?.contains("ok") == true
        }
        #expect(healthy)

        let added = try Self.run(["vendor", "add", "--data-dir", directory.path, "--code", "150", "--key", "K150", "--category", "geomagnetic", "--rate-limit", "50"])
        #expect(added.status == 0, "\(added.output)")
        let list = try Self.run(["vendor", "list", "--data-dir", directory.path])
        #expect(list.output.contains("150\tgeomagnetic\tset\t50"))
        #expect(list.output.contains("112\tgeomagnetic\t-"), "table 4.3 vendors exist without keys")
        let bad = try Self.run(["vendor", "add", "--data-dir", directory.path, "--code", "151", "--key", "K"])
        #expect(bad.status != 0 && bad.output.contains("--category"))

        let token = try Self.curl(["-d", #"jdata={"comType":"150","dataTime":"20240301083000","comKey":"K150"}"#, "http://127.0.0.1:\(port)/park/token"])
        #expect(token.contains(#""code":"100""#), "\(token)")

        #expect(try Self.run(["user", "add", "--data-dir", directory.path, "--username", "ops", "--password", "s3cret", "--role", "operator"]).status == 0)
        let login = try Self.curl(["-H", "content-type: application/json", "-d", #"{"username":"ops","password":"s3cret"}"#, "http://127.0.0.1:\(port)/api/v1/login"])
        #expect(login.contains("token"))
        // The downlink listens where --tcp-port says.
        let bearer = try #require((try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["token"] as? String)
        let downlink = try Self.curl(["-H", "authorization: Bearer \(bearer)", "http://127.0.0.1:\(port)/api/v1/downlink"])
        #expect(downlink.contains("\"port\":\(tcpPort)"), "\(downlink)")
        #expect(try RawSocket(port: tcpPort).send("$$"))

        // A member added from the CLI is queued for every park; a simulated lot on the downlink gets it.
        let park = try Self.run(["park", "add", "--data-dir", directory.path, "--code", "SIM001", "--name", "模拟", "--total", "50",
                                 "--user", "simlot1", "--password", "sim"])
        #expect(park.status == 0, "\(park.output)")
        #expect(try Self.run(["member", "add", "--data-dir", directory.path, "--plate", "京Q12345"]).status == 0)
        let simulated = try Self.run(["simulate", "parking-lot", "--target", "http://127.0.0.1:\(port)", "--parks", "1", "--password", "sim",
                                      "--rate", "2", "--duration", "3", "--tcp-port", String(tcpPort)])
        #expect(simulated.status == 0 && simulated.output.contains("downlink answered 29:1"), "\(simulated.output)")
        let sent = try Self.curl(["-H", "authorization: Bearer \(bearer)", "http://127.0.0.1:\(port)/api/v1/parks/SIM001/commands?status=succeeded"])
        #expect(sent.contains(#""code":"29""#) && sent.contains("京Q12345"), "\(sent)")

        server.terminate()  // SIGTERM
        var stopped = false
        for _ in 0..<100 where !stopped {
            try await Task.sleep(for: .milliseconds(100))
            stopped = !server.isRunning
        }
        #expect(stopped)
        #expect(server.terminationStatus == 0)
    }
}
