import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParkGateApp
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The Xiamen platform's device interfaces over real HTTP: digest, keys, keep-alives.
@Suite(.timeLimit(.minutes(3))) struct VideoTests {
    static let node = "35020000002000000001", car = "35020000001320000001", face = "35020000001320000002", stranger = "35020000001320000009"

    static func run(configure: (inout AppConfig) -> Void = { _ in }, _ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run(configure) { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let ledger = VideoLedger(store: store)
                _ = try await ledger.save(id: node, kind: "node", name: "节点", node: nil)
                _ = try await ledger.save(id: car, kind: "car", name: "卡口", node: node)
                _ = try await ledger.save(id: face, kind: "face", name: "人像", node: nil)
                _ = try await ledger.saveAccount(username: "lpt", password: "lpt123")
            }
            try await body(server)
        }
    }

    static func value(_ name: String, in challenge: String) -> String {
        guard let start = challenge.range(of: name + "=\"") else { return "" }
        return String(challenge[start.upperBound...].prefix { $0 != "\"" })
    }

    /// A device's digest login: ask, get the challenge, answer it.
    static func authenticate(_ server: TestServer, family: String = "car", body: String, password: String = "lpt123",
                             algorithm: String = "SHA-256") async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        let path = "/redis/rest/\(family)/authenticate.json"
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let first = try await server.client.execute(uri: path, method: .post, headers: form, body: ByteBuffer(string: body))
        #expect(first.status == .unauthorized)
        let challenges = first.headers[values: .wwwAuthenticate]
        #expect(challenges.count == 2)
        let challenge = try #require(challenges.first { $0.contains("algorithm=\(algorithm),") })
        let nonce = value("nonce", in: challenge), realm = value("realm", in: challenge), opaque = value("opaque", in: challenge)
        let response = HTTPDigest.response(
            algorithm: HTTPDigest.Algorithm(rawValue: algorithm)!, username: "lpt", realm: realm, password: password, method: "POST", uri: path,
            nonce: nonce, nc: "00000001", cnonce: "abc", qop: "auth")
        var headers = form
        headers[.authorization] = #"Digest username="lpt", realm="\#(realm)", nonce="\#(nonce)", uri="\#(path)", algorithm=\#(algorithm), qop=auth, nc=00000001, cnonce="abc", response="\#(response)", opaque="\#(opaque)""#
        let second = try await server.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        return (second.status, try #require(try JSONSerialization.jsonObject(with: Data(buffer: second.body)) as? [String: Any]))
    }

    static func call(_ server: TestServer, _ family: String, _ service: String, _ body: String, json: Bool = false) async throws -> [String: Any] {
        let response = try await server.client.execute(
            uri: "/redis/rest/\(family)/\(service).json", method: .post,
            headers: [.contentType: json ? "application/json" : "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func code(_ answer: [String: Any]) -> String? { (answer["result"] as? [String: Any])?["errorCode"] as? String }

    @Test func authenticateKeepAliveAndUnregister() async throws {
        try await Self.run { server in
            // Timing needs nothing.
            let timing = try await server.client.execute(uri: "/redis/rest/face/timing.json", method: .get)
            let systemTime = ((try JSONSerialization.jsonObject(with: Data(buffer: timing.body)) as? [String: Any])?["result"] as? [String: Any])?["systemTime"] as? String
            #expect(systemTime.flatMap { ChinaTime().parseDashed($0) } != nil, "\(String(describing: systemTime))")

            // Digest with SHA-256 and with MD5; a wrong password is challenged again.
            let (status, answer) = try await Self.authenticate(server, body: "deviceID=\(Self.car)")
            #expect(status == .ok && answer["success"] as? Bool == true, "\(answer)")
            let key = try #require((answer["result"] as? [String: Any])?["appIdentityKey"] as? String)
            #expect(try await Self.authenticate(server, family: "face", body: "deviceID=\(Self.face)", algorithm: "MD5").status == .ok)
            let wrong = try await Self.authenticate(server, body: "deviceID=\(Self.car)", password: "nope")
            #expect(wrong.status == .unauthorized && Self.code(wrong.json) == "EC001")
            // Not in the ledger: EC000.
            let unknown = try await Self.authenticate(server, body: "deviceID=\(Self.stranger)")
            #expect(unknown.status == .ok && unknown.json["success"] as? Bool == false && Self.code(unknown.json) == "EC000")

            // Keep-alives: the key, form or JSON.
            let alive = try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(key)&statusSendTime=2026-11-22+10:00:00")
            #expect(alive["success"] as? Bool == true, "\(alive)")
            let json = #"{"deviceID":"\#(Self.car)","appIdentityKey":"\#(key)","statusSendTime":"2026-11-22 10:00:00"}"#
            #expect(try await Self.call(server, "car", "keepAlive", json, json: true)["success"] as? Bool == true)
            #expect(Self.code(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)")) == "EC001")
            #expect(Self.code(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=FFFF")) == "EC003")
            #expect(Self.code(try await Self.call(server, "face", "keepAlive", "deviceID=\(Self.face)&appIdentityKey=\(key)")) == "EC003",
                    "another device's key")
            #expect(Self.code(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.stranger)&appIdentityKey=\(key)")) == "EC000")
            // An expired key: EC002.
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.insertToken(TokenRecord(token: "OLDKEY", kind: "video", subject: Self.face, issuedAt: Date(timeIntervalSinceNow: -90_000),
                                                        expiresAt: Date(timeIntervalSinceNow: -3_600)))
                #expect(try await store.videoDevice(id: Self.car)?.lastSeen != nil, "keep-alives are recorded")
            }
            #expect(Self.code(try await Self.call(server, "face", "keepAlive", "deviceID=\(Self.face)&appIdentityKey=OLDKEY")) == "EC002")

            // A node's key covers the devices behind it; a new authenticate revokes the old key.
            let nodeKey = try #require((try await Self.authenticate(server, body: "nodeID=\(Self.node)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            #expect(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(nodeKey)")["success"] as? Bool == true)
            let again = try #require((try await Self.authenticate(server, body: "deviceID=\(Self.car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            #expect(Self.code(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(key)")) == "EC003")
            // Unregister revokes.
            #expect(try await Self.call(server, "car", "unregister", "deviceID=\(Self.car)&appIdentityKey=\(again)")["success"] as? Bool == true)
            #expect(Self.code(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(again)")) == "EC003")
        }
    }

    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]).base64EncodedString()

    static func form(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// A vehicle passing `GC0001` of 闽D12345 from the car device, through the real interfaces.
    static func uploadPassage(_ server: TestServer) async throws {
        let key = try #require((try await authenticate(server, body: "deviceID=\(car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
        let passage = #"{"gcjlid":"GC0001","cphm":"闽D12345","cpys":"蓝","gcsj":"20261122093000","zpcltp":[{"content":"\#(jpeg)"}]}"#
        let saved = try await call(server, "car", "saveImageData", form([("imageGateTagCode", car), ("appIdentityKey", key), ("imageJsonData", passage)]))
        #expect(saved["success"] as? Bool == true, "\(saved)")
    }

    @Test func vehicleAndFaceCapturesAreStoredWithTheirImages() async throws {
        try await Self.run { server in
            let key = try #require((try await Self.authenticate(server, body: "deviceID=\(Self.car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            // The document's own spacing in the keys (" gbid", " cphm ") is read, and noted.
            let passage = #"{"gcjlid":"GC0001"," gbid":"\#(Self.car)"," cphm ":"闽D12345","cpys":"蓝","cllx":"K33","xsfx":"1","gcsj":"20261122093000","longitude":"118.1","latitude":"24.4","zpcltp":[{"content":"\#(Self.jpeg)","fileSize":"12","pos":{"leftTopX":0,"leftTopY":0,"rightBottomX":10,"rightBottomY":10}}],"zpcptp":{"content":"\#(Self.jpeg)"},"zpjsytp":{"content":"\#(Self.jpeg)","width":1080,"height":1920}}"#
            let body = Self.form([("imageGateTagCode", Self.car), ("appIdentityKey", key), ("imageJsonData", passage)])
            let saved = try await Self.call(server, "car", "saveImageData", body)
            #expect(saved["success"] as? Bool == true, "\(saved)")
            #expect(try await Self.call(server, "car", "saveImageData", body)["success"] as? Bool == true, "a repeat is answered success")
            // No key, someone else's device, and data the platform cannot use.
            #expect(Self.code(try await Self.call(server, "car", "saveImageData", Self.form([("imageGateTagCode", Self.car), ("imageJsonData", passage)]))) == "EC001")
            #expect(Self.code(try await Self.call(server, "car", "saveImageData", Self.form([("imageGateTagCode", Self.stranger), ("appIdentityKey", key)]))) == "EC000")
            for (data, reason) in [("not json", "not a JSON object"), (#"{"zpcltp":[]}"#, "gcjlid"),
                                   (#"{"gcjlid":"G2","zpcltp":[{"content":"!!!"}]}"#, "not base64"),
                                   (#"{"gcjlid":"G3","zpcltp":[{"content":"aGVsbG8gd29ybGQ="}]}"#, "not a JPEG")] {
                let response = try await server.client.execute(
                    uri: "/redis/rest/car/saveImageData.json", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: Self.form([("imageGateTagCode", Self.car), ("appIdentityKey", key), ("imageJsonData", data)])))
                #expect(response.status == .badRequest, "\(data)")
                #expect(String(buffer: response.body).contains(reason), "\(String(buffer: response.body))")
            }

            // A face upload through the face family, with a JSON body.
            let faceKey = try #require((try await Self.authenticate(server, family: "face", body: "deviceID=\(Self.face)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            let faces = #"{"deviceID":"\#(Self.face)","deviceTime":"20261122093500","locationName":"环岛路","faceImages":[{"type":"jpg","content":"\#(Self.jpeg)","facePos":{"leftTopX":1,"leftTopY":2,"rightBottomX":30,"rightBottomY":40}}],"backgroundImage":{"type":"jpg","content":"\#(Self.jpeg)","width":1080,"height":1920}}"#
            let request = try JSONSerialization.data(withJSONObject: ["imageGateTagCode": Self.face, "appIdentityKey": faceKey, "imageJsonData": faces])
            #expect(try await Self.call(server, "face", "saveImageData", String(decoding: request, as: UTF8.self), json: true)["success"] as? Bool == true)

            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let cars = try await store.videoCaptures(deviceId: Self.car, plate: nil, from: nil, to: nil, limit: 10)
                #expect(cars.count == 1, "stored once")
                let car = try #require(cars.first)
                #expect(car.recordId == "GC0001" && car.plate == "闽D12345" && car.plateColor == "蓝" && car.direction == "1")
                #expect(car.capturedAt == ChinaTime().parseCompact("20261122093000"))
                #expect(car.images.map(\.role) == ["vehicle", "plate", "driver"] && car.images[2].width == 1080)
                #expect(car.images[0].box?.contains("rightBottomX") == true && car.data.contains("blob:") && !car.data.contains(Self.jpeg))
                #expect(car.findings?.contains("gbid") == true)
                let face = try #require(try await store.videoCaptures(deviceId: Self.face, plate: nil, from: nil, to: nil, limit: 10).first)
                #expect(face.images.map(\.role) == ["face", "background"] && face.place == "环岛路")
            }
            // The read API shows them.
            let listed = try await server.items("/api/v1/video/captures?deviceId=\(Self.car)")
            #expect(listed.count == 1 && listed.first?["plate"] as? String == "闽D12345")
            #expect(try await server.items("/api/v1/video/devices").count == 3)
            // The images are in the blob store, once.
            let blobs = try FileManager.default.subpathsOfDirectory(atPath: server.config.dataDirectory + "/blobs").filter { $0.hasSuffix(".jpg") }
            #expect(blobs.count == 1)
        }
    }

    /// Someone who captured a device's login replays it: refused, the device's key stays its own.
    @Test func aReplayedDigestLoginIsRefused() async throws {
        try await Self.run { server in
            let path = "/redis/rest/car/authenticate.json"
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let first = try await server.client.execute(uri: path, method: .post, headers: form, body: ByteBuffer(string: "deviceID=\(Self.car)"))
            let challenge = try #require(first.headers[values: .wwwAuthenticate].first { $0.contains("algorithm=SHA-256,") })
            let (nonce, realm, opaque) = (Self.value("nonce", in: challenge), Self.value("realm", in: challenge), Self.value("opaque", in: challenge))
            let response = HTTPDigest.response(algorithm: .sha256, username: "lpt", realm: realm, password: "lpt123", method: "POST", uri: path,
                                               nonce: nonce, nc: "00000001", cnonce: "c1", qop: "auth")
            var headers = form
            headers[.authorization] = #"Digest username="lpt", realm="\#(realm)", nonce="\#(nonce)", uri="\#(path)", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c1", response="\#(response)", opaque="\#(opaque)""#
            let login = try await server.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: "deviceID=\(Self.car)"))
            #expect(login.status == .ok)
            let key = try #require(((try JSONSerialization.jsonObject(with: Data(buffer: login.body)) as? [String: Any])?["result"] as? [String: Any])?["appIdentityKey"] as? String)
            let replay = try await server.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: "deviceID=\(Self.car)"))
            #expect(replay.status == .unauthorized && String(buffer: replay.body).contains("replayed"), "\(String(buffer: replay.body))")
            #expect(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(key)")["success"] as? Bool == true,
                    "the replay issued no key: the device's own still works")
            #expect(try await server.items("/api/v1/video/logs?device=\(Self.car)&kind=error").contains { ($0["detail"] as? String)?.contains("replayed") == true })
        }
    }

    /// `video.imageLimit` refuses a capture with one picture too large, and nothing of it is
    /// kept: not the capture, not the files of its pictures that were fine.
    @Test func aPictureOverTheLimitRefusesTheWholeCapture() async throws {
        try await Self.run(configure: { $0.videoImageLimit = 100 }) { server in
            let key = try #require((try await Self.authenticate(server, body: "deviceID=\(Self.car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            let large = Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 200)).base64EncodedString()
            let passage = #"{"gcjlid":"BIG1","zpcltp":[{"content":"\#(Self.jpeg)"}],"zpcptp":{"content":"\#(large)"}}"#
            let response = try await server.client.execute(
                uri: "/redis/rest/car/saveImageData.json", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: Self.form([("imageGateTagCode", Self.car), ("appIdentityKey", key), ("imageJsonData", passage)])))
            #expect(response.status == .badRequest && String(buffer: response.body).contains("zpcptp: not base64, or larger than 100 bytes"), "\(String(buffer: response.body))")
            #expect(try await server.items("/api/v1/video/captures").isEmpty)
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: server.config.dataDirectory + "/blobs")) ?? []
            #expect(files.filter { $0.hasSuffix(".jpg") }.isEmpty, "no file of the refused capture: \(files)")
            // Within the limit, the same capture is taken.
            let small = #"{"gcjlid":"BIG1","zpcltp":[{"content":"\#(Self.jpeg)"}]}"#
            #expect(try await Self.call(server, "car", "saveImageData", Self.form([("imageGateTagCode", Self.car), ("appIdentityKey", key), ("imageJsonData", small)]))["success"] as? Bool == true)
        }
    }

    @Test func silentDevicesGoOfflineWithAnAlarmAndComeBack() async throws {
        try await Self.run(configure: { $0.videoSilence = 4; $0.sweepInterval = 0.2 }) { server in
            let key = try #require((try await Self.authenticate(server, body: "deviceID=\(Self.car)").json["result"] as? [String: Any])?["appIdentityKey"] as? String)
            func state() async throws -> Bool? {
                try await server.items("/api/v1/video/devices").first { $0["id"] as? String == Self.car }?["online"] as? Bool
            }
            #expect(try await state() == true, "authenticated: online")
            try await DownlinkTests.waitUntil("the silent camera is offline", timeout: 30) { try await state() == false }
            let alarms = try await server.items("/api/v1/alarms?status=open")
            #expect(alarms.contains { $0["kind"] as? String == "video-offline" && $0["devCode"] as? String == Self.car }, "\(alarms)")
            let sent = ContinuousClock.now
            #expect(try await Self.call(server, "car", "keepAlive", "deviceID=\(Self.car)&appIdentityKey=\(key)")["success"] as? Bool == true)
            let online = try await state()
            if ContinuousClock.now - sent < .seconds(4) {
                #expect(online == true, "just kept alive: online for the next 4 s (video.silence)")
            } else {
                // Silent for longer than video.silence by the time of the read (a loaded machine):
                // online still, or marked offline again with an alarm of its own.
                let again = try await server.items("/api/v1/alarms?kind=video-offline&status=open")
                #expect(online == true || again.contains { $0["devCode"] as? String == Self.car }, "silent again: a new alarm")
            }
            #expect(try await server.items("/api/v1/alarms?kind=video-offline&status=cleared").contains { $0["devCode"] as? String == Self.car },
                    "the keep-alive clears the alarm")
            // The device's log: online, offline, online again, and its alarm.
            let log = try await server.api("/api/v1/video/devices/\(Self.car)/log")
            // Oldest first: online, offline, online (it may have gone silent again since, on a slow machine).
            let history = Array(((log["changes"] as? [[String: Any]]) ?? []).compactMap { $0["online"] as? Bool }.reversed())
            #expect(history.prefix(3) == [true, false, true], "\(log)")
            #expect((log["alarms"] as? [[String: Any]])?.first?["kind"] as? String == "video-offline")
            // Today's availability counts the offline spell: above 0, below 100%, in the car's area.
            let today = try #require(try await server.items("/api/v1/video/availability").first)
            let figures = try #require(today["figures"] as? [[String: Any]])
            let all = try #require(figures.first { $0["group"] as? String == "all" })
            let rate = try #require(all["rate"] as? Double)
            #expect(all["devices"] as? Int == 2 && rate > 0 && rate < 1 && all["meetsRequirement"] as? Bool == false, "\(figures)")
            #expect(figures.contains { $0["group"] as? String == "350200" })
        }
    }

    @Test func oldCapturesAndTheirImagesAreRemoved() async throws {
        try await Self.run { server in
            try await Self.uploadPassage(server)
            let blobs = BlobStore(directory: URL(fileURLWithPath: server.config.dataDirectory).appendingPathComponent("blobs"))
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                // An old capture with an image of its own and one it shares with the recent capture.
                let own = try blobs.put(Data([0xFF, 0xD8, 0xFF, 0x01]), extension: "jpg")
                let shared = try #require(try await store.videoCaptures(deviceId: Self.car, plate: nil, from: nil, to: nil, limit: 1).first?.images.first?.blob)
                let old = Date(timeIntervalSinceNow: -31 * 86_400)
                #expect(try await store.saveVideoCapture(VideoCapture(
                    id: store.newCaptureId(now: old), family: "car", deviceId: Self.car, recordId: "OLD", capturedAt: old, capturedText: nil, data: "{}",
                    receivedAt: old, images: [VideoImage(role: "vehicle", blob: own, bytes: 4), VideoImage(role: "scene", blob: shared, bytes: 12)])))
                #expect(try await store.oldestVideoCapture().map { abs($0.timeIntervalSince(old)) < 1 } == true)
                let removed = try await VideoRetention(store: store, blobs: blobs, days: 30).sweep()
                #expect(removed.captures == 1 && removed.files == 1, "\(removed)")
                #expect(blobs.url(of: own) == nil && blobs.url(of: shared) != nil, "the shared image stays with the recent capture")
                #expect(try await store.videoCaptures(deviceId: nil, plate: nil, from: nil, to: nil, limit: 10).map(\.recordId) == ["GC0001"])
            }
            let retention = try await server.api("/api/v1/video/retention")
            #expect(retention["days"] as? Int == 30 && (retention["oldest"] as? String)?.hasPrefix("20") == true, "\(retention)")
        }
    }
}
