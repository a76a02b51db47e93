import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

extension ParkCommands {
    /// 停车费用查询 (9): the park's answer next to ParkGate's own computation (temporary price,
    /// cards, the coupons the query carried, prepayments), as JSON for the record, and the
    /// differences in words when the two disagree.
    func checkFee(_ command: ParkCommandRecord) async throws -> (json: String, mismatch: String?) {
        let reply = CPMIDownlinkSpec.values(command.replyData ?? "{}")
        guard command.status == .succeeded else { return (Self.check(note: "the park did not answer with its fee"), nil) }
        let request = CPMIDownlinkSpec.values(command.data)
        let recordCode = request["recordCode"] ?? ""
        guard let record = try await store.parkingRecord(parkCode: command.parkCode, recordCode: recordCode), let entry = record.inTime else {
            return (Self.check(note: "ParkGate has no entry for record \(recordCode)"), nil)
        }
        let exit = (reply["chargeTime"]).flatMap { time.parseDashed($0) ?? time.parseCompact($0) } ?? command.repliedAt ?? Date()
        let coupons = Self.coupons(request["couponList"], time: time)
        let paid = try await store.prepaidTotal(parkCode: command.parkCode, recordCode: recordCode)
        guard let quote = try await CPMIFeeRules(store: store, time: time).quote(
            parkCode: command.parkCode, plate: record.plate, entry: entry, exit: exit, coupons: coupons.valid, paid: paid)
        else { return (Self.check(note: "the park has synchronised no temporary price (16)"), nil) }
        let ours: [(String, Money)] = [
            ("payMoney", quote.fee), ("discountMoney", quote.discount), ("chargeMoney", quote.due), ("realPayMoney", quote.paid),
        ]
        var pairs: [(String, String)] = []
        var differences: [(String, String)] = []
        var matches = true
        for (name, value) in ours {
            let reported = reply[name].flatMap { Money($0) }
            pairs.append((name, value.text))
            if let reported, reported != value {
                matches = false
                differences.append((name, Money(fen: reported.fen - value.fen).text))
            } else if reported == nil {
                differences.append((name, "missing"))
                matches = false
            }
        }
        let notes = coupons.problems.map { "coupon \($0.id): \($0.reason)" } + quote.refused.map { "coupon \($0.couponId): \($0.reason)" }
        let json = "{" + [
            "\"matches\":" + (matches ? "true" : "false"),
            "\"ours\":" + JSONText.object(pairs + [("minutes", String(quote.minutes)), ("exitTime", time.formatDashed(exit))]),
            "\"differences\":" + JSONText.object(differences),
            "\"notes\":[" + notes.map(JSONText.quote).joined(separator: ",") + "]",
        ].joined(separator: ",") + "}"
        let mismatch = matches ? nil : "停车费用查询 \(recordCode) \(record.plate): "
            + differences.map { "\($0.0) \($0.1 == "missing" ? "missing" : "lot − ParkGate = " + $0.1)" }.joined(separator: ", ")
        return (json, mismatch)
    }

    static func check(note: String) -> String {
        "{\"matches\":null,\"notes\":[" + JSONText.quote(note) + "]}"
    }

    /// B.13's `couponList`: an array of coupon objects (or one object).
    static func coupons(_ text: String?, time: ChinaTime) -> (valid: [Coupon], problems: [CouponProblem]) {
        guard let text, let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return ([], []) }
        let items = (parsed as? [Any]) ?? [parsed]
        var valid: [Coupon] = [], problems: [CouponProblem] = []
        for item in items {
            guard let object = item as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object) else { continue }
            switch Coupon.read(CPMIDownlinkSpec.values(String(decoding: data, as: UTF8.self)), time: time) {
            case .success(let coupon): valid.append(coupon)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (valid, problems)
    }
}
