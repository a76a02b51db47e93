import Foundation
import ParkGateModel
import Synchronization

/// How a simulated parking lot answers the platform's downlink requests: it computes fees with
/// its own tariff (which 16 replaces), opens and reports its gates, keeps blacklists, members,
/// coupons, cards, prepayments and invoices, and lets unlicensed cars in and out.
public final class LotDownlinkBehaviour: Sendable {
    public struct State: Sendable {
        public var tariff: Tariff
        /// Gate (barCode) → open.
        public var gates: [String: Bool] = ["GATE-IN1": false, "GATE-OUT1": false]
        public var blacklist: Set<String> = []
        public var members: [String: [String: String]] = [:]
        public var coupons: [String: [String: String]] = [:]
        public var cards: [String: [String: String]] = [:]
        public var cardPrices: [String: String] = [:]
        public var prepaid: [String: Money] = [:]
        public var invoices: [String: String] = [:]
        public var reservations: [String] = []
        public var restarts: [String] = []
        public var answered: [String: Int] = [:]
    }

    /// The tariff a simulated lot starts with (and uploads as 16): 15 free minutes, 2.00 per 30
    /// minutes by day, 1.00 per hour by night, 20 per day, 5 per night, 25 per 24 hours.
    public static let defaultTariff = Tariff(
        freeMinutes: 15, dayPrice: Money(fen: 200), dayTime: 30, nightPrice: Money(fen: 100), nightTime: 60,
        cappingAll: Money(fen: 2500), cappingDay: Money(fen: 2000), cappingNight: Money(fen: 500))

    public let state: Mutex<State>
    let time = ChinaTime()
    /// Entry time of a record inside the lot (for fee queries).
    let entryTime: @Sendable (String) -> Date?
    /// Lets an unlicensed car in (17): returns the record code, nil when refused.
    let unlicensedEntry: @Sendable (_ plate: String, _ inCross: String) async -> String?
    /// Lets an unlicensed car out (18) by its record or plate; false when it is not inside.
    let unlicensedExit: @Sendable (_ plate: String, _ recordCode: String) async -> Bool

    public init(
        tariff: Tariff = LotDownlinkBehaviour.defaultTariff, entryTime: @escaping @Sendable (String) -> Date?,
        unlicensedEntry: @escaping @Sendable (String, String) async -> String? = { _, _ in nil },
        unlicensedExit: @escaping @Sendable (String, String) async -> Bool = { _, _ in false }
    ) {
        state = Mutex(State(tariff: tariff))
        (self.entryTime, self.unlicensedEntry, self.unlicensedExit) = (entryTime, unlicensedEntry, unlicensedExit)
    }

    public var tariff: Tariff { state.withLock { $0.tariff } }
    public func isBlacklisted(_ plate: String) -> Bool { state.withLock { $0.blacklist.contains(plate) } }
    /// The member list entry (29) the platform last sent for a plate.
    public func member(_ plate: String) -> [String: String]? { state.withLock { $0.members[plate] } }

    /// The fee of a stay by this lot's rules (its tariff, its coupons for the plate are not applied).
    public func fee(entry: Date, exit: Date, paid: Money = Money(fen: 0)) -> FeeQuote {
        FeeEngine.quote(entry: entry, exit: exit, tariff: tariff, paid: paid, time: time)
    }

    public func answer(_ request: CPMIDownlinkRequest) async -> CPMIDownlinkAnswer {
        state.withLock { $0.answered[request.code, default: 0] += 1 }
        guard request.signatureValid else { return CPMIDownlinkAnswer(resultCode: "9006", resultMessage: "签名验证失败") }
        let v = request.values
        func ok(_ dataText: String = "{}") -> CPMIDownlinkAnswer { CPMIDownlinkAnswer(dataText: dataText) }
        func no(_ message: String) -> CPMIDownlinkAnswer { CPMIDownlinkAnswer(resultCode: "9999", resultMessage: message) }
        switch request.code {
        case "9":
            let record = v["recordCode"] ?? ""
            guard let entry = entryTime(record) else { return no("停车记录不存在") }
            let now = Date()
            let paid = state.withLock { $0.prepaid[record] } ?? Money(fen: 0)
            let quote = fee(entry: entry, exit: now, paid: paid)
            return ok("{" + [
                "\"recordCode\":" + JSONText.quote(record), "\"payMoney\":" + quote.fee.text, "\"discountMoney\":" + quote.discount.text,
                "\"chargeMoney\":" + quote.due.text, "\"realPayMoney\":" + quote.paid.text, "\"couponList\":[]",
                "\"chargeTime\":" + JSONText.quote(time.formatDashed(now)),
            ].joined(separator: ",") + "}")
        case "10":
            let amount = Money(v["realPayMoney"] ?? "") ?? Money(v["orderMoney"] ?? "") ?? Money(fen: 0)
            state.withLock { $0.prepaid[v["recordCode"] ?? "", default: Money(fen: 0)].fen += amount.fen }
            return ok()
        case "11":
            state.withLock { $0.reservations.append(v["carNum"] ?? "") }
            return ok()
        case "12":
            state.withLock { $0.coupons[v["usercouponId"] ?? ""] = v }
            return ok()
        case "16":
            state.withLock { $0.tariff = Tariff(syncValues: v) }
            return ok()
        case "17":
            let plate = v["plateNum"] ?? ""
            if isBlacklisted(plate) { return no("黑名单车辆") }
            guard let record = await unlicensedEntry(plate, v["inCross"] ?? "") else { return no("车场已满") }
            return ok("{\"recordCode\":" + JSONText.quote(record) + "}")
        case "18":
            return await unlicensedExit(v["plateno"] ?? "", v["recordCode"] ?? "") ? ok() : no("车辆不在场内")
        case "19":
            state.withLock { $0.cards[v["msRecordId"] ?? ""] = v["status"] == "2" ? nil : v }
            return ok()
        case "20":
            state.withLock { $0.cardPrices = v }
            return ok()
        case "21":
            let bar = v["barCode"] ?? ""
            guard state.withLock({ $0.gates[bar] != nil }) else { return no("道闸不存在") }
            state.withLock { $0.gates[bar] = v["isOpen"] == "1" }
            return ok("{\"barCode\":" + JSONText.quote(bar) + ",\"status\":\"1\"}")
        case "22":
            let bar = v["barCode"] ?? ""
            guard let open = state.withLock({ $0.gates[bar] }) else { return no("道闸不存在") }
            return ok("{\"barCode\":" + JSONText.quote(bar) + ",\"barStatus\":\"" + (open ? "1" : "0") + "\"}")
        case "26":
            let device = v["equipmentCode"] ?? ""
            state.withLock { $0.restarts.append(device) }
            return ok("{\"barCode\":" + JSONText.quote(device) + ",\"status\":\"1\"}")
        case "28":
            let plate = v["carNum"] ?? ""
            state.withLock { if v["Type"] == "2" { $0.blacklist.remove(plate) } else { $0.blacklist.insert(plate) } }
            return ok()
        case "29":
            state.withLock { $0.members[v["carNum"] ?? ""] = v }
            return ok()
        case "31":
            state.withLock { $0.invoices[v["recordCode"] ?? ""] = v["invoiceCode"] ?? "" }
            return ok()
        default:
            return CPMIDownlinkAnswer(resultCode: "9001", resultMessage: "接口编码不存在")
        }
    }

    /// Interface 16's `data` for a tariff (what the lot uploads at start).
    public static func priceData(_ tariff: Tariff, parkCode: String) -> String {
        "{" + [
            "\"parkCode\":" + JSONText.quote(parkCode), "\"freeMinutes\":\(tariff.freeMinutes)", "\"dayPrice\":" + tariff.dayPrice.text,
            "\"dayTime\":\(tariff.dayTime)", "\"nightPrice\":" + tariff.nightPrice.text, "\"nightTime\":\(tariff.nightTime)",
            "\"cappingAll\":" + tariff.cappingAll.text, "\"cappingDay\":" + tariff.cappingDay.text, "\"cappingNight\":" + tariff.cappingNight.text,
            "\"other\":\"\"",
        ].joined(separator: ",") + "}"
    }
}
