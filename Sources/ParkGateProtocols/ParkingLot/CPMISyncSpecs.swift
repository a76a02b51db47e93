import Foundation
import ParkGateModel

/// The synchronised tables of T/CPMI's uplink (12 优惠券, 16 临停价格, 19 月卡办理, 20 月卡价格):
/// each member typed by appendix C, kept per park and key as the lot last sent it, for the fee
/// rules (issue 4) to read.
enum CPMISyncSpecs {
    enum Kind { case string, int, money, time, code([String]) }

    struct Spec {
        var fields: [(name: String, kind: Kind)]
        /// The member that identifies an entry (nil: one entry per park).
        var key: String?
        var keyRequired: Bool
    }

    static let specs: [CPMIInterface: Spec] = [
        .coupon: Spec(fields: [
            ("parkCode", .string), ("carNum", .string), ("discountMoney", .money), ("couponValue", .money), ("discountDetail", .string),
            ("couponName", .string), ("discountAmout", .money), ("couponList", .string), ("discountType", .code(["1", "2", "3"])),
            ("couponType", .code(["0", "1", "3", "4"])), ("discountRate", .money), ("usercouponId", .string), ("maxDiscountMoney", .money),
        ], key: "usercouponId", keyRequired: true),
        .temporaryPrice: Spec(fields: [
            ("parkCode", .string), ("freeMinutes", .int), ("dayPrice", .money), ("dayTime", .int), ("nightPrice", .money),
            ("nightTime", .int), ("cappingAll", .money), ("cappingDay", .money), ("cappingNight", .money), ("other", .string),
        ], key: nil, keyRequired: false),
        .monthlyCardRecord: Spec(fields: [
            ("msRecordId", .string), ("carNums", .string), ("inIdentity", .code(["0", "1", "2", "3", "4"])), ("carColor", .string),
            ("carSize", .string), ("amount", .money), ("beginTime", .time), ("endTime", .time), ("amountDay", .money),
            ("beginTimeDay", .time), ("endTimeDay", .time), ("amountNight", .money), ("beginTimeNight", .time), ("endTimeNight", .time),
            ("operatorName", .string), ("operatorTime", .time), ("status", .code(["0", "1", "2"])),
        ], key: "msRecordId", keyRequired: true),
        .monthlyCardPrice: Spec(fields: [
            ("monthlyPrice", .money), ("quarterlyPrice", .money), ("halfyearPrice", .money), ("yearPrice", .money),
            ("dayMonthlyPrice", .money), ("dayTimeStart", .string), ("dayTimeEnd", .string), ("nightMonthlyPrice", .money),
            ("nightTimeStart", .string), ("nightTimeEnd", .string), ("other", .string), ("carSize", .string),
        ], key: "carSize", keyRequired: false),
    ]

    /// Reads `data` by the interface's table; times become `yyyy-MM-dd HH:mm:ss`, money two
    /// decimals. B.23's `inIdentity` (0–4) is converted to the 1–5 coding (PROFILE).
    static func read(_ interface: CPMIInterface, _ fields: inout CPMIFields, time: ChinaTime) throws(CPMIEnvelope.Refusal) -> ParkingReport {
        guard let spec = specs[interface] else { throw CPMIEnvelope.Refusal(result: .unknownInterface, message: "interface \(interface.code) is closed") }
        var values: [String: String] = [:]
        for (name, kind) in spec.fields {
            switch kind {
            case .string:
                values[name] = try fields.string(name, required: spec.keyRequired && name == spec.key)
            case .int:
                values[name] = try fields.int(name).map(String.init) ?? "0"
            case .money:
                values[name] = try fields.money(name).text
            case .time:
                values[name] = try fields.instant(name, required: false).map { time.formatDashed($0.date) } ?? ""
            case .code(let list):
                let text = try fields.string(name).trimmingCharacters(in: .whitespaces)
                if !text.isEmpty, !list.contains(text) { try fields.variant(name, "value outside its code list", text) }
                values[name] = text
            }
        }
        if interface == .monthlyCardRecord, let code = values["inIdentity"], !code.isEmpty {
            values["inIdentity"] = VehicleIdentity(monthlyCardCoding: code)?.rawValue ?? code
        }
        let key = spec.key.flatMap { values[$0] } ?? ""
        let removed = interface == .monthlyCardRecord && values["status"] == "2"
        return .sync(interface: interface.code, key: key, values: values, removed: removed)
    }
}
