import Foundation
import Logging
import ParkGateClient
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import Synchronization

/// The city role's relay to its provincial platform: sends the outbox (`henan_relay`) in order,
/// passages and goods in lists of up to 50, with a token it renews; the province answers repeats
/// as success, so a call resent after a lost answer stores nothing twice. Unreachable: the calls
/// wait with backoff (5 s doubling to 10 min), across restarts (the outbox is durable). Refused
/// (`fail` for the item itself): kept with the reason, visible in the backlog, not retried until
/// `parkgate relay retry`. It also queues each gate's status every hour (4.2.25) and the daily
/// figures after midnight (4.2.12, 4.2.13).
public final class HenanRelay: Sendable {
    public struct Settings: Sendable {
        public var url: String
        public var orgSecret, username, password: String
        /// Plate prefixes counted as local in the daily figures (`henan.local.plates`, default 豫).
        public var localPlates: [String]
        /// The first wait after the province could not be reached (doubling to 10 minutes).
        public var backoff: Double

        public init(url: String, orgSecret: String, username: String, password: String, localPlates: [String] = ["豫"], backoff: Double = 5) {
            (self.url, self.orgSecret, self.username, self.password, self.localPlates) = (url, orgSecret, username, password, localPlates)
            self.backoff = backoff
        }
    }

    let store: any Store
    let blobs: BlobStore
    let settings: Settings
    let client: HenanProvinceClient
    let time: ChinaTime
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var token: String?
        var tokenExpiry = Date.distantPast
        /// The hour (yyyyMMddHH) whose gate status was queued, the day whose figures were queued.
        var statusHour = "", reportDay = ""
    }

    public init(store: any Store, blobs: BlobStore, settings: Settings, time: ChinaTime = ChinaTime(), logger: Logger) {
        (self.store, self.blobs, self.settings, self.time, self.logger) = (store, blobs, settings, time, logger)
        client = HenanProvinceClient(base: settings.url)
    }

    static let lists: Set<String> = ["SendEnterExitDataEx", "SendGoodsRecordData"]
    /// Calls that carry the enterprise's `companySecretCode`.
    static let needsCompanySecret: Set<String> = ["VehElecAccountAdd", "InnerVehElecAccountAdd", "InnerMHYElecAccountAdd"]

    /// One round: queue what is due by the clock, then send what is due in the outbox.
    public func tick(now: Date = Date()) async throws {
        try await queuePeriodic(now: now)
        var due = try await store.dueHenanRelay(now: now, limit: 500)
        while !due.isEmpty {
            let head = due.removeFirst()
            var batch = [head]
            if Self.lists.contains(head.method) {
                while batch.count < 50, let next = due.first, next.method == head.method { batch.append(due.removeFirst()) }
            }
            guard try await send(batch, now: now) else { return }  // the province is unreachable: stop the round
        }
    }

    /// Sends one call; false when the province could not be reached.
    func send(_ batch: [HenanRelayItem], now: Date) async throws -> Bool {
        let method = batch[0].method
        var body: [String: Any]
        do {
            body = try await self.body(batch, now: now)
        } catch let waiting as Waiting {
            try await store.markHenanRelay(ids: batch.map(\.id), status: .pending, error: waiting.reason, next: now.addingTimeInterval(30), now: now)
            return true
        }
        let answer: HenanProvinceClient.Answer
        do {
            body["accessToken"] = try await token(now: now)
            answer = try await client.call(method, body)
        } catch {
            let attempts = batch.map(\.attempts).max() ?? 0
            let delay = min(settings.backoff * pow(2, Double(min(attempts, 10))), 600)
            try await store.markHenanRelay(ids: batch.map(\.id), status: .pending, error: "\(error)", next: now.addingTimeInterval(delay), now: now)
            logger.warning("henan relay: \(method) not delivered, next attempt in \(Int(delay)) s: \(error)")
            return false
        }
        switch answer {
        case .success(let data):
            try await recordIssued(method, batch: batch, data: data)
            try await store.markHenanRelay(ids: batch.map(\.id), status: .sent, error: nil, next: now, now: now)
        case .fail(let reason) where reason.contains("accessToken"):
            state.withLock { $0.token = nil }
            try await store.markHenanRelay(ids: batch.map(\.id), status: .pending, error: reason, next: now, now: now)
        case .fail(let reason):
            if batch.count > 1 {
                // One bad item fails the list: refuse the one it names, or find it by sending each alone.
                if let index = Self.listIndex(reason), index < batch.count {
                    try await store.markHenanRelay(ids: [batch[index].id], status: .refused, error: reason, next: now, now: now)
                    var rest = batch
                    rest.remove(at: index)
                    return rest.isEmpty ? true : try await send(rest, now: now)
                }
                for item in batch { guard try await send([item], now: now) else { return false } }
                return true
            }
            try await store.markHenanRelay(ids: batch.map(\.id), status: .refused, error: reason, next: now, now: now)
            logger.warning("henan relay: the province refused \(method) \(batch[0].item): \(reason)")
        }
        return true
    }

    static func listIndex(_ reason: String) -> Int? {
        guard let open = reason.range(of: "list["), let close = reason[open.upperBound...].firstIndex(of: "]") else { return nil }
        return Int(reason[open.upperBound..<close])
    }

    struct Waiting: Error { let reason: String }

    /// The call's body: the payload with pictures as base64, the secrets it needs, lists wrapped.
    func body(_ batch: [HenanRelayItem], now: Date) async throws -> [String: Any] {
        let method = batch[0].method
        func fields(_ item: HenanRelayItem) throws -> [String: Any] {
            var fields: [String: Any] = [:]
            for (key, value) in item.payload where key != "project" {
                if key.hasSuffix("@blob") {
                    guard let url = blobs.url(of: value) else { continue }
                    fields[String(key.dropLast(5))] = try Data(contentsOf: url).base64EncodedString()
                } else {
                    fields[key] = value
                }
            }
            return fields
        }
        if Self.lists.contains(method) { return ["list": try batch.map(fields)] }
        let item = batch[0]
        var body = try fields(item)
        if Self.needsCompanySecret.contains(method) {
            guard let company = item.company, let secret = try await store.henanProvinceSecret(enterprise: company, gate: nil) else {
                throw Waiting(reason: "waiting for the province to register enterprise \(item.company ?? "?") (AddCompany)")
            }
            body["companySecretCode"] = secret
        }
        switch method {
        case "AddCompany":
            return ["data": body]
        case "AddGate":
            let company = item.company ?? ""
            guard try await store.henanProvinceSecret(enterprise: company, gate: nil) != nil else {
                throw Waiting(reason: "waiting for the province to register enterprise \(company) (AddCompany)")
            }
            return ["companyCode": company, "list": [body]]
        case "GateStatusReport":
            guard let company = item.company, let gate = item.payload["gateCode"],
                let secret = try await store.henanProvinceSecret(enterprise: company, gate: gate) else {
                throw Waiting(reason: "waiting for the province to register the gate (AddGate)")
            }
            body["gateSecretCode"] = secret
        case "CloseControlProject":
            guard let code = item.payload["project"], let provinceCode = try await store.henanProjectProvinceCode(code) else {
                throw Waiting(reason: "waiting for the province's code of the project (RunControlProject)")
            }
            body["controlProjectCode"] = provinceCode
        default:
            break
        }
        return body
    }

    /// What the province issued in its answer: secrets and project codes, kept for later calls.
    func recordIssued(_ method: String, batch: [HenanRelayItem], data: [[String: String]]) async throws {
        let item = batch[0]
        switch method {
        case "AddCompany":
            if let company = item.company, let secret = data.first?["companySecretCode"] {
                try await store.setHenanProvinceSecret(enterprise: company, gate: nil, secret: secret)
            }
        case "AddGate":
            if let company = item.company, let gate = data.first, let code = gate["gateCode"], let secret = gate["gateSecretCode"] {
                try await store.setHenanProvinceSecret(enterprise: company, gate: code, secret: secret)
            }
        case "RunControlProject":
            if let code = item.payload["project"], let provinceCode = data.first?["controlProjectCode"] {
                try await store.setHenanProjectProvinceCode(code, provinceCode: provinceCode)
            }
        default:
            break
        }
    }

    func token(now: Date) async throws -> String {
        if let token = state.withLock({ $0.tokenExpiry > now ? $0.token : nil }) { return token }
        let (token, expire) = try await client.authorise(orgSecret: settings.orgSecret, username: settings.username, password: settings.password)
        // Renewed a minute before it expires (2 hours when the answer gives no expiry).
        let expiry = (expire.flatMap { time.parseCompact($0) } ?? now.addingTimeInterval(7200)).addingTimeInterval(-60)
        state.withLock { ($0.token, $0.tokenExpiry) = (token, expiry) }
        return token
    }

    // MARK: What the clock makes due

    func queuePeriodic(now: Date) async throws {
        let stamp = time.formatCompact(now)
        let hour = String(stamp.prefix(10)), day = String(stamp.prefix(8))
        let (statusDue, reportDue) = state.withLock { state -> (Bool, Bool) in
            defer { (state.statusHour, state.reportDay) = (hour, day) }
            return (state.statusHour != hour, state.reportDay != day)
        }
        if statusDue { try await queueGateStatus(hour: hour, now: now) }
        if reportDue { try await queueDailyFigures(today: day, now: now) }
    }

    /// 4.2.25 every hour for each gate: 1 正常 when it reported a passage
    /// in the last two hours, else 2 断网 (the gates send the city nothing else that shows them alive).
    func queueGateStatus(hour: String, now: Date) async throws {
        var items: [HenanRelayItem] = []
        // Every gate; one the province has not registered yet waits for its gateSecretCode.
        for gate in try await store.henanGates(enterprise: nil) {
            let recent = try await store.henanPassages(enterprise: gate.enterprise, limit: 500)
                .contains { $0.gate == gate.code && $0.passedFrom > now.addingTimeInterval(-7200) }
            items.append(HenanRelayItem(method: "GateStatusReport", item: [gate.enterprise, gate.code, hour].joined(separator: "|"), company: gate.enterprise,
                                        payload: ["companyCode": gate.enterprise, "gateCode": gate.code, "gateStatus": recent ? "1" : "2"], createdAt: now))
        }
        try await store.enqueueHenanRelay(items)
    }

    /// 4.2.12/4.2.13 for yesterday, once a day after midnight (China time).
    func queueDailyFigures(today: String, now: Date) async throws {
        guard let midnight = time.parseCompact(today + "000000") else { return }
        let start = midnight.addingTimeInterval(-86_400)
        let day = String(time.formatCompact(start).prefix(8))
        let passages = try await store.henanPassages(from: start, to: midnight)
        var stages: [String: String] = [:]
        for passage in passages where stages[passage.license + "|" + passage.licenseColor] == nil {
            stages[passage.license + "|" + passage.licenseColor] = try await store.henanVehicle(license: passage.license, color: passage.licenseColor)?.emissionStandard ?? ""
        }
        let enterprises = try await store.henanEnterprises(), gates = try await store.henanGates(enterprise: nil)
        func figures(_ passages: [HenanPassage], enterprises: Int, gates: Int) -> [String: String] {
            HenanDailyFigures(passages: passages, stages: stages, localPlates: settings.localPlates).fields(enterprises: enterprises, gates: gates, day: day)
        }
        var items = [HenanRelayItem(method: "SendDayDataCity", item: day, payload: figures(passages, enterprises: enterprises.count, gates: gates.count), createdAt: now)]
        for district in Set(enterprises.map { String($0.code.prefix(6)) }).sorted() {
            var fields = figures(passages.filter { $0.enterprise.hasPrefix(district) }, enterprises: enterprises.filter { $0.code.hasPrefix(district) }.count,
                                 gates: gates.filter { $0.enterprise.hasPrefix(district) }.count)
            fields["dictrictCode"] = district
            items.append(HenanRelayItem(method: "SendDayDataDistrict", item: district + "|" + day, payload: fields, createdAt: now))
        }
        try await store.enqueueHenanRelay(items)
    }
}

/// A day's figures of 4.2.12/4.2.13 from its passages: totals in and out, violations
/// (controlled vehicles that passed), turned back (controlled and not let through), non-local
/// vehicles by plate prefix, 国三/国四 flows by the filed emission stage.
public struct HenanDailyFigures: Sendable {
    public let passages: [HenanPassage]
    /// Filed emission stage by `license|colour`.
    public let stages: [String: String]
    public let localPlates: [String]

    public init(passages: [HenanPassage], stages: [String: String], localPlates: [String]) {
        (self.passages, self.stages, self.localPlates) = (passages, stages, localPlates)
    }

    public func fields(enterprises: Int, gates: Int, day: String) -> [String: String] {
        let passed = passages.filter(\.barrierLifted)
        func count(_ filter: (HenanPassage) -> Bool) -> String { String(passed.filter(filter).count) }
        func stage(_ p: HenanPassage) -> String { stages[p.license + "|" + p.licenseColor] ?? "" }
        let local = { (p: HenanPassage) in localPlates.contains { p.license.hasPrefix($0) } }
        return [
            "date": day, "companyTotal": String(enterprises), "gateTotal": String(gates), "vehTotal": String(passed.count),
            "enterVehTotal": count { $0.entering }, "exitVehTotal": count { !$0.entering },
            "violationTotal": count { $0.isControl }, "controlTotal": String(passages.filter { $0.isControl && !$0.barrierLifted }.count),
            "otherVehEnterTotal": count { $0.entering && !local($0) }, "otherVehExitTotal": count { !$0.entering && !local($0) },
            "otherAddVehTotal": String(Set(passed.filter { !local($0) }.map(\.license)).count),
            "standard3EnterTotal": count { $0.entering && stage($0) == "3" }, "standard3ExitTotal": count { !$0.entering && stage($0) == "3" },
            "standard4EnterTotal": count { $0.entering && stage($0) == "4" }, "standard4ExitTotal": count { !$0.entering && stage($0) == "4" },
            // The city learns of handled violations only from the province's feedback, which it does not receive.
            "violationHandleTotal": "0",
        ]
    }
}
