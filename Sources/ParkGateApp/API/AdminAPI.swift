import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The read API under `/api/v1` (JSON), behind bearer tokens.
struct AdminAPI {
    let store: any Store
    let accounts: Accounts
    let time: ChinaTime
    /// `devices.silence`, for the availability figures of campaign reports.
    var deviceSilence: Double = 600

    static let maxLimit = 100_000

    struct LoginRequest: Decodable {
        let username: String
        let password: String
    }

    struct LoginResponse: ResponseEncodable {
        let token: String
        let expiresAt: Date
        let username: String
        let role: String
    }

    struct VendorView: ResponseEncodable {
        let code, name, category, categoryLabel: String
        let hasKey: Bool
        let rateLimit: Int
        let strict: Bool
        let createdAt, updatedAt: Date
    }

    struct Items<Item: Encodable & Sendable>: ResponseEncodable {
        let items: [Item]
    }

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/login") { request, context -> LoginResponse in
            guard let login = try? await request.decode(as: LoginRequest.self, context: context) else {
                throw HTTPError(.badRequest, message: "send {\"username\":…,\"password\":…}")
            }
            guard let token = try await accounts.login(username: login.username, password: login.password),
                let user = try await store.user(named: login.username)
            else { throw HTTPError(.unauthorized, message: "wrong username or password") }
            return LoginResponse(token: token.token, expiresAt: token.expiresAt, username: user.username, role: user.role)
        }

        let api = router.group("/api/v1").add(middleware: BearerAuthMiddleware(accounts: accounts))
        api.get("/me") { _, context -> Items<String> in
            Items(items: [context.user?.username ?? "", context.user?.role ?? ""])
        }
        api.get("/vendors") { _, _ -> Items<VendorView> in
            Items(items: try await store.vendors().map {
                VendorView(
                    code: $0.code, name: $0.name, category: $0.category.rawValue, categoryLabel: $0.category.label,
                    hasKey: $0.keyHash != nil, rateLimit: $0.rateLimit, strict: $0.strict, createdAt: $0.createdAt,
                    updatedAt: $0.updatedAt)
            })
        }
        api.get("/vendors/{code}/findings") { _, context -> Items<FindingRow> in
            let code = try context.parameters.require("code")
            return Items(items: try await store.findings(sender: code, protocolName: nil))
        }
        api.get("/findings") { request, _ -> Items<FindingRow> in
            let query = request.uri.queryParameters
            return Items(items: try await store.findings(sender: query.text("sender"), protocolName: query.text("protocol")))
        }
        api.get("/berths") { request, _ -> Items<BerthRow> in
            let query = request.uri.queryParameters
            return Items(items: try await store.berths(BerthQuery(
                parkCode: query.text("parkCode"), occupied: query.flag("occupied"))))
        }
        api.get("/devices") { request, _ -> Items<DeviceRow> in
            let query = request.uri.queryParameters
            return Items(items: try await store.devices(DeviceQuery(
                vendor: query.text("vendor"), parkCode: query.text("parkCode"),
                online: query.flag("online"))))
        }
        api.get("/events") { request, _ -> PageResponse<EventRow> in
            let query = request.uri.queryParameters
            let (limit, before) = try paging(query)
            return PageResponse(page: try await store.events(EventQuery(
                parkCode: query.text("parkCode"), psCode: query.text("psCode"),
                devCode: query.text("devCode"), plate: query.text("plate"),
                flowId: query.text("flowId"), vendor: query.text("vendor"),
                kind: query.text("kind"), from: try instant(query["from"], "from"),
                to: try instant(query["to"], "to"), limit: limit, before: before)))
        }
        api.get("/events/{id}/raw") { _, context -> RawView in
            guard let id = Int64(try context.parameters.require("id")),
                let event = try await store.event(id: id),
                let raw = try await store.rawMessage(id: event.rawId)
            else { throw HTTPError(.notFound, message: "no such event") }
            return RawView(raw: raw)
        }
        api.get("/sessions") { request, _ -> PageResponse<SessionRow> in
            let query = request.uri.queryParameters
            let (limit, before) = try paging(query)
            return PageResponse(page: try await store.sessions(SessionQuery(
                parkCode: query.text("parkCode"), psCode: query.text("psCode"),
                plate: query.text("plate"), vendor: query.text("vendor"),
                status: query.text("status"), from: try instant(query["from"], "from"),
                to: try instant(query["to"], "to"), limit: limit, before: before)))
        }
        api.get("/alarms") { request, _ -> PageResponse<AlarmRow> in
            let query = request.uri.queryParameters
            let (limit, before) = try paging(query)
            return PageResponse(page: try await store.alarms(AlarmQuery(
                kind: query.text("kind"), status: query.text("status"),
                vendor: query.text("vendor"), devCode: query.text("devCode"),
                parkCode: query.text("parkCode"), limit: limit, before: before)))
        }
        api.get("/summary") { _, _ -> StoreCountsResponse in
            StoreCountsResponse(counts: try await store.counts())
        }
        CampaignAPI(campaigns: Campaigns(store: store, time: time, silence: deviceSilence)).register(on: api)
    }

    private func paging(_ query: Parameters) throws -> (Int, Int64?) {
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw HTTPError(.badRequest, message: "limit must be 1–\(Self.maxLimit)")
            }
            limit = value
        }
        var before: Int64?
        if let cursor = query["cursor"] {
            guard let value = Int64(cursor) else { throw HTTPError(.badRequest, message: "cursor must be the nextCursor of a previous page") }
            before = value
        }
        return (limit, before)
    }

    /// Accepts the documents' `YYYYMMDDHHmmss` (local time) or ISO 8601.
    private func instant(_ text: Substring?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        if let date = time.parseCompact(String(text)) { return date }
        if let date = try? Date(String(text), strategy: .iso8601) { return date }
        throw HTTPError(.badRequest, message: "\(name) must be YYYYMMDDHHmmss (China time) or ISO 8601")
    }
}

struct PageResponse<Item: Encodable & Sendable>: ResponseEncodable {
    let items: [Item]
    let nextCursor: String?

    init(page: Page<Item>) {
        self.items = page.items
        self.nextCursor = page.nextCursor
    }
}

struct StoreCountsResponse: ResponseEncodable {
    let counts: StoreCounts
}

struct RawView: ResponseEncodable {
    let raw: RawMessageRow
}

extension Parameters {
    /// A query parameter as a string, nil when absent.
    func text(_ name: String) -> String? { self[name[...]].map(String.init) }

    /// A query parameter as a flag: `true`/`1` or anything else; nil when absent.
    func flag(_ name: String) -> Bool? { self[name[...]].map { $0 == "true" || $0 == "1" } }
}
