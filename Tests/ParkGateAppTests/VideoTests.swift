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

    static func run(_ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run { server in
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
}
