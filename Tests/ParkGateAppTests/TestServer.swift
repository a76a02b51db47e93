import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ParkGateApp
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Synchronization
import Testing

/// A ParkGate on a free port with vendors 101 (high video), 102 (geomagnetic), 109 (video pile)
/// keyed, and an admin user; tests talk to it over real HTTP.
struct TestServer {
    static let keys = ["101": "K101", "102": "4A8EE19823CF", "109": "K109"]

    let client: any TestClientProtocol
    let config: AppConfig
    let adminToken: String

    static func run(
        backend: Backend = .sqlite, _ configure: (inout AppConfig) -> Void = { _ in },
        vendorSetup: (@Sendable (Vendors) async throws -> Void)? = nil,
        login: Bool = true,
        _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = AppConfig()
        config.dataDirectory = directory.path
        config.httpPort = 0
        config.tcpPort = 0
        config.vendorCacheSeconds = 0
        config.henanCacheSeconds = 0
        config.logLevel = "warning"
        // The test client keeps one connection, and the server closes a connection idle for the
        // request timeout: a test body that runs past 30 s on a loaded machine (four simulator
        // tests in one run of the suite) would find it closed ("I/O on closed channel"). Tests of
        // the timeout set their own.
        config.requestTimeout = 600
        if backend == .postgres { config.databaseURL = try await TestDatabases.freshPostgresDatabase() }
        configure(&config)
        let platform = try Platform.open(config, logger: TestDatabases.logger)
        try await platform.withReadyStore { store in
            let vendors = Vendors(store: store)
            for (code, key) in keys { try await vendors.add(code: code, key: key, category: nil, name: nil, rateLimit: nil, strict: nil) }
            try await vendorSetup?(vendors)
            // 1,000 rounds: the suite starts about a hundred servers, each logging in once, and the
            // default's 0.1 s per hash and login adds up on two cores. Logins at the default
            // rounds are tested by the CLI tests (`parkgate user add`, then a login over HTTP).
            try await Accounts(store: store).addUser(username: "admin", password: "pw", role: "admin", rounds: 1000)
        }
        let finalConfig = config
        let app = try await buildApplication(config, logger: TestDatabases.logger)
        try await app.test(.live) { client in
            // Without a login the test client's connection is never used: a test that sets a
            // short request timeout has it closed by the server after that timeout, and a
            // login delayed past it (a busy test process) would fail on the closed connection.
            guard login else {
                try await body(TestServer(client: client, config: finalConfig, adminToken: ""))
                return
            }
            let login = try await client.execute(
                uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"admin","password":"pw"}"#))
            let token = try #require(try JSONSerialization.jsonObject(with: Data(buffer: login.body)) as? [String: Any])["token"] as? String
            try await body(TestServer(client: client, config: finalConfig, adminToken: try #require(token)))
        }
    }

    var port: Int { client.port ?? 0 }

    enum Encoding { case form, multipart, json }

    /// Posts `jdata` and returns the parsed answer.
    func post(_ endpoint: String, _ jdata: String, encoding: Encoding = .form) async throws -> Reply {
        let body: String
        var headers: HTTPFields = [:]
        switch encoding {
        case .form:
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = "jdata=" + jdata.addingPercentEncoding(withAllowedCharacters: allowed)!
            headers[.contentType] = "application/x-www-form-urlencoded"
        case .multipart:
            body = "--BoUnDaRy\r\nContent-Disposition: form-data; name=\"jdata\"\r\n\r\n\(jdata)\r\n--BoUnDaRy--\r\n"
            headers[.contentType] = "multipart/form-data; boundary=BoUnDaRy"
        case .json:
            body = jdata
            headers[.contentType] = "application/json"
        }
        let response = try await client.execute(uri: "/park/\(endpoint)", method: .post, headers: headers, body: ByteBuffer(string: body))
        #expect(response.status == .ok)
        return try Reply(response.body)
    }

    func token(vendor: String) async throws -> String {
        let reply = try await post("token", #"{"comType":"\#(vendor)","dataTime":"20171010123059","comKey":"\#(Self.keys[vendor]!)"}"#)
        #expect(reply.code == "100", "\(reply.msg)")
        return try #require(reply.content["token"])
    }

    /// GET an admin API path; returns the JSON object.
    func api(_ path: String) async throws -> [String: Any] {
        let response = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(adminToken)"])
        #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func items(_ path: String) async throws -> [[String: Any]] {
        try await api(path)["items"] as? [[String: Any]] ?? []
    }

    func eventCount() async throws -> Int {
        try await items("/api/v1/events?limit=100000").count
    }
}

struct Reply {
    let code: String
    let msg: String
    let content: [String: String]

    init(_ buffer: ByteBuffer) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
        code = object["code"] as? String ?? "?"
        msg = object["msg"] as? String ?? ""
        content = object["content"] as? [String: String] ?? [:]
    }
}

/// Builders for valid messages of each endpoint, with fields to override or remove.
enum Messages {
    static let counter = Atomic<Int>(0)

    static func flowId(vendor: String, type: String) -> String {
        vendor + type + String(format: "%016d", counter.add(1, ordering: .relaxed).newValue)
    }

    static func json(_ fields: [String: String?]) -> String {
        let object = fields.mapValues { $0.map { $0 as Any } ?? NSNull() }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func msensor(_ token: String, ps: String = "B1", state: String = "1", time: String = "20240301083000", _ changes: [String: String?] = [:]) -> [String: String?] {
        var fields: [String: String?] = [
            "token": token, "comType": "102", "flowId": flowId(vendor: "102", type: "3"), "parkCode": "PK1",
            "devCode": "M-\(ps)", "psCode": ps, "psState": state, "devElec": "87", "dataTime": time,
        ]
        for (key, value) in changes { fields[key] = value }
        return fields
    }

    static func camera(_ token: String, ps: String = "B1", state: String = "1", plate: String = "京A12345", time: String = "20240301083000", _ changes: [String: String?] = [:]) -> [String: String?] {
        var fields: [String: String?] = [
            "token": token, "comType": "109", "flowId": flowId(vendor: "109", type: "1"), "parkCode": "PK1",
            "devCode": "C-\(ps)", "psCode": ps, "inOutState": state, "vehPlate": plate, "confidence": "95",
            "ifManualCheck": "0", "fvehPlate": "", "fpsCode": "", "plateColor": "02", "vehColor": "A", "vehType": "1",
            "plateFeature": "10/20/100/40", "Image1": "http://img/1.jpg", "Image2": "", "Image3": "", "Image4": "",
            "dataTime": time, "inTime": "",
        ]
        for (key, value) in changes { fields[key] = value }
        return fields
    }
}
