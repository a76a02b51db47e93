import Foundation
import ParkGateModel

/// What the platform may send down (B.5–B.9) and how: which requests wait in the outbox for an
/// offline park (the synchronised tables and pushes), how long a reply may take (section 5), and
/// the members each needs.
public struct CPMIDownlinkSpec: Sendable {
    public var interface: CPMIInterface
    /// Kept and sent when the park is back online; otherwise refused when it is offline.
    public var durable: Bool
    /// Seconds to wait for the reply.
    public var timeout: Double
    public var required: [String]
    /// Members restricted to a code list.
    public var codes: [String: [String]] = [:]
    /// Members that must be amounts in yuan (at most two decimals) when present.
    public var amounts: [String] = []

    public static let all: [CPMIInterface: CPMIDownlinkSpec] = {
        let list: [CPMIDownlinkSpec] = [
            // 5.2.1: the fee order within 30 s.
            .init(interface: .feeQuery, durable: false, timeout: 30, required: ["recordCode"]),
            // 5.2.2: pushed within 30 s; money the park must learn of, so it waits when offline.
            .init(interface: .prepayment, durable: true, timeout: 30, required: ["recordCode", "orderCode", "orderMoney"],
                  amounts: ["orderMoney", "realPayMoney", "discountMoney"]),
            .init(interface: .reservation, durable: true, timeout: 30, required: ["carNum", "reserveTime", "reserveMinutes"]),
            .init(interface: .coupon, durable: true, timeout: 30, required: ["usercouponId", "couponType"],
                  codes: ["couponType": ["0", "1", "3", "4"], "discountType": ["1", "2", "3"]],
                  amounts: ["discountMoney", "maxDiscountMoney", "minimumConsumption"]),
            .init(interface: .temporaryPrice, durable: true, timeout: 30, required: ["dayPrice", "dayTime"],
                  amounts: ["dayPrice", "nightPrice", "cappingDay", "cappingNight", "cappingAll"]),
            // 5.3: valid for less than 60 s; never queued.
            .init(interface: .unlicensedEntry, durable: false, timeout: 60, required: ["plateNum", "inCross"]),
            .init(interface: .unlicensedExit, durable: false, timeout: 60, required: ["plateno", "outCross"]),
            .init(interface: .monthlyCardRecord, durable: true, timeout: 30, required: ["msRecordId", "carNums", "status"],
                  codes: ["status": ["0", "1", "2"], "inIdentity": ["0", "1", "2", "3", "4"]]),
            .init(interface: .monthlyCardPrice, durable: true, timeout: 30, required: []),
            // 5.5: the gate opens within 2 s or the request fails; the state within 10 s.
            .init(interface: .remoteOpen, durable: false, timeout: 2, required: ["barCode", "isOpen"], codes: ["isOpen": ["0", "1"]]),
            .init(interface: .gateStatus, durable: false, timeout: 10, required: ["barCode"]),
            .init(interface: .remoteRestart, durable: false, timeout: 2, required: ["equipmentCode"]),
            .init(interface: .blacklist, durable: true, timeout: 30, required: ["carNum", "Type"],
                  codes: ["Type": ["1", "2"], "carType": ["1", "2", "3", "4"], "paymentStatus": ["1", "2"]], amounts: ["oweMoney"]),
            .init(interface: .members, durable: true, timeout: 30, required: ["carNum"]),
            .init(interface: .invoice, durable: true, timeout: 30, required: ["recordCode", "invoiceCode"], amounts: ["payment"]),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.interface, $0) })
    }()

    public static func spec(code: String) -> CPMIDownlinkSpec? {
        Int(code).flatMap(CPMIInterface.init(rawValue:)).flatMap { all[$0] }
    }

    /// The problems of a request's `data` (members as text), empty when it may be sent.
    public func problems(_ values: [String: String]) -> [String] {
        var problems: [String] = []
        for name in required where (values[name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("\(name) is required")
        }
        for (name, list) in codes.sorted(by: { $0.key < $1.key }) {
            if let value = values[name], !value.isEmpty, !list.contains(value) {
                problems.append("\(name) \(value) is not one of \(list.joined(separator: ", "))")
            }
        }
        for name in amounts {
            if let value = values[name], !value.isEmpty, Money(value) == nil {
                problems.append("\(name) \(value) is not an amount in yuan such as 12.50")
            }
        }
        return problems
    }

    /// A pushed prepayment (10) as the platform records it once the park accepts.
    public static func prepayment(_ values: [String: String], time: ChinaTime) -> Prepayment {
        func money(_ name: String) -> Money { values[name].flatMap { Money($0) } ?? Money(fen: 0) }
        func date(_ name: String) -> Date? { values[name].flatMap { time.parseDashed($0) ?? time.parseCompact($0) } }
        func text(_ name: String) -> String { values[name] ?? "" }
        return Prepayment(
            orderCode: text("orderCode"), recordCode: text("recordCode"), plate: text("carNum"), carColor: text("carColor"),
            entryTime: date("entryTime"), predictedExit: date("predictExitTime"), orderMoney: money("orderMoney"),
            realPayMoney: values["realPayMoney"].flatMap { Money($0) } ?? money("orderMoney"), discountMoney: money("discountMoney"),
            discountType: text("discountType"), couponName: text("couponName"), discountDetail: text("discountDetail"),
            cashier: text("cashier"), terminalCode: text("terminalCode"), phoneNumber: text("phoneNumber"), payType: text("payType"))
    }

    /// For a synchronised table (12, 16, 19, 20): the entry the park keeps once it accepts.
    public func syncEntry(_ values: [String: String]) -> (key: String, values: [String: String], removed: Bool)? {
        guard let spec = CPMISyncSpecs.specs[interface] else { return nil }
        var values = values
        if interface == .monthlyCardRecord, let code = values["inIdentity"], !code.isEmpty {
            values["inIdentity"] = VehicleIdentity(monthlyCardCoding: code)?.rawValue ?? code
        }
        let key = spec.key.flatMap { values[$0] } ?? ""
        return (key, values, interface == .monthlyCardRecord && values["status"] == "2")
    }

    /// A JSON object's members as text (numbers as written, nested values as JSON).
    public static func values(_ dataText: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(dataText.utf8), options: [.fragmentsAllowed]) as? [String: Any] else { return [:] }
        var values: [String: String] = [:]
        for (key, value) in object {
            switch JSONValue(foundation: value) {
            case .string(let text): values[key] = text
            case .number(let text): values[key] = text
            case .bool(let flag): values[key] = flag ? "true" : "false"
            case .null: break
            case .array, .object:
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) { values[key] = String(decoding: data, as: UTF8.self) }
            }
        }
        return values
    }

    /// `data` with the park's code added when the caller left it out.
    public static func data(_ dataText: String, parkCode: String, values: [String: String]) -> String {
        guard values["parkCode"] == nil else { return dataText }
        let trimmed = dataText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") else { return dataText }
        let rest = trimmed.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
        return "{\"parkCode\":" + JSONText.quote(parkCode) + (rest == "}" ? "}" : "," + rest)
    }
}
