import Foundation
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateStore
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

    /// Runs a command to its end and returns its status and output (stdout and stderr). The
    /// child is started with posix_spawn (`ChildProcess`: Foundation's Process.run() can crash
    /// a process with many descriptors open), waited for without holding one of Swift's few
    /// cooperative threads, and killed after `limit` seconds, so a stuck command fails its test
    /// instead of hanging the run.
    @discardableResult
    static func run(_ arguments: [String], executable: URL? = nil, limit: Double = 300) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run((executable ?? binary).path, arguments, limit: limit)
        if result.timedOut { Issue.record("\(arguments.prefix(2).joined(separator: " ")) still running after \(Int(limit)) s: killed") }
        return (result.status, result.output)
    }

    static func curl(_ arguments: [String]) async throws -> String {
        try await run(["-s", "--max-time", "5"] + arguments, executable: URL(fileURLWithPath: "/usr/bin/curl"), limit: 30).output
    }

    static func freePort() throws -> Int {
        let socket = try RawSocketListener()
        defer { socket.close() }
        return socket.port
    }

    /// `parkgate serve` on free ports over `directory`, once it answers `/health`.
    static func serve(_ directory: URL, port fixed: Int? = nil, environment: [String: String] = [:]) async throws -> (server: ChildProcess, port: Int, tcpPort: Int) {
        let port = try fixed ?? freePort(), tcpPort = try freePort()
        let server = try ChildProcess(binary.path, ["serve", "--data-dir", directory.path, "--http-port", String(port), "--tcp-port", String(tcpPort), "--log-level", "warning"],
                                      environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 })
        var healthy = false
        for _ in 0..<100 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            healthy = (try? await curl(["http://127.0.0.1:\(port)/health"]))?.contains("ok") == true
        }
        #expect(healthy)
        return (server, port, tcpPort)
    }

    @Test func operatorWorkflowAgainstARunningServer() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port, tcpPort) = try await Self.serve(directory)
        defer { if server.isRunning { server.terminate() } }

        let added = try await Self.run(["vendor", "add", "--data-dir", directory.path, "--code", "150", "--key", "K150", "--category", "geomagnetic", "--rate-limit", "50"])
        #expect(added.status == 0, "\(added.output)")
        let list = try await Self.run(["vendor", "list", "--data-dir", directory.path])
        #expect(list.output.contains("150\tgeomagnetic\tset\t50"))
        #expect(list.output.contains("112\tgeomagnetic\t-"), "table 4.3 vendors exist without keys")
        let bad = try await Self.run(["vendor", "add", "--data-dir", directory.path, "--code", "151", "--key", "K"])
        #expect(bad.status != 0 && bad.output.contains("--category"))

        let token = try await Self.curl(["-d", #"jdata={"comType":"150","dataTime":"20240301083000","comKey":"K150"}"#, "http://127.0.0.1:\(port)/park/token"])
        #expect(token.contains(#""code":"100""#), "\(token)")

        #expect(try await Self.run(["user", "add", "--data-dir", directory.path, "--username", "ops", "--password", "s3cret", "--role", "operator"]).status == 0)
        let login = try await Self.curl(["-H", "content-type: application/json", "-d", #"{"username":"ops","password":"s3cret"}"#, "http://127.0.0.1:\(port)/api/v1/login"])
        #expect(login.contains("token"))
        // The downlink listens where --tcp-port says.
        let bearer = try #require((try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["token"] as? String)
        let downlink = try await Self.curl(["-H", "authorization: Bearer \(bearer)", "http://127.0.0.1:\(port)/api/v1/downlink"])
        #expect(downlink.contains("\"port\":\(tcpPort)"), "\(downlink)")
        #expect(try RawSocket(port: tcpPort).send("$$"))

        // A member added from the CLI is queued for every park; a simulated lot on the downlink gets it.
        let park = try await Self.run(["park", "add", "--data-dir", directory.path, "--code", "SIM001", "--name", "模拟", "--total", "50",
                                 "--user", "simlot1", "--password", "sim"])
        #expect(park.status == 0, "\(park.output)")
        #expect(try await Self.run(["member", "add", "--data-dir", directory.path, "--plate", "京Q12345"]).status == 0)
        let simulated = try await Self.run(["simulate", "parking-lot", "--target", "http://127.0.0.1:\(port)", "--parks", "1", "--password", "sim",
                                      "--rate", "2", "--duration", "3", "--tcp-port", String(tcpPort)])
        #expect(simulated.status == 0 && simulated.output.contains("downlink answered 29:1"), "\(simulated.output)")
        let sent = try await Self.curl(["-H", "authorization: Bearer \(bearer)", "http://127.0.0.1:\(port)/api/v1/parks/SIM001/commands?status=succeeded"])
        #expect(sent.contains(#""code":"29""#) && sent.contains("京Q12345"), "\(sent)")

        server.terminate()  // SIGTERM
        var stopped = false
        for _ in 0..<100 where !stopped {
            try await Task.sleep(for: .milliseconds(100))
            stopped = !server.isRunning
        }
        #expect(stopped)
        #expect(server.status == 0)
    }

    /// The video platform's ledger and digest accounts from the CLI, ids checked as GB/T 28181.
    @Test func videoLedgerFromTheCLI() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ["--data-dir", directory.path]
        #expect(try await Self.run(["device", "add"] + data + ["--id", "35020000002000000001", "--kind", "node", "--name", "节点一"]).status == 0)
        let camera = try await Self.run(["device", "add"] + data + ["--id", "35020000001320000001", "--kind", "car", "--name", "环岛路卡口",
                                                               "--node", "35020000002000000001", "--place", "环岛路", "--channels", "2"])
        #expect(camera.status == 0 && camera.output.contains("via node 35020000002000000001"), "\(camera.output)")
        let badType = try await Self.run(["device", "add"] + data + ["--id", "35020000002000000002", "--kind", "face", "--name", "x"])
        #expect(badType.status != 0 && badType.output.contains("not a front-end device type"), "\(badType.output)")
        let short = try await Self.run(["device", "add"] + data + ["--id", "3502", "--kind", "car", "--name", "x"])
        #expect(short.status != 0 && short.output.contains("20 digits"))
        let noNode = try await Self.run(["device", "add"] + data + ["--id", "35020000001320000002", "--kind", "car", "--name", "x", "--node", "35020000002000000009"])
        #expect(noNode.status != 0 && noNode.output.contains("not in the ledger"))
        let list = try await Self.run(["device", "list"] + data)
        #expect(list.output.contains("35020000001320000001\tdevice\tcar\t环岛路卡口\t35020000002000000001\t环岛路\t2\tactive"), "\(list.output)")
        #expect(!list.output.contains("35020000002000000002"))
        // A CSV: a device naming a node defined later in the file, and two bad lines that are reported, not saved.
        let csv = directory.appendingPathComponent("ledger.csv")
        try """
            id,kind,name,node,place,longitude,latitude,owner,installed,channels
            35020000001320000005,face,"人像, 东门",35020000002000000007,东门,118.1,24.4,公安,2026-01-02,1
            35020000001320000006,car,坏的,,,,,,,x
            123,car,短号,,,,,,,
            35020000002000000007,node,节点二,,,,,,,
            """.write(to: csv, atomically: true, encoding: .utf8)
        let imported = try await Self.run(["device", "import"] + data + ["--csv", csv.path])
        #expect(imported.status == 2 && imported.output.contains("imported 2 devices and nodes"), "\(imported.output)")
        #expect(imported.output.contains("line 3: channels must be a number") && imported.output.contains("line 4: 123 is not a GB/T 28181 id"))
        let exported = try await Self.run(["device", "export"] + data)
        #expect(exported.output.hasPrefix("id,kind,name,node,place,longitude,latitude,owner,installed,channels,status,lastSeen"))
        #expect(exported.output.contains("35020000001320000005,face,\"人像, 东门\",35020000002000000007,东门,118.1,24.4,公安,2026-01-02,1,active,"), "\(exported.output)")
        #expect(try await Self.run(["video-account", "add"] + data + ["--user", "lpt", "--password", "lpt123"]).status == 0)
        #expect(try await Self.run(["video-account", "add"] + data + ["--user", "a:b", "--password", "x"]).status != 0)
    }

    /// The video simulator from the CLI against a running server: its ledger CSV imported with
    /// `device import`, the account added with `video-account add`, every request accepted.
    @Test func simulatedCamerasFromTheCLI() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ["--data-dir", directory.path]
        let csv = directory.appendingPathComponent("sim.csv").path
        let written = try await Self.run(["simulate", "video", "--devices", "4", "--ledger-out", csv])
        #expect(written.status == 0 && written.output.contains("wrote 4 devices"), "\(written.output)")
        #expect(try await Self.run(["device", "import"] + data + ["--csv", csv]).status == 0)
        #expect(try await Self.run(["video-account", "add"] + data + ["--user", "sim", "--password", "simpw"]).status == 0)
        let (server, port, _) = try await Self.serve(directory)
        defer { if server.isRunning { server.terminate() } }
        let target = ["--target", "http://127.0.0.1:\(port)", "--devices", "4", "--image-size", "64x48"]
        let report = try await Self.run(["simulate", "video"] + target + ["--user", "sim", "--password", "simpw", "--rate", "4", "--duration", "1.5", "--keep-alive", "1"])
        #expect(report.status == 0 && report.output.contains("authenticated 4"), "\(report.output)")
        #expect(report.output.contains("captures: sent 6  ok 6") && report.output.contains("keep-alives: sent 6  ok 6"), "\(report.output)")
        // A wrong password: every login is refused and the command says so with its exit status.
        let refused = try await Self.run(["simulate", "video"] + target + ["--user", "sim", "--password", "nope", "--rate", "2", "--duration", "1"])
        #expect(refused.status == 2 && refused.output.contains("failed"), "\(refused.output)")
    }

    /// The Henan registry from the CLI, as the issue's contract writes the commands.
    @Test func henanRegistryFromTheCLI() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ["--data-dir", directory.path]
        let organ = try await Self.run(["organ", "add"] + data + ["--organ", "4110020001", "--user", "test", "--password", "123"])
        #expect(organ.status == 0 && organ.output.contains("organ 4110020001 user test saved"), "\(organ.output)")
        let enterprise = try await Self.run(["enterprise", "add"] + data + ["--code", "4110020001", "--name", "许昌焦化", "--industry", "4", "--sub-industry", "A401", "--control-type", "1"])
        #expect(enterprise.status == 0 && enterprise.output.contains("enterprise 4110020001 许昌焦化 焦化 A 级"), "\(enterprise.output)")
        #expect(try await Self.run(["gate", "add"] + data + ["--enterprise", "4110020001", "--code", "01", "--type", "C"]).output.contains("双向出入口"))
        #expect(try await Self.run(["city", "add"] + data + ["--org-secret", "SECRET", "--user", "xc", "--password", "pw", "--organ", "4110000000"]).output
            .contains("city 4110000000 许昌市生态环境局 user xc saved"))
        #expect(try await Self.run(["enterprise", "list"] + data).output.contains("4110020001\t许昌焦化\t4\tA401\t1"))
        #expect(try await Self.run(["gate", "list"] + data + ["--enterprise", "4110020001"]).output.contains("4110020001\t01\tC"))
        #expect(try await Self.run(["organ", "list"] + data).output.contains("4110020001\ttest"))
        // Refused with the reason, nothing saved.
        for (arguments, reason) in [
            (["enterprise", "add", "--code", "4118020001", "--name", "x"], "not a city of 6.1"),
            (["enterprise", "add", "--code", "4110020002", "--name", "x", "--industry", "4", "--sub-industry", "A101"], "belongs to industry 1"),
            (["enterprise", "add", "--code", "4110020002", "--name", "x", "--control-type", "0"], "7.21"),
            (["gate", "add", "--enterprise", "4110020009", "--code", "01", "--type", "C"], "not registered"),
            (["gate", "add", "--enterprise", "4110020001", "--code", "1", "--type", "C"], "two digits"),
            (["gate", "add", "--enterprise", "4110020001", "--code", "02", "--type", "D"], "7.15"),
            (["city", "add", "--org-secret", "S", "--user", "u", "--password", "p", "--organ", "4100000000"], "not a city bureau"),
            (["organ", "add", "--organ", "41100", "--user", "u", "--password", "p"], "10 digits"),
        ] {
            let refused = try await Self.run([arguments[0], arguments[1]] + data + Array(arguments.dropFirst(2)))
            #expect(refused.status != 0 && refused.output.contains(reason), "\(arguments): \(refused.output)")
        }
        #expect(try await Self.run(["enterprise", "list"] + data).output.split(separator: "\n").count == 1)
        // A control project from the CLI: run, listed, closed; refused with the reason when its codes are wrong.
        let run = try await Self.run(["control-project", "run"] + data + ["--name", "应急", "--level", "2", "--scope", "1", "--industries", "4", "--strategy", "2"])
        #expect(run.status == 0 && run.output.contains("禁行国四及以下重型柴油（燃气）车通行"), "\(run.output)")
        let code = try #require(run.output.split(separator: " ").dropFirst(2).first.map(String.init))
        let listed = try await Self.run(["control-project", "list"] + data)
        #expect(listed.output.contains("\(code)\t应急\t2\t1\t1\t2\t4\t"), "\(listed.status) \(listed.output)")
        let closed = try await Self.run(["control-project", "close"] + data + ["--code", code])
        #expect(closed.output.contains("closed"), "\(closed.output)")
        let relisted = try await Self.run(["control-project", "list"] + data)
        #expect(relisted.output.contains("closed "), "\(relisted.output)")
        let noIndustries = try await Self.run(["control-project", "run"] + data + ["--name", "x", "--level", "2", "--scope", "1", "--strategy", "2"])
        #expect(noIndustries.status != 0 && noIndustries.output.contains("needs the industries"), "\(noIndustries.output)")
        let badStrategy = try await Self.run(["control-project", "run"] + data + ["--name", "x", "--level", "2", "--scope", "2", "--company-types", "1", "--strategy", "8"])
        #expect(badStrategy.status != 0 && badStrategy.output.contains("7.20"))
        let marked = try await Self.run(["vehicle", "mark"] + data + ["--license", "豫K12345", "--color", "1", "--blacklist", "3", "--reason", "遥感"])
        #expect(marked.status == 0 && marked.output.contains("blacklist 3"), "\(marked.output)")
        #expect(try await Self.run(["vehicle", "marks"] + data).output.contains("豫K12345\t1\t3\t-\t遥感"))
        let badMark = try await Self.run(["vehicle", "mark"] + data + ["--license", "豫K12345", "--color", "1", "--exemption", "9"])
        #expect(badMark.status != 0 && badMark.output.contains("7.14"), "\(badMark.output)")
    }

    /// Issue 5's end-to-end relay: two ParkGate processes, a city and its province. What gates
    /// send the city arrives at the province exactly once, also what the city took while the
    /// province was down.
    @Test func cityRelaysToTheProvinceExactlyOnceAcrossAnOutage() async throws {
        let provinceDirectory = TestDatabases.temporaryDirectory(), cityDirectory = TestDatabases.temporaryDirectory()
        defer { for directory in [provinceDirectory, cityDirectory] { try? FileManager.default.removeItem(at: directory) } }
        let provinceData = ["--data-dir", provinceDirectory.path], cityData = ["--data-dir", cityDirectory.path]
        #expect(try await Self.run(["city", "add"] + provinceData + ["--org-secret", "XC-SECRET", "--user", "xuchang", "--password", "xc-pw", "--organ", "4110000000"]).status == 0)
        var (province, provincePort, _) = try await Self.serve(provinceDirectory)
        defer { if province.isRunning { province.terminate() } }
        for command in [["organ", "add", "--organ", "4110020001", "--user", "test", "--password", "123"],
                        ["enterprise", "add", "--code", "4110020001", "--name", "许昌焦化", "--industry", "4", "--control-type", "1"],
                        ["gate", "add", "--enterprise", "4110020001", "--code", "01", "--type", "C"]] {
            let done = try await Self.run([command[0], command[1]] + cityData + Array(command.dropFirst(2)))
            #expect(done.status == 0, "\(done.output)")
        }
        let (city, cityPort, _) = try await Self.serve(cityDirectory, environment: [
            "PARKGATE_HENAN_PROVINCE_URL": "http://127.0.0.1:\(provincePort)", "PARKGATE_HENAN_PROVINCE_SECRET": "XC-SECRET",
            "PARKGATE_HENAN_PROVINCE_USER": "xuchang", "PARKGATE_HENAN_PROVINCE_PASSWORD": "xc-pw", "PARKGATE_HENAN_RELAY_INTERVAL": "0.2",
            "PARKGATE_HENAN_RELAY_BACKOFF": "0.5",
        ])
        defer { if city.isRunning { city.terminate() } }
        func post(_ endpoint: String, _ json: [String: Any]) async throws -> [String: Any] {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            let answer = try await Self.curl(["-H", "Content-Type: application/json", "-d", body, "http://127.0.0.1:\(cityPort)/ysgk/restapi/transportControl/\(endpoint)"])
            return (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any] ?? ["raw": answer]
        }
        let token = try #require(try await post("get_data", ["organ": "4110020001", "ipctype": "getAccessToken", "username": "test", "password": "123"])["access_token"] as? String)
        let time = ChinaTime()
        let start = Date().addingTimeInterval(-3600)
        func passage(_ index: Int) async throws -> String {
            let at = start.addingTimeInterval(Double(index * 60))
            let lsh = "411002000101A" + String(time.formatCompact(at).dropFirst(2))
            let answer = try await post("put_data", ["organ": "4110020001", "ipctype": "shareDrivingRecord", "access_token": token, "value": [
                "lsh": lsh, "qybh": "4110020001", "dzbh": "01", "cphm": "豫K1234\(index % 10)", "cpys": "1", "tgsjq": time.formatDashed(at), "tgzt": "1", "bgzt": "1"]])
            #expect(answer["code"] as? String == "200", "\(answer)")
            return lsh
        }
        let provincePlatform = try Platform.open(try await AppConfig.resolve(commandLine: ["data.dir": provinceDirectory.path], environment: [:]), logger: TestDatabases.logger)
        func arrived() async throws -> [String] {
            try await provincePlatform.withReadyStore { store in
                try await store.henanProvinceRecords(method: "SendEnterExitDataEx", city: "4110000000", limit: 1000).map(\.item)
            }
        }
        func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
            for _ in 0..<300 {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("timed out waiting for \(what)")
        }
        var sent: [String] = []
        for index in 0..<5 { sent.append(try await passage(index)) }
        try await waitFor("the first five at the province") { try await arrived().count == 5 }
        let company = try await provincePlatform.withReadyStore { store in try await store.henanProvinceCompany(code: "4110020001", secret: nil) }
        #expect(company?.fields["companyName"] == "许昌焦化" && company?.fields["industryType"] == "4", "the enterprise was registered first")

        // The province goes down; the city keeps acknowledging and queues.
        province.terminate()
        await province.wait()
        for index in 5..<10 { sent.append(try await passage(index)) }
        _ = try await passage(2)  // a repeat: answered, not queued again
        try await Task.sleep(for: .seconds(1))
        let status = try await Self.run(["relay", "status"] + cityData)
        #expect(status.output.contains("SendEnterExitDataEx\t5\t5\t0"), "five wait, five sent: \(status.output)")
        let backlog = try await Self.curl(["http://127.0.0.1:\(cityPort)/health"])
        #expect(backlog.contains("ok"))

        // Back: the queue drains, each passage once.
        (province, provincePort, _) = try await Self.serve(provinceDirectory, port: provincePort)
        try await waitFor("all ten at the province") { try await arrived().count == 10 }
        try await Task.sleep(for: .seconds(1))
        let items = try await arrived()
        #expect(Set(items) == Set(sent) && items.count == 10, "exactly once: \(items)")
        let drained = try await Self.run(["relay", "status"] + cityData)
        #expect(drained.output.contains("SendEnterExitDataEx\t0\t10\t0"), "\(drained.output)")
    }

    /// `parkgate simulate gate --print-setup`, its commands run, then the simulator against a running server.
    @Test func simulatedGatesFromTheCLI() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let setup = try await Self.run(["simulate", "gate", "--enterprises", "1", "--gates", "1", "--print-setup"])
        let commands = setup.output.split(separator: "\n").map(String.init)
        #expect(commands.count == 3 && commands.allSatisfy { $0.hasPrefix("parkgate ") }, "\(setup.output)")
        for command in commands {
            let words = command.split(separator: " ").dropFirst().map(String.init)
            let done = try await Self.run(Array(words.prefix(2)) + ["--data-dir", directory.path] + Array(words.dropFirst(2)))
            #expect(done.status == 0, "\(command): \(done.output)")
        }
        let (server, port, _) = try await Self.serve(directory)
        defer { if server.isRunning { server.terminate() } }
        let run = try await Self.run(["simulate", "gate", "--target", "http://127.0.0.1:\(port)", "--enterprises", "1", "--gates", "1", "--rate", "5",
                                      "--duration", "1", "--trucks", "4"])
        #expect(run.status == 0 && run.output.contains("passages: sent 5  ok 5"), "\(run.output)")
    }
}
