import Foundation
import HummingbirdTesting
import NIOCore
import ParkGateStore
import ParkGateTestSupport
import Testing

/// What an operator sees: berths, sessions, alarms, devices, the read API and its guard.
@Suite(.timeLimit(.minutes(3))) struct PlatformTests {
    @Test(arguments: Backend.available)
    func berthsSessionsAndAlarmsFollowTheDevices(backend: Backend) async throws {
        try await TestServer.run(backend: backend) { server in
            let camera = try await server.token(vendor: "109")
            let entry = Messages.camera(camera, ps: "B7", state: "1", plate: "京 A12345", time: "20240301080000")
            #expect(try await server.post("camera", Messages.json(entry)).code == "100")
            var berth = try await server.items("/api/v1/berths?parkCode=PK1").first
            #expect(berth?["occupied"] as? Bool == true)
            #expect(berth?["plate"] as? String == "京A12345")

            // An abnormal-parking alarm tied to the entry by its serial.
            let serial = String(entry["flowId"]!!.suffix(16))
            let alarm = [
                "token": camera, "comType": "109", "flowId": "1094" + serial, "parkCode": "PK1", "devCode": "C-B7",
                "psCode": "B7", "alarmCode": "1", "alarmTime": "20240301080500", "alarmLevel": "2",
            ]
            #expect(try await server.post("alarm", Messages.json(alarm)).code == "100")
            let alarms = try await server.items("/api/v1/alarms?kind=parking")
            let entryEvent = try await server.items("/api/v1/events?flowId=\(entry["flowId"]!!)").first
            #expect(alarms.first?["eventId"] as? Int == entryEvent?["id"] as? Int)

            // The exit carries inTime: the session runs from it.
            let exit = Messages.camera(camera, ps: "B7", state: "0", plate: "京A12345", time: "20240301093000", ["inTime": "20240301080000"])
            #expect(try await server.post("camera", Messages.json(exit)).code == "100")
            let session = try await server.items("/api/v1/sessions?parkCode=PK1&psCode=B7").first
            #expect(session?["status"] as? String == "closed")
            #expect(session?["durationSeconds"] as? Int == 5400)
            berth = try await server.items("/api/v1/berths?parkCode=PK1").first
            #expect(berth?["occupied"] as? Bool == false)

            // Device error (3.5) opens a device alarm.
            let sensor = try await server.token(vendor: "102")
            let error = [
                "token": sensor, "comType": "102", "flowId": Messages.flowId(vendor: "102", type: "5"), "parkCode": "PK1",
                "devCode": "M-B7", "psCode": "B7", "alarmCode": "0", "alarmTime": "20240301100000",
            ]
            #expect(try await server.post("deverror", Messages.json(error)).code == "100")
            #expect(try await server.items("/api/v1/alarms?kind=device-error&status=open").count == 1)
            // Battery level is kept per device.
            #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "B7"))).code == "100")
            let device = try await server.items("/api/v1/devices?vendor=102").first
            #expect(device?["battery"] as? String == "87")
            #expect(try await server.items("/api/v1/alarms?kind=device-error&status=open").isEmpty)
        }
    }

    @Test func silentDevicesGoOfflineAndComeBack() async throws {
        try await TestServer.run({ $0.deviceSilence = 4; $0.sweepInterval = 0.2 }) { server in
            let sensor = try await server.token(vendor: "102")
            #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "Q1"))).code == "100")
            var offline: [[String: Any]] = []
            for _ in 0..<150 where offline.isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                offline = try await server.items("/api/v1/alarms?kind=device-offline&status=open")
            }
            #expect(offline.count == 1)
            #expect(try await server.items("/api/v1/devices?online=false").count == 1)
            let raised = try #require(offline.first?["id"] as? Int)
            let sent = ContinuousClock.now
            #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "Q1", state: "0"))).code == "100")
            // (A busy machine may let the sweep find it silent again later; this alarm is cleared all the same.)
            #expect(try await server.items("/api/v1/alarms?kind=device-offline&status=cleared").contains { $0["id"] as? Int == raised })
            let online = try await server.items("/api/v1/devices?online=true").count
            if ContinuousClock.now - sent < .seconds(4) {
                #expect(online == 1, "just heard from: online for the next 4 s")
            } else {
                // Silent for longer than devices.silence by the time of the read (a loaded machine):
                // online still, or marked offline again with an alarm of its own.
                let again = try await server.items("/api/v1/alarms?kind=device-offline&status=open")
                #expect(online == 1 || again.contains { $0["id"] as? Int != raised }, "silent again: a new alarm")
            }
        }
    }

    @Test func apiNeedsATokenAndPagesWithACursor() async throws {
        try await TestServer.run { server in
            #expect(try await server.client.execute(uri: "/api/v1/events", method: .get).status == .unauthorized)
            #expect(try await server.client.execute(uri: "/api/v1/events", method: .get, headers: [.authorization: "Bearer nope"]).status == .unauthorized)
            let wrong = try await server.client.execute(
                uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"admin","password":"bad"}"#))
            #expect(wrong.status == .unauthorized)

            let sensor = try await server.token(vendor: "102")
            for index in 0..<7 {
                #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "PG\(index)"))).code == "100")
            }
            var seen = Set<String>()
            var cursor: String?
            repeat {
                let page = try await server.api("/api/v1/events?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                for item in page["items"] as? [[String: Any]] ?? [] { seen.insert(item["flowId"] as? String ?? "") }
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(try await server.items("/api/v1/events?psCode=PG3").count == 1)
            #expect(try await server.items("/api/v1/events?from=20240301082959&to=20240301083001").count == 7)
            #expect(try await server.items("/api/v1/events?from=20240301083001").isEmpty)
            let tooMany = try await server.client.execute(
                uri: "/api/v1/events?limit=100001", method: .get, headers: [.authorization: "Bearer \(server.adminToken)"])
            #expect(tooMany.status == .badRequest)
            let event = try #require(try await server.items("/api/v1/events?psCode=PG3").first)
            let raw = try await server.api("/api/v1/events/\(event["id"] as! Int)/raw")
            #expect(((raw["raw"] as? [String: Any])?["body"] as? String)?.contains("PG3") == true)
            #expect(try await server.items("/api/v1/vendors").count == 12)
        }
    }

    @Test func healthAndMetrics() async throws {
        try await TestServer.run { server in
            #expect(try await server.client.execute(uri: "/health", method: .get).status == .ok)
            _ = try await server.token(vendor: "102")
            let metrics = try await server.client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(String(buffer: metrics.body).contains("parkgate_roadside_replies_total"))
        }
    }

    /// The request metrics keep Hummingbird's names and dimensions (dashboards built on them
    /// keep working) although ParkGate records them itself, when the answer is ready.
    @Test func requestMetricsPerRouteAndStatus() async throws {
        try await TestServer.run { server in
            _ = try await server.token(vendor: "102")
            #expect(try await server.client.execute(uri: "/no-such-page", method: .get).status == .notFound)
            let text = String(buffer: try await server.client.execute(uri: "/metrics", method: .get).body)
            let lines = text.split(separator: "\n").map(String.init)
            func series(_ name: String, _ labels: [String]) -> [String] {
                lines.filter { $0.hasPrefix(name + "{") && labels.allSatisfy($0.contains) }
            }
            let token = ["http_route=\"/park/token\"", "http_request_method=\"POST\"", "http_response_status_code=\"200\""]
            let hb = lines.filter { $0.hasPrefix("hb_") || $0.hasPrefix("http_server") }.joined(separator: "\n")
            #expect(series("hb_requests", token).count == 1, "\(hb)")
            #expect(series("http_server_request_duration_count", token).count == 1, "\(hb)")
            #expect(series("hb_request_errors", ["http_route=\"NotFound\"", "error_type=\"404\""]).count == 1, "\(hb)")
            #expect(series("http_server_active_requests", ["http_request_method=\"GET\""]).count == 1, "\(hb)")
        }
    }

    @Test func storageFailureAnswers301AndStoresNothing() async throws {
        try await TestServer.run { server in
            let sensor = try await server.token(vendor: "102")
            // Break the events table behind the server's back: the batch's transaction fails.
            let database = try SQLiteDatabase(path: server.config.resolvedDatabaseURL.replacingOccurrences(of: "sqlite:", with: ""))
            try await database.transaction([SQLStatement("ALTER TABLE events RENAME TO events_gone")])
            let reply = try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "F1")))
            #expect(reply.code == "301")
            #expect(try await database.query("SELECT count(*) AS n FROM raw_messages").first?.int("n") == 0)
            try await database.transaction([SQLStatement("ALTER TABLE events_gone RENAME TO events")])
            #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "F1"))).code == "100")
        }
    }
}
