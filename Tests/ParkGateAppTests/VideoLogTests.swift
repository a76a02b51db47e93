import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ParkGateApp
import ParkGateTestSupport
import Testing

/// Section 三(一)'s logs over real HTTP: what devices did (logins, refused requests,
/// unregistrations, keep-alive gaps), what users did to the ledger, the alarms; queried by
/// time, user, device and type, and exported as CSV. The ledger is edited through the API.
@Suite(.timeLimit(.minutes(3))) struct VideoLogTests {
    typealias V = VideoTests

    func rows(_ server: TestServer, _ query: String) async throws -> [[String: Any]] {
        try await server.items("/api/v1/video/logs?" + query)
    }

    @Test func deviceLogKeepsLoginsRefusalsAndUnregistrations() async throws {
        try await V.run { server in
            let key = try #require((try await V.authenticate(server, body: "deviceID=\(V.car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            // A wrong password with credentials, a foreign key, an unknown device, data that is not JSON.
            #expect(try await V.authenticate(server, body: "deviceID=\(V.face)", password: "nope").status == .unauthorized)
            #expect(V.code(try await V.call(server, "face", "keepAlive", "deviceID=\(V.face)&appIdentityKey=\(key)")) == "EC003")
            #expect(V.code(try await V.call(server, "car", "keepAlive", "deviceID=\(V.stranger)&appIdentityKey=\(key)")) == "EC000")
            let bad = try await server.client.execute(
                uri: "/redis/rest/car/saveImageData.json", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: V.form([("imageGateTagCode", V.car), ("appIdentityKey", key), ("imageJsonData", "{not json")])))
            #expect(bad.status == .badRequest)
            #expect(try await V.call(server, "car", "unregister", "deviceID=\(V.car)&appIdentityKey=\(key)")["success"] as? Bool == true)

            let car = try await rows(server, "device=\(V.car)")
            // Newest first: unregistered, the refused upload, the login (and the state change it brought).
            #expect(car.compactMap { $0["kind"] as? String }.filter { $0 != "online" } == ["unregister", "error", "authenticate"], "\(car)")
            #expect((car.first { $0["kind"] as? String == "error" }?["detail"] as? String)?.contains("imageJsonData is not a JSON object") == true)
            #expect((car.first { $0["kind"] as? String == "authenticate" }?["detail"] as? String)?.contains("digest account lpt") == true)
            #expect(car.contains { $0["kind"] as? String == "online" })
            let face = try await rows(server, "device=\(V.face)&kind=error")
            #expect(face.count == 2 && face.allSatisfy { $0["type"] as? String == "device" }, "\(face)")
            #expect(face.contains { ($0["detail"] as? String)?.contains("digest refused (wrong password or response)") == true })
            #expect(face.contains { ($0["detail"] as? String)?.contains("keepAlive: EC003") == true })
            // A device the ledger does not know is logged too: the operator sees who is knocking.
            #expect(try await rows(server, "device=\(V.stranger)").first?["detail"] as? String == "keepAlive: EC000 deviceID \(V.stranger) is not in the ledger")
            // By time: nothing before the test began, everything up to now.
            #expect(try await rows(server, "to=20200101000000").isEmpty)
            #expect(try await rows(server, "from=20200101000000&limit=1000").count == car.count + face.count + 1)
            // As CSV, for the auditor's spreadsheet.
            let csv = try await server.send(.get, "/api/v1/video/logs?device=\(V.face)&format=csv")
            #expect(csv.status == 200 && csv.contentType?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "\u{FEFF}time,type,user,device,kind,detail" && lines.count == 3, "\(csv.text)")
            #expect(try await server.send(.get, "/api/v1/video/logs?type=nope").status == 400)
        }
    }

    @Test func theLedgerIsEditedThroughTheAPIAndEveryChangeIsInTheUserLog() async throws {
        try await V.run { server in
            let id = "35020000001320000042"
            let created = try await server.send(.put, "/api/v1/video/devices/\(id)", json: ["kind": "car", "name": "新卡口", "node": V.node, "place": "环岛路", "channels": 2])
            #expect(created.status == 201, "\(created.text)")
            let changed = try await server.send(.put, "/api/v1/video/devices/\(id)", json: ["name": "环岛路卡口", "owner": "交警支队"])
            #expect(changed.status == 200 && changed.text.contains("\"place\":\"环岛路\"") && changed.text.contains("\"channels\":2"), "\(changed.text)")
            // The GB/T 28181 rules and the node check apply as on the CLI.
            let wrongType = try await server.send(.put, "/api/v1/video/devices/35020000002000000042", json: ["kind": "car", "name": "x"])
            #expect(wrongType.status == 400 && wrongType.text.contains("not a front-end device type"), "\(wrongType.text)")
            #expect(try await server.send(.put, "/api/v1/video/devices/\(id)", json: ["node": "35020000002000000099"]).status == 400)
            #expect(try await server.send(.put, "/api/v1/video/devices/35020000001320000043", json: ["name": "no kind"]).status == 400)

            // A working device is retired: it can no longer log in or keep alive, but stays in the ledger.
            let key = try #require((try await V.authenticate(server, body: "deviceID=\(id)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            let retired = try await server.send(.delete, "/api/v1/video/devices/\(id)")
            #expect(retired.status == 200 && retired.text.contains("\"status\":\"retired\""), "\(retired.text)")
            #expect(V.code(try await V.call(server, "car", "keepAlive", "deviceID=\(id)&appIdentityKey=\(key)")) == "EC000")
            #expect(V.code(try await V.authenticate(server, body: "deviceID=\(id)").json) == "EC000")
            #expect(try await server.items("/api/v1/video/devices").contains { $0["id"] as? String == id && $0["status"] as? String == "retired" })
            // …and may come back.
            #expect(try await server.send(.put, "/api/v1/video/devices/\(id)", json: ["status": "active"]).status == 200)
            #expect(try await V.authenticate(server, body: "deviceID=\(id)").status == .ok)

            let log = try await rows(server, "type=user&device=\(id)")
            #expect(log.compactMap { $0["kind"] as? String } == ["device.save", "device.retire", "device.save", "device.create"], "\(log)")
            #expect(log.allSatisfy { $0["user"] as? String == "admin" && $0["device"] as? String == id })
            #expect(try await rows(server, "type=user&user=nobody").isEmpty)
            #expect(try await rows(server, "type=user&kind=login").contains { $0["user"] as? String == "admin" }, "the sign-in is in the user log")
            #expect(try await server.items("/api/v1/audit?target=video-device:\(id)").count == 4)
        }
    }

    @Test func alarmLogHoldsTheOfflineAlarms() async throws {
        try await V.run(configure: { $0.videoSilence = 1; $0.sweepInterval = 0.2 }) { server in
            _ = try await V.authenticate(server, body: "deviceID=\(V.car)")
            try await DownlinkTests.waitUntil("the silent camera's alarm") { try await !rows(server, "type=alarm&device=\(V.car)").isEmpty }
            let alarm = try #require(try await rows(server, "type=alarm&device=\(V.car)").first)
            #expect(alarm["kind"] as? String == "video-offline open" && (alarm["detail"] as? String)?.contains("卡口") == true, "\(alarm)")
            #expect(try await rows(server, "type=alarm&kind=closed").isEmpty)
            #expect(try await rows(server, "device=\(V.car)&kind=offline").count >= 1, "the keep-alive gap is in the device log")
        }
    }

    /// Per user, the devices or the areas it may see: a city's user sees that city's cameras,
    /// their captures, pictures and logs; another district's user sees none of them.
    @Test func scopedUsersSeeTheirAreasOnly() async throws {
        try await V.run { server in
            try await V.uploadPassage(server)
            #expect(V.code(try await V.call(server, "car", "keepAlive", "deviceID=\(V.car)&appIdentityKey=forged")) == "EC003")
            for (name, scope) in [("xiamen", ["areas": ["3502"]]), ("siming", ["areas": ["350203"]]), ("face", ["devices": [V.face]])] {
                let created = try await server.send(.post, "/api/v1/users", json: ["username": name, "password": "pw", "role": "scoped", "scope": scope])
                #expect(created.status == 201, "\(created.text)")
            }
            let bad = try await server.send(.post, "/api/v1/users", json: ["username": "bad", "password": "pw", "role": "scoped", "scope": ["areas": ["35x"]]])
            #expect(bad.status == 400 && bad.text.contains("leading 2, 4, 6 or 8 digits"), "\(bad.text)")
            let xiamen = try await server.login("xiamen", "pw"), siming = try await server.login("siming", "pw"), face = try await server.login("face", "pw")
            func items(_ path: String, _ token: String) async throws -> [[String: Any]] { try await server.jsonObject(path, token: token)["items"] as? [[String: Any]] ?? [] }

            #expect(try await items("/api/v1/video/devices", xiamen).count == 3)
            #expect(try await items("/api/v1/video/devices", siming).isEmpty)
            #expect(try await items("/api/v1/video/devices", face).compactMap { $0["id"] as? String } == [V.face])
            let captures = try await items("/api/v1/video/captures", xiamen)
            #expect(captures.count == 1)
            #expect(try await items("/api/v1/video/captures", siming).isEmpty)
            let blob = try #require(((captures.first?["images"] as? [[String: Any]])?.first)?["blob"] as? String)
            #expect(try await server.send(.get, "/api/v1/blobs/\(blob)", raw: nil, token: xiamen).status == 200, "the area's pictures")
            #expect(try await server.send(.get, "/api/v1/blobs/\(blob)", raw: nil, token: siming).status == 404)
            #expect(try await server.send(.get, "/api/v1/video/devices/\(V.car)/log", raw: nil, token: siming).status == 404)
            #expect(try await items("/api/v1/video/logs?device=\(V.car)", xiamen).contains { $0["kind"] as? String == "error" })
            #expect(try await items("/api/v1/video/logs", siming).isEmpty)
            #expect(try await items("/api/v1/video/logs", face).isEmpty)
            let today = try #require(try await items("/api/v1/video/availability", xiamen).first?["figures"] as? [[String: Any]])
            #expect(today.first { $0["group"] as? String == "all" }?["devices"] as? Int == 2, "the city's two cameras count: \(today)")
        }
    }
}

