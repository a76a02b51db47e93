import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The Henan platforms under `/api/v1/henan`: the city role's registry and records (passages,
/// photos, goods, filings, ledgers, control projects), its relay backlog to the province, and
/// the provincial role's registrations, reports and ban zones. Scoped users have no Henan scope
/// and see none of it.
struct HenanAPI {
    let admin: AdminAPI
    var store: any Store { admin.store }

    struct Relay: ResponseEncodable {
        let backlog: [HenanRelayBacklog]
        /// The newest waiting or refused calls, with their errors.
        let items: [HenanRelayItem]
    }

    struct Inside: ResponseEncodable {
        let lng, lat: Double
        let inside: Bool
        let fences: [HenanFence]
    }

    struct Retried: ResponseEncodable {
        let retried: Int
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return 100 }
        guard let value = Int(text), value > 0, value <= 100_000 else { throw HTTPError(.badRequest, message: "limit must be 1 … 100000") }
        return value
    }

    static func text(_ request: Request, _ key: String) -> String? {
        guard let value = request.uri.queryParameters[Substring(key)], !value.isEmpty else { return nil }
        return String(value)
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        let (limit, text) = (Self.limit, Self.text)
        api.get("/henan/enterprises") { _, context -> AdminAPI.Items<HenanEnterprise> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanEnterprises())
        }
        api.get("/henan/gates") { request, context -> AdminAPI.Items<HenanGate> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanGates(enterprise: text(request, "enterprise")))
        }
        api.get("/henan/passages") { request, context -> AdminAPI.Items<HenanPassage> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanPassages(enterprise: text(request, "enterprise"), limit: try limit(request)))
        }
        api.get("/henan/photos") { request, context -> AdminAPI.Items<HenanPhoto> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanPhotos(lsh: text(request, "lsh"), limit: try limit(request)))
        }
        api.get("/henan/goods") { request, context -> AdminAPI.Items<HenanGoods> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanGoods(enterprise: text(request, "enterprise"), limit: try limit(request)))
        }
        api.get("/henan/vehicles") { request, context -> AdminAPI.Items<HenanVehicle> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanVehicles(plate: text(request, "plate"), limit: try limit(request)))
        }
        api.get("/henan/ledgers") { request, context -> AdminAPI.Items<HenanLedgerEntry> in
            try context.requireUnscoped(.read)
            guard let kind = HenanLedgerEntry.Kind(rawValue: text(request, "kind") ?? "vehicle") else {
                throw HTTPError(.badRequest, message: "kind must be vehicle or machinery")
            }
            return AdminAPI.Items(items: try await store.henanLedger(kind: kind, enterprise: text(request, "enterprise"), limit: try limit(request)))
        }
        api.get("/henan/projects") { _, context -> AdminAPI.Items<HenanProject> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanProjects())
        }
        api.get("/henan/relay") { request, context -> Relay in
            try context.requireUnscoped(.read)
            let status = try text(request, "status").map { value -> HenanRelayItem.Status in
                guard let status = HenanRelayItem.Status(rawValue: value) else { throw HTTPError(.badRequest, message: "status must be pending, sent or refused") }
                return status
            }
            var items = try await store.henanRelayItems(status: status, method: text(request, "method"), limit: try limit(request))
            if status == nil { items = items.filter { $0.status != .sent } }
            return Relay(backlog: try await store.henanRelayBacklog(), items: items)
        }
        api.post("/henan/relay/retry") { request, context -> Retried in
            let user = try context.requireUnscoped(.operate)
            let count = try await store.retryHenanRelay(method: text(request, "method"), now: Date())
            try await AuditLog(store: store).record(user.username, "henan-relay.retry", target: "henan-relay:\(text(request, "method") ?? "all")",
                                                    after: ["retried": count], channel: "api")
            return Retried(retried: count)
        }
        // The provincial role.
        api.get("/henan/province/companies") { request, context -> AdminAPI.Items<HenanProvinceCompany> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanProvinceCompanies(city: text(request, "city")))
        }
        api.get("/henan/province/gates") { request, context -> AdminAPI.Items<HenanProvinceGate> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanProvinceGates(company: text(request, "company"), secret: nil))
        }
        api.get("/henan/province/records") { request, context -> AdminAPI.Items<HenanProvinceRecord> in
            try context.requireUnscoped(.read)
            guard let method = text(request, "method"), HenanProvinceGateway.methods.contains(method) || method == "NeedComplete" else {
                throw HTTPError(.badRequest, message: "method must be one of the report methods, e.g. SendEnterExitDataEx")
            }
            return AdminAPI.Items(items: try await store.henanProvinceRecords(method: method, city: text(request, "city"), limit: try limit(request)))
        }
        api.get("/henan/province/fences") { request, context -> AdminAPI.Items<HenanFence> in
            try context.requireUnscoped(.read)
            return AdminAPI.Items(items: try await store.henanFences(city: text(request, "city")))
        }
        // Whether a point, an enterprise or one of its gates lies inside the ban zones (its city's, or `city`'s).
        api.get("/henan/province/fences/inside") { request, context -> Inside in
            try context.requireUnscoped(.read)
            var city = text(request, "city")
            let point: Fence.Point
            if let company = text(request, "company") {
                guard let registered = try await store.henanProvinceCompany(code: company, secret: nil) else {
                    throw HTTPError(.notFound, message: "enterprise \(company) is not registered")
                }
                var fields = registered.fields
                if let gate = text(request, "gate") {
                    guard let found = try await store.henanProvinceGates(company: company, secret: nil).first(where: { $0.code == gate }) else {
                        throw HTTPError(.notFound, message: "gate \(gate) of \(company) is not registered")
                    }
                    fields = found.fields
                }
                guard let lng = fields["lng"].flatMap(Double.init), let lat = fields["lat"].flatMap(Double.init) else {
                    throw HTTPError(.badRequest, message: "no coordinates registered for \(company)\(text(request, "gate").map { " gate " + $0 } ?? "")")
                }
                point = Fence.Point(lng: lng, lat: lat)
                city = city ?? registered.city
            } else {
                guard let lng = text(request, "lng").flatMap(Double.init), let lat = text(request, "lat").flatMap(Double.init), abs(lng) <= 180, abs(lat) <= 90 else {
                    throw HTTPError(.badRequest, message: "send lng and lat (decimal degrees, BD-09), or company [and gate]")
                }
                point = Fence.Point(lng: lng, lat: lat)
            }
            let fences = try await store.henanFences(city: city).filter { fence in
                if case .success(let zone) = Fence.parse(fence.area) { return zone.contains(point) }
                return false
            }
            return Inside(lng: point.lng, lat: point.lat, inside: !fences.isEmpty, fences: fences)
        }
    }
}
