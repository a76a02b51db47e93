import Foundation
import Hummingbird
import NIOCore
@testable import ParkGateApp
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import ParkGateTestSupport
import Testing

/// Every `/api/v1` route, for every role: allowed, forbidden, or invisible (scoped users).
@Suite(.timeLimit(.minutes(3))) struct PermissionTests {
    static let roles = ["admin", "operator", "auditor", "scoped"]

    /// The expected status per role (admin, operator, auditor, scoped) for each route; the
    /// scoped user may see park PK1 only. `{pk1Event}` and friends are filled in at run time.
    static let matrix: [(route: String, path: String, body: String?, expected: [Int])] = [
        ("GET /api/v1/me", "/api/v1/me", nil, [200, 200, 200, 200]),
        ("GET /api/v1/vendors", "/api/v1/vendors", nil, [200, 200, 200, 200]),
        ("PUT /api/v1/vendors/{code}", "/api/v1/vendors/102", #"{"rateLimit":0}"#, [200, 403, 403, 403]),
        ("GET /api/v1/vendors/{code}/findings", "/api/v1/vendors/102/findings", nil, [200, 200, 200, 404]),
        ("GET /api/v1/findings", "/api/v1/findings", nil, [200, 200, 200, 200]),
        ("GET /api/v1/berths", "/api/v1/berths", nil, [200, 200, 200, 200]),
        ("GET /api/v1/devices", "/api/v1/devices", nil, [200, 200, 200, 200]),
        ("GET /api/v1/events", "/api/v1/events", nil, [200, 200, 200, 200]),
        ("GET /api/v1/events/{id}/raw", "/api/v1/events/{pk2Event}/raw", nil, [200, 200, 200, 404]),
        ("GET /api/v1/sessions", "/api/v1/sessions", nil, [200, 200, 200, 200]),
        ("GET /api/v1/alarms", "/api/v1/alarms", nil, [200, 200, 200, 200]),
        ("POST /api/v1/alarms/{id}/acknowledge", "/api/v1/alarms/{pk2Alarm}/acknowledge", nil, [200, 200, 403, 404]),
        ("POST /api/v1/alarms/{id}/close", "/api/v1/alarms/{pk2Alarm}/close", nil, [200, 409, 403, 404]),
        ("GET /api/v1/summary", "/api/v1/summary", nil, [200, 200, 200, 200]),
        ("GET /api/v1/parks", "/api/v1/parks", nil, [200, 200, 200, 200]),
        ("POST /api/v1/parks", "/api/v1/parks", #"{"code":"N-{role}","name":"n","totalSpaces":10,"account":"acct-{role}","password":"p"}"#, [201, 403, 403, 403]),
        ("PUT /api/v1/parks/{code}", "/api/v1/parks/N-admin", #"{"totalSpaces":20}"#, [200, 403, 403, 403]),
        // N-admin is not connected: a gate request is refused (and kept), for those who may send it.
        ("POST /api/v1/parks/{code}/commands/{interface}", "/api/v1/parks/N-admin/commands/21", #"{"barCode":"G","isOpen":"1"}"#, [409, 409, 403, 404]),
        ("GET /api/v1/parks/{code}/commands", "/api/v1/parks/N-admin/commands", nil, [200, 200, 200, 404]),
        ("GET /api/v1/commands/{id}", "/api/v1/commands/1", nil, [404, 404, 404, 404]),
        ("GET /api/v1/downlink", "/api/v1/downlink", nil, [200, 200, 200, 200]),
        ("GET /api/v1/video/devices", "/api/v1/video/devices", nil, [200, 200, 200, 200]),
        ("GET /api/v1/video/availability", "/api/v1/video/availability", nil, [200, 200, 200, 200]),
        ("GET /api/v1/video/retention", "/api/v1/video/retention", nil, [200, 200, 200, 200]),
        ("GET /api/v1/video/devices/{id}/log", "/api/v1/video/devices/35020000001320000001/log", nil, [404, 404, 404, 404]),
        ("GET /api/v1/video/captures", "/api/v1/video/captures?plate=x", nil, [200, 200, 200, 200]),
        ("PUT /api/v1/video/devices/{id}", "/api/v1/video/devices/35020000001320000101", #"{"kind":"car","name":"卡口 {role}"}"#, [201, 200, 403, 403]),
        ("DELETE /api/v1/video/devices/{id}", "/api/v1/video/devices/35020000001320000101", nil, [200, 200, 403, 403]),
        ("GET /api/v1/video/logs", "/api/v1/video/logs?type=user", nil, [200, 403, 200, 403]),
        ("GET /api/v1/blacklist", "/api/v1/blacklist", nil, [200, 200, 200, 200]),
        ("GET /api/v1/henan/enterprises", "/api/v1/henan/enterprises", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/gates", "/api/v1/henan/gates", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/passages", "/api/v1/henan/passages", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/photos", "/api/v1/henan/photos", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/goods", "/api/v1/henan/goods", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/vehicles", "/api/v1/henan/vehicles", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/ledgers", "/api/v1/henan/ledgers?kind=machinery", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/projects", "/api/v1/henan/projects", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/relay", "/api/v1/henan/relay", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/province/companies", "/api/v1/henan/province/companies", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/province/gates", "/api/v1/henan/province/gates", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/province/records", "/api/v1/henan/province/records?method=SendEnterExitDataEx", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/province/fences", "/api/v1/henan/province/fences", nil, [200, 200, 200, 403]),
        ("GET /api/v1/henan/province/fences/inside", "/api/v1/henan/province/fences/inside?lng=113.83&lat=34.74", nil, [200, 200, 200, 403]),
        ("POST /api/v1/henan/relay/retry", "/api/v1/henan/relay/retry", "{}", [200, 200, 403, 403]),
        ("PUT /api/v1/blacklist/{plate}", "/api/v1/blacklist/B-{role}", #"{"oweMoney":"10.00","carType":"1"}"#, [200, 200, 403, 403]),
        ("DELETE /api/v1/blacklist/{plate}", "/api/v1/blacklist/B-admin", nil, [204, 404, 403, 403]),
        ("GET /api/v1/parking-records", "/api/v1/parking-records", nil, [200, 200, 200, 200]),
        ("GET /api/v1/parking-records/{park}/{record}", "/api/v1/parking-records/PK2/none", nil, [404, 404, 404, 404]),
        ("GET /api/v1/blobs/{name}", "/api/v1/blobs/none.jpg", nil, [404, 404, 404, 404]),
        ("GET /api/v1/reconciliations", "/api/v1/reconciliations", nil, [200, 200, 200, 200]),
        ("GET /api/v1/parks/{code}/facilities", "/api/v1/parks/PK1/facilities", nil, [200, 200, 200, 200]),
        ("GET /api/v1/parks/{code}/spaces", "/api/v1/parks/PK2/spaces", nil, [200, 200, 200, 404]),
        ("GET /api/v1/parks/{code}/sync", "/api/v1/parks/PK2/sync", nil, [200, 200, 200, 404]),
        ("GET /api/v1/members", "/api/v1/members", nil, [200, 200, 403, 403]),
        ("POST /api/v1/members", "/api/v1/members", #"{"plate":"京M{role}","autoPay":true}"#, [200, 200, 403, 403]),
        ("DELETE /api/v1/members/{plate}", "/api/v1/members/NONE", nil, [404, 404, 403, 403]),
        ("GET /api/v1/settlements", "/api/v1/settlements", nil, [200, 200, 200, 200]),
        ("GET /api/v1/users", "/api/v1/users", nil, [200, 403, 403, 403]),
        ("POST /api/v1/users", "/api/v1/users", #"{"username":"new-{role}","password":"pw","role":"auditor"}"#, [201, 403, 403, 403]),
        ("PUT /api/v1/users/{name}", "/api/v1/users/new-admin", #"{"role":"operator"}"#, [200, 403, 403, 403]),
        ("DELETE /api/v1/users/{name}", "/api/v1/users/new-admin", nil, [204, 403, 403, 403]),
        ("GET /api/v1/audit", "/api/v1/audit", nil, [200, 403, 200, 403]),
        ("GET /api/v1/campaigns", "/api/v1/campaigns", nil, [200, 200, 200, 200]),
        ("POST /api/v1/campaigns", "/api/v1/campaigns",
         #"{"name":"c-{role}","parkCode":"PK2","devices":"M-B1","from":"20240301080000","to":"20240301090000","reference":"M-B2"}"#,
         [201, 201, 403, 403]),
        ("GET /api/v1/campaigns/{name}", "/api/v1/campaigns/c-admin", nil, [200, 200, 200, 404]),
        ("GET /api/v1/campaigns/{name}/truth", "/api/v1/campaigns/c-admin/truth", nil, [200, 200, 200, 404]),
        ("GET /api/v1/campaigns/{name}/report", "/api/v1/campaigns/c-admin/report", nil, [200, 200, 200, 404]),
        ("DELETE /api/v1/campaigns/{name}", "/api/v1/campaigns/c-{role}", nil, [204, 204, 403, 403]),
    ]

    /// The matrix covers every route the API registers.
    @Test func matrixCoversEveryRoute() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let router = Router(context: AppRequestContext.self)
            AdminAPI(
                store: store, accounts: Accounts(store: store), time: ChinaTime(),
                commands: ParkCommands(store: store, connections: CPMIConnections(), time: ChinaTime(), logger: TestDatabases.logger),
                connections: CPMIConnections()
            ).register(on: router)
            let registered = Set(router.routes.map { "\($0.method) \($0.path)" }.filter { $0.contains("/api/v1") && !$0.hasSuffix("/login") })
            let listed = Set(Self.matrix.map(\.route))
            #expect(registered.subtracting(listed).isEmpty, "routes without a permission row: \(registered.subtracting(listed).sorted())")
            #expect(listed.subtracting(registered).isEmpty, "rows for no route: \(listed.subtracting(registered).sorted())")
        }
    }

    @Test func everyRouteForEveryRole() async throws {
        try await TestServer.run { server in
            for role in ["operator", "auditor"] {
                let created = try await server.send(.post, "/api/v1/users", json: ["username": role, "password": "pw-\(role)", "role": role])
                #expect(created.status == 201, "\(created.text)")
            }
            let scoped = try await server.send(.post, "/api/v1/users", json: [
                "username": "scoped", "password": "pw-scoped", "role": "scoped", "scope": ["parks": ["PK1"]],
            ])
            #expect(scoped.status == 201, "\(scoped.text)")
            var tokens = ["admin": server.adminToken]
            for role in ["operator", "auditor", "scoped"] { tokens[role] = try await server.login(role, "pw-\(role)") }

            // Records in two parks, each with a device alarm.
            let token = try await server.token(vendor: "102")
            for park in ["PK1", "PK2"] {
                #expect(try await server.post("msensor", Messages.json(Messages.msensor(token, ps: "B1", ["parkCode": park, "devCode": "M-\(park)"]))).code == "100")
                #expect(try await server.post("deverror", Messages.json([
                    "token": token, "comType": "102", "flowId": Messages.flowId(vendor: "102", type: "5"), "parkCode": park,
                    "devCode": "M-\(park)", "psCode": "B1", "alarmCode": "0", "alarmTime": "20240301083000",
                ])).code == "100")
            }
            let pk2Event = try #require(try await server.items("/api/v1/events?parkCode=PK2").first?["id"] as? Int)
            let pk2Alarm = try #require(try await server.items("/api/v1/alarms?parkCode=PK2").first?["id"] as? Int)

            for entry in Self.matrix {
                for (index, role) in Self.roles.enumerated() {
                    let fill = { (text: String) in
                        text.replacingOccurrences(of: "{pk2Event}", with: String(pk2Event)).replacingOccurrences(of: "{pk2Alarm}", with: String(pk2Alarm))
                            .replacingOccurrences(of: "{role}", with: role)
                    }
                    let method = HTTPRequest.Method(rawValue: String(entry.route.split(separator: " ")[0]))!
                    let answer = try await server.send(method, fill(entry.path), raw: entry.body.map(fill), token: tokens[role]!)
                    #expect(answer.status == entry.expected[index], "\(role) \(entry.route): \(answer.status) \(answer.text)")
                }
            }

            // The scoped user sees PK1's records and nothing of PK2's.
            let scopedToken = tokens["scoped"]!
            for path in ["/api/v1/events", "/api/v1/devices", "/api/v1/berths", "/api/v1/alarms"] {
                let items = try #require(try await server.jsonObject(path, token: scopedToken)["items"] as? [[String: Any]])
                #expect(!items.isEmpty && items.allSatisfy { $0["parkCode"] as? String == "PK1" }, "\(path): \(items)")
            }
            let summary = try #require(try await server.jsonObject("/api/v1/summary", token: scopedToken)["counts"] as? [String: Any])
            #expect(summary["events"] as? Int == 2 && summary["openAlarms"] as? Int == 1, "\(summary)")

            // The console's Henan pages: no scope covers their records, so a scoped user is refused
            // whatever it may read elsewhere; the other roles read them.
            for page in ["/henan/passages", "/henan/relay", "/henan/province", "/henan/province/reports", "/henan/province/fences"] {
                for role in ["auditor", "scoped"] {
                    let response = try await server.client.execute(uri: page, method: .get, headers: [.cookie: "\(Console.cookie)=\(tokens[role]!)"])
                    #expect(response.status == (role == "scoped" ? .forbidden : .ok), "\(role) \(page): \(response.status)")
                }
            }

            // Every change is in the user log with who, what, before and after.
            let log = try await server.items("/api/v1/audit?limit=1000")
            let actions = Set(log.map { "\($0["username"]!) \($0["action"]!)" })
            for expected in ["admin user.create", "admin vendor.save", "admin alarm.acknowledge", "operator alarm.acknowledge",
                             "admin alarm.close", "admin user.save", "admin user.delete", "admin campaign.create", "operator campaign.delete",
                             "scoped login", "auditor login"] {
                #expect(actions.contains(expected), "user log lacks \(expected)")
            }
            let change = try #require(log.first { $0["action"] as? String == "user.save" })
            #expect((change["before"] as? String)?.contains("\"role\":\"auditor\"") == true && (change["after"] as? String)?.contains("\"role\":\"operator\"") == true)
            #expect(!log.contains { ($0["after"] as? String ?? "").contains("pbkdf2") }, "no password hash in the log")
            let failed = try await server.send(.post, "/api/v1/login", raw: #"{"username":"scoped","password":"wrong"}"#, token: nil)
            #expect(failed.status == 401)
            #expect(try await server.items("/api/v1/audit?action=login-failed").count == 1)
        }
    }
}

extension TestServer {
    func login(_ username: String, _ password: String) async throws -> String {
        let answer = try await send(.post, "/api/v1/login", json: ["username": username, "password": password], token: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])
        return try #require(object["token"] as? String)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, raw: String?, token: String?) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if raw != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: raw.map { ByteBuffer(string: $0) })
        return Answer(status: Int(response.status.code), text: String(buffer: response.body), contentType: response.headers[.contentType])
    }

    func jsonObject(_ path: String, token: String) async throws -> [String: Any] {
        let answer = try await send(.get, path, raw: nil, token: token)
        #expect(answer.status == 200, "\(path): \(answer.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])
    }
}
