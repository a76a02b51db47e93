import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParkGateClient
import ParkGateModel
import Testing

/// Device evaluation campaigns end to end: a simulated test site with known injected faults
/// sends over real HTTP; the report must find exactly those faults and nothing else.
@Suite(.timeLimit(.minutes(3))) struct CampaignTests {
    static let time = ChinaTime()

    static func simulator(port: Int) -> RoadsideCampaignSimulator {
        RoadsideCampaignSimulator(
            target: "http://127.0.0.1:\(port)", parkCode: "SITE", berths: (1...12).map { String(format: "P%03d", $0) },
            devices: [
                .init(vendor: "102", key: TestServer.keys["102"]!, endpoint: "msensor", devCode: "M1"),
                .init(vendor: "102", key: TestServer.keys["102"]!, endpoint: "msensor", devCode: "M2", faults: .init(missDepartures: 0.1)),
                .init(vendor: "109", key: TestServer.keys["109"]!, endpoint: "camera", devCode: "C1", faults: .init(clockOffset: -90)),
                .init(vendor: "101", key: TestServer.keys["101"]!, endpoint: "hpcamera", devCode: "H1", faults: .init(plateMisreads: 0.05)),
            ],
            duration: 16, dwell: 4...9, vacancy: 2...6, seed: 7)
    }

    @Test func reportFindsExactlyTheInjectedFaults() async throws {
        try await TestServer.run { server in
            let (plan, sent) = try await Self.simulator(port: server.port).run(time: Self.time)
            #expect(sent.sent == plan.messages.count && sent.acknowledged == sent.sent, "\(sent)")
            let missed = plan.injected.filter { $0.fault == "missed-departure" }
            let misreads = plan.injected.filter { $0.fault == "plate-misread" }
            #expect(!missed.isEmpty && !misreads.isEmpty)

            let from = Self.time.formatCompact(plan.start), to = Self.time.formatCompact(plan.start.addingTimeInterval(16))
            let created = try await server.send(.post, "/api/v1/campaigns", json: [
                "name": "site-a", "parkCode": "SITE", "devices": ["102:M1", "102:M2", "109:C1", "101:H1"], "from": from, "to": to,
                "tolerance": 2, "truth": TruthCSV.format(plan.truth, time: Self.time),
            ])
            #expect(created.status == 201, "\(created.text)")

            let report = try await server.jsonObject("/api/v1/campaigns/site-a/report?format=json")
            let devices = try #require(report["devices"] as? [[String: Any]])
            let byCode = Dictionary(uniqueKeysWithValues: devices.map { ($0["devCode"] as! String, $0) })
            let truthCount = plan.truth.count, departures = plan.truth.filter { $0.event == .depart }.count
            for code in ["M1", "M2", "C1", "H1"] {
                let device = try #require(byCode[code])
                #expect(device["precision"] as? Double == 1, "\(code): no false events")
                #expect((device["falseEvents"] as? [Any])?.isEmpty == true, "\(code)")
                #expect((device["dataQuality"] as? [String: Any])?["flowIdGaps"] as? Int == 0, "\(code)")
                // Each message was received between its planned time (its stamp, cut to the whole
                // second, is at most 1 s earlier) and its acknowledgement, however busy the machine.
                let latest = try #require(sent.lateness[code]?.max()) + 1
                let delay = try #require(device["delayP50"] as? Double)
                #expect(delay >= 0 && delay <= latest, "\(code): receipt delay p50 \(delay), latest acknowledgement \(latest) s")
                #expect(device["delayP95"] is Double)
                let skew = try #require(device["clockSkew"] as? Double)
                if code == "C1" {
                    #expect(skew >= -90 - latest && skew <= -89.999, "C1 clock 90 s late: \(skew)")
                } else {
                    #expect(skew >= -latest && skew <= 0.001, "\(code): \(skew)")
                }
                let missedHere = (device["missed"] as? [[String: Any]] ?? []).map { "\($0["psCode"]!)@\($0["time"]!)" }.sorted()
                let injectedHere = missed.filter { $0.devCode == code }.map { "\($0.psCode)@\($0.time)" }.sorted()
                #expect(missedHere == injectedHere, "\(code): missed events are exactly the injected ones")
                let expectedRecall = Double(truthCount - injectedHere.count) / Double(truthCount)
                #expect(abs((device["recall"] as? Double ?? -1) - expectedRecall) < 1e-9, "\(code)")
            }
            let m2 = try #require(byCode["M2"]?["departures"] as? [String: Any])
            #expect(m2["truth"] as? Int == departures && m2["matched"] as? Int == departures - missed.count)
            #expect(byCode["M1"]?["plateAccuracy"] is NSNull && byCode["M2"]?["plateAccuracy"] is NSNull, "sensors read no plates")
            #expect(byCode["C1"]?["plateAccuracy"] as? Double == 1)
            let h1 = try #require(byCode["H1"])
            let reads = try #require(h1["platesCompared"] as? Int)
            #expect(reads == truthCount)
            #expect(abs((h1["plateAccuracy"] as? Double ?? -1) - Double(reads - misreads.count) / Double(reads)) < 1e-9)
            let misreadList = (h1["plateMisreads"] as? [[String: Any]] ?? []).map { "\($0["truth"]!)→\($0["reported"]!)" }.sorted()
            #expect(misreadList == misreads.map { "\($0.truthPlate!)→\($0.reportedPlate!)" }.sorted())

            let vendors = try #require(report["vendors"] as? [[String: Any]])
            #expect(vendors.map { $0["vendor"] as? String } == ["101", "102", "109"])
            for vendor in vendors {
                for key in ["recall", "precision", "plateAccuracy", "delayP50", "delayP95", "devices"] { #expect(vendor[key] != nil, "vendor \(key)") }
            }

            // CSV and a self-contained HTML file.
            let csv = try await server.send(.get, "/api/v1/campaigns/site-a/report?format=csv")
            #expect(csv.status == 200 && csv.contentType?.hasPrefix("text/csv") == true)
            let csvLines: Int = csv.text.split(separator: "\n").count
            #expect(csvLines == 11, "a header, four devices, three vendors, three kinds")
            let html = try await server.send(.get, "/api/v1/campaigns/site-a/report?format=html")
            #expect(html.status == 200 && html.contentType?.hasPrefix("text/html") == true)
            #expect(html.text.contains("<svg") && html.text.contains("C1") && html.text.contains("Timeline of berth"))
            #expect(!html.text.contains("src=") && !html.text.contains("href=") && !html.text.contains("<script"), "nothing fetched from elsewhere")

            // The same campaign judged against a reference device instead of the CSV.
            let referenced = try await server.send(.post, "/api/v1/campaigns", json: [
                "name": "site-a-ref", "parkCode": "SITE", "devices": "M2,C1", "from": from, "to": to, "tolerance": 2, "reference": "M1",
            ])
            #expect(referenced.status == 201, "\(referenced.text)")
            let againstReference = try await server.jsonObject("/api/v1/campaigns/site-a-ref/report")
            let refDevices = try #require(againstReference["devices"] as? [[String: Any]])
            let refM2 = try #require(refDevices.first { $0["devCode"] as? String == "M2" })
            #expect((refM2["missed"] as? [Any])?.count == missed.count)
            #expect(refDevices.first { $0["devCode"] as? String == "C1" }?["recall"] as? Double == 1)

            // The CLI reads the same data directory while the server runs.
            let directory = server.config.dataDirectory
            let truthFile = URL(fileURLWithPath: directory).appendingPathComponent("truth.csv")
            try Data(TruthCSV.format(plan.truth, time: Self.time).utf8).write(to: truthFile)
            let create = try await CLITests.run([
                "campaign", "create", "--data-dir", directory, "--name", "cli", "--park", "SITE", "--devices", "M1,M2,C1,H1",
                "--from", from, "--to", to, "--truth", truthFile.path, "--tolerance", "2",
            ])
            #expect(create.status == 0, "\(create.output)")
            let out = URL(fileURLWithPath: directory).appendingPathComponent("report.json")
            let cliReport = try await CLITests.run(["campaign", "report", "--data-dir", directory, "--name", "cli", "--format", "json", "--out", out.path])
            #expect(cliReport.status == 0, "\(cliReport.output)")
            let fromCLI = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
            let cliDevices = try #require(fromCLI["devices"] as? [[String: Any]])
            #expect(cliDevices.map { $0["recall"] as? Double } == devices.map { $0["recall"] as? Double })
            #expect(try await CLITests.run(["campaign", "list", "--data-dir", directory]).output.contains("site-a-ref"))
        }
    }

    @Test func badCampaignsAreRefusedWithTheReason() async throws {
        try await TestServer.run { server in
            let base: [String: Any] = ["name": "x", "parkCode": "PK", "devices": ["D1"], "from": "20260301080000", "to": "20260301090000"]
            func create(_ changes: [String: Any]) async throws -> TestServer.Answer {
                try await server.send(.post, "/api/v1/campaigns", json: base.merging(changes) { $1 })
            }
            var answer = try await create(["truth": "psCode,event,time,plate\nP1,arrive,20260301083000,\nP1,gone,20260301084000,\n"])
            #expect(answer.status == 400 && answer.text.contains("line 3"))
            answer = try await create(["truth": "psCode,event,time,plate\nP1,arrive,20260302083000,\n"])
            #expect(answer.status == 400 && answer.text.contains("no ground-truth event"))
            answer = try await create(["truth": "psCode,event,time,plate\n", "reference": "D2"])
            #expect(answer.status == 400 && answer.text.contains("not both"))
            answer = try await create(["reference": "D2", "from": "20260301100000"])
            #expect(answer.status == 400 && answer.text.contains("before"))
            answer = try await create(["reference": "D2"])
            #expect(answer.status == 201)
            answer = try await create(["reference": "D2"])
            #expect(answer.status == 409)
            #expect(try await server.send(.get, "/api/v1/campaigns/nope/report").status == 404)
            #expect(try await server.send(.get, "/api/v1/campaigns/x/report?format=pdf").status == 400)
            #expect(try await server.send(.get, "/api/v1/campaigns", token: nil).status == 401)
            #expect(try await server.send(.delete, "/api/v1/campaigns/x").status == 204)
            #expect(try await server.send(.get, "/api/v1/campaigns/x").status == 404)
        }
    }
}

extension TestServer {
    struct Answer {
        let status: Int
        let text: String
        let contentType: String?
    }

    /// Any admin API request, with the admin's token unless told otherwise.
    func send(_ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil, token: String? = "") async throws -> Answer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token.isEmpty ? adminToken : token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        return Answer(status: Int(response.status.code), text: String(buffer: response.body), contentType: response.headers[.contentType])
    }

    func jsonObject(_ path: String) async throws -> [String: Any] {
        let answer = try await send(.get, path)
        #expect(answer.status == 200, "\(path): \(answer.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])
    }
}
