import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The API under `/api/v1` (JSON), behind bearer tokens; every route checks the caller's role
/// and, for scoped users, shows only their parks', vendors' and devices' records.
struct AdminAPI {
    let store: any Store
    let accounts: Accounts
    let time: ChinaTime
    var audit: AuditLog { AuditLog(store: store) }
    /// Where images are kept (`<data-dir>/blobs`).
    var blobs = BlobStore(directory: URL(fileURLWithPath: "blobs"))
    /// `devices.silence`, for the availability figures of campaign reports.
    var deviceSilence: Double = 600
    /// The T/CPMI downlink (nil in builds without it).
    var commands: ParkCommands?
    var connections: CPMIConnections?
    /// `video.retentionDays`, shown with the oldest capture kept.
    var videoRetentionDays: Double = 30

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
            else {
                try await audit.record(login.username, "login-failed", target: "user:\(login.username)", channel: "api")
                throw HTTPError(.unauthorized, message: "wrong username or password")
            }
            try await audit.record(user.username, "login", target: "user:\(user.username)", channel: "api")
            return LoginResponse(token: token.token, expiresAt: token.expiresAt, username: user.username, role: user.role)
        }

        let api = router.group("/api/v1").add(middleware: BearerAuthMiddleware(accounts: accounts))
        api.get("/me") { _, context -> MeResponse in
            let user = try context.require(.read)
            return MeResponse(items: [user.username, user.role], username: user.username, role: user.role, scope: user.scope)
        }
        api.get("/vendors") { _, context -> Items<VendorView> in
            try context.require(.read)
            let scope = context.scope
            return Items(items: try await store.vendors().filter { scope?.vendors.contains($0.code) ?? true }.map(VendorView.init))
        }
        api.put("/vendors/{code}") { request, context -> VendorView in
            let user = try context.require(.manageVendors)
            let code = try context.parameters.require("code")
            guard let change = try? await request.decode(as: VendorChange.self, context: context) else {
                throw HTTPError(.badRequest, message: "send {\"key\",\"category\",\"name\",\"rateLimit\",\"strict\"} (each optional)")
            }
            let category = try change.category.map { text in
                guard let category = DeviceCategory(rawValue: text) else { throw HTTPError(.badRequest, message: "unknown category \(text)") }
                return category
            }
            let before = try await store.vendor(code: code).map(VendorView.init)
            do {
                let saved = VendorView(try await Vendors(store: store).add(
                    code: code, key: change.key, category: category, name: change.name, rateLimit: change.rateLimit, strict: change.strict))
                try await audit.record(user.username, "vendor.save", target: "vendor:\(code)", before: before, after: saved, channel: "api")
                return saved
            } catch let error as Vendors.Failure {
                throw HTTPError(.badRequest, message: error.description)
            }
        }
        api.get("/vendors/{code}/findings") { _, context -> Items<FindingRow> in
            try context.require(.read)
            let code = try context.parameters.require("code")
            try context.requireVisible(parkCode: nil, vendor: code, devCode: nil, what: "vendor")
            return Items(items: try await store.findings(sender: code, protocolName: nil))
        }
        api.get("/findings") { request, context -> Items<FindingRow> in
            try context.require(.read)
            let query = request.uri.queryParameters
            let scope = context.scope
            return Items(items: try await store.findings(sender: query.text("sender"), protocolName: query.text("protocol"))
                .filter { scope?.vendors.contains($0.sender) ?? true })
        }
        api.get("/berths") { request, context -> Items<BerthRow> in
            try context.require(.read)
            let query = request.uri.queryParameters
            return Items(items: try await store.berths(BerthQuery(
                parkCode: query.text("parkCode"), occupied: query.flag("occupied"), scope: context.scope)))
        }
        api.get("/devices") { request, context -> Items<DeviceRow> in
            try context.require(.read)
            let query = request.uri.queryParameters
            var devices = DeviceQuery(vendor: query.text("vendor"), parkCode: query.text("parkCode"), online: query.flag("online"))
            devices.scope = context.scope
            return Items(items: try await store.devices(devices))
        }
        api.get("/events") { request, context -> PageResponse<EventRow> in
            try context.require(.read)
            return PageResponse(page: try await store.events(try eventQuery(request.uri.queryParameters, scope: context.scope)))
        }
        api.get("/events/{id}/raw") { _, context -> RawView in
            try context.require(.read)
            guard let id = Int64(try context.parameters.require("id")),
                let event = try await store.event(id: id),
                let raw = try await store.rawMessage(id: event.rawId)
            else { throw HTTPError(.notFound, message: "no such event") }
            try context.requireVisible(parkCode: event.parkCode, vendor: event.vendor, devCode: event.devCode, what: "event")
            return RawView(raw: raw)
        }
        api.get("/sessions") { request, context -> PageResponse<SessionRow> in
            try context.require(.read)
            return PageResponse(page: try await store.sessions(try sessionQuery(request.uri.queryParameters, scope: context.scope)))
        }
        api.get("/alarms") { request, context -> PageResponse<AlarmRow> in
            try context.require(.read)
            return PageResponse(page: try await store.alarms(try alarmQuery(request.uri.queryParameters, scope: context.scope)))
        }
        for action in ["acknowledge", "close"] {
            api.post("/alarms/{id}/\(action)") { _, context -> AlarmRow in
                try await AlarmActions.apply(action, context: context, store: store, channel: "api")
            }
        }
        api.get("/summary") { _, context -> StoreCountsResponse in
            try context.require(.read)
            return StoreCountsResponse(counts: try await store.counts(scope: context.scope, since: time.startOfDay(Date())))
        }
        api.get("/parks") { _, context -> Items<ParkRecord> in
            try context.require(.read)
            let scope = context.scope
            return Items(items: try await store.parks().filter { scope?.parks.contains($0.code) ?? true })
        }
        api.post("/parks") { request, context -> EditedResponse<ParkRecord> in
            EditedResponse(status: .created, response: try await saveParkFromAPI(request, context, code: nil))
        }
        api.put("/parks/{code}") { request, context -> ParkRecord in
            try await saveParkFromAPI(request, context, code: try context.parameters.require("code"))
        }
        api.get("/members") { _, context -> Items<MemberRecord> in
            try context.require(.manageMembers)
            return Items(items: try await store.members())
        }
        api.post("/members") { request, context -> MemberRecord in
            let user = try context.require(.manageMembers)
            guard let change = try? await request.decode(as: MemberChange.self, context: context),
                let plate = Plates.normalised(change.plate)
            else { throw HTTPError(.badRequest, message: "send {\"plate\",\"name\",\"phone\",\"autoPay\"}") }
            let before = try await store.member(plate: plate)
            let member = MemberRecord(
                plate: plate, name: change.name ?? before?.name, phone: change.phone ?? before?.phone, autoPay: change.autoPay ?? before?.autoPay ?? false,
                createdAt: before?.createdAt ?? Date(), updatedAt: Date())
            try await Members(store: store, commands: commands).save(member, by: user.username)
            try await audit.record(user.username, "member.save", target: "member:\(plate)", before: before, after: member, channel: "api")
            return member
        }
        api.delete("/members/{plate}") { _, context -> HTTPResponse.Status in
            let user = try context.require(.manageMembers)
            let plate = try context.parameters.require("plate").removingPercentEncoding ?? ""
            guard let before = try await Members(store: store, commands: commands).remove(plate: plate, by: user.username) else {
                throw HTTPError(.notFound, message: "no member \(plate)")
            }
            try await audit.record(user.username, "member.delete", target: "member:\(plate)", before: before, channel: "api")
            return .noContent
        }
        api.get("/parking-records") { request, context -> Items<ParkingRecordRow> in
            try context.require(.read)
            let query = request.uri.queryParameters
            let (limit, _) = try paging(query)
            let scope = context.scope
            return Items(items: try await store.parkingRecords(
                parkCode: query.text("parkCode"), status: query.text("status"), plate: query.text("plate"), limit: limit, before: nil)
                .filter { scope?.parks.contains($0.parkCode) ?? true })
        }
        api.get("/parking-records/{park}/{record}") { _, context -> RecordView in
            try context.require(.read)
            let park = try context.parameters.require("park"), code = try context.parameters.require("record")
            try context.requireVisible(parkCode: park, vendor: nil, devCode: nil, what: "record")
            guard let record = try await store.parkingRecord(parkCode: park, recordCode: code) else {
                throw HTTPError(.notFound, message: "no record \(code) in park \(park)")
            }
            return RecordView(record: record, images: try await store.parkingImages(parkCode: park, recordCode: code))
        }
        api.get("/parks/{code}/facilities") { _, context -> Items<FacilityRow> in
            try context.require(.read)
            let code = try context.parameters.require("code")
            try context.requireVisible(parkCode: code, vendor: nil, devCode: nil, what: "park")
            return Items(items: try await store.facilities(parkCode: code))
        }
        api.get("/parks/{code}/sync") { request, context -> Items<SyncRow> in
            try context.require(.read)
            let code = try context.parameters.require("code")
            try context.requireVisible(parkCode: code, vendor: nil, devCode: nil, what: "park")
            return Items(items: try await store.syncEntries(parkCode: code, interface: request.uri.queryParameters.text("interface")))
        }
        api.get("/parks/{code}/spaces") { request, context -> Items<SpacesRow> in
            try context.require(.read)
            let code = try context.parameters.require("code")
            try context.requireVisible(parkCode: code, vendor: nil, devCode: nil, what: "park")
            let query = request.uri.queryParameters
            let to = try instant(query["to"], "to") ?? Date()
            let from = try instant(query["from"], "from") ?? to.addingTimeInterval(-86_400)
            return Items(items: try await store.spaceHistory(parkCode: code, from: from, to: to))
        }
        api.get("/reconciliations") { request, context -> Items<ReconciliationRow> in
            try context.require(.read)
            let scope = context.scope
            return Items(items: try await store.reconciliations(parkCode: request.uri.queryParameters.text("parkCode"))
                .filter { scope?.parks.contains($0.parkCode) ?? true })
        }
        api.get("/settlements") { request, context -> Items<SettlementRow> in
            try context.require(.read)
            let scope = context.scope
            return Items(items: try await store.settlements(parkCode: request.uri.queryParameters.text("parkCode"))
                .filter { scope?.parks.contains($0.parkCode) ?? true })
        }
        api.get("/blobs/{name}") { _, context -> Response in
            try context.require(.read)
            let name = try context.parameters.require("name")
            if let scope = context.scope, try await !store.parksOfBlob(name).contains(where: scope.parks.contains),
                try await !store.videoDevicesOfBlob(name).contains(where: scope.allowsVideoDevice) {
                throw HTTPError(.notFound, message: "no such file")
            }
            guard let url = blobs.url(of: name), let data = FileManager.default.contents(atPath: url.path) else {
                throw HTTPError(.notFound, message: "no such file")
            }
            let type = ["jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp"][url.pathExtension] ?? "application/octet-stream"
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=86400"], body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        VideoAPI(admin: self).register(on: api)
        HenanAPI(admin: self).register(on: api)
        UsersAPI(store: store, accounts: accounts, time: time).register(on: api)
        CampaignAPI(campaigns: Campaigns(store: store, time: time, silence: deviceSilence)).register(on: api)
        if let commands, let connections { CommandAPI(store: store, commands: commands, connections: connections).register(on: api) }
    }

    struct MemberChange: Decodable {
        let plate: String
        let name, phone: String?
        let autoPay: Bool?
    }

    struct ParkChange: Decodable {
        let code, name, account, password, secret: String?
        let totalSpaces: Int?
        let signatureOn: Bool?
    }

    func saveParkFromAPI(_ request: Request, _ context: AppRequestContext, code pathCode: String?) async throws -> ParkRecord {
        let user = try context.require(.manageParks)
        guard let change = try? await request.decode(as: ParkChange.self, context: context), let code = pathCode ?? change.code else {
            throw HTTPError(.badRequest, message: "send {\"code\",\"name\",\"totalSpaces\",\"account\",\"password\",\"secret\",\"signatureOn\"}")
        }
        let before = try await store.park(code: code)
        if pathCode == nil, let before { throw HTTPError(.conflict, message: "park \(before.code) exists") }
        do {
            let saved = try await Parks(store: store).save(
                code: code, name: change.name, total: change.totalSpaces, account: change.account, password: change.password,
                secret: change.secret, signatureOn: change.signatureOn)
            try await audit.record(user.username, before == nil ? "park.create" : "park.save", target: "park:\(code)", before: before, after: saved, channel: "api")
            return saved
        } catch let error as Parks.Invalid {
            throw HTTPError(.badRequest, message: error.description)
        }
    }

    struct RecordView: ResponseEncodable {
        let record: ParkingRecordRow
        let images: [ParkingImageRow]
    }

    struct MeResponse: ResponseEncodable {
        let items: [String]
        let username, role: String
        let scope: RecordScope?
    }

    struct VendorChange: Decodable {
        let key, category, name: String?
        let rateLimit: Int?
        let strict: Bool?
    }

    func eventQuery(_ query: Parameters, scope: RecordScope?) throws -> EventQuery {
        let (limit, before) = try paging(query)
        var events = EventQuery(
            parkCode: query.text("parkCode"), psCode: query.text("psCode"), devCode: query.text("devCode"), plate: query.text("plate"),
            flowId: query.text("flowId"), vendor: query.text("vendor"), kind: query.text("kind"),
            from: try instant(query["from"], "from"), to: try instant(query["to"], "to"), limit: limit, before: before)
        events.scope = scope
        return events
    }

    func sessionQuery(_ query: Parameters, scope: RecordScope?) throws -> SessionQuery {
        let (limit, before) = try paging(query)
        var sessions = SessionQuery(
            parkCode: query.text("parkCode"), psCode: query.text("psCode"), plate: query.text("plate"), vendor: query.text("vendor"),
            status: query.text("status"), from: try instant(query["from"], "from"), to: try instant(query["to"], "to"),
            limit: limit, before: before)
        sessions.scope = scope
        return sessions
    }

    func alarmQuery(_ query: Parameters, scope: RecordScope?) throws -> AlarmQuery {
        let (limit, before) = try paging(query)
        var alarms = AlarmQuery(
            kind: query.text("kind"), status: query.text("status"), vendor: query.text("vendor"), devCode: query.text("devCode"),
            parkCode: query.text("parkCode"), limit: limit, before: before)
        alarms.scope = scope
        return alarms
    }

    func paging(_ query: Parameters) throws -> (Int, Int64?) {
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
    func instant(_ text: Substring?, _ name: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
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
    /// A query parameter as a string, nil when absent or empty (an empty filter field filters nothing).
    func text(_ name: String) -> String? { self[name[...]].flatMap { $0.isEmpty ? nil : String($0) } }

    /// A query parameter as a flag: `true`/`1` or anything else; nil when absent or empty.
    func flag(_ name: String) -> Bool? { text(name).map { $0 == "true" || $0 == "1" } }
}

extension VendorView: ResponseEncodable {}
extension UserView: ResponseEncodable {}
extension AlarmRow: ResponseEncodable {}
extension ParkRecord: ResponseEncodable {}
extension MemberRecord: ResponseEncodable {}
