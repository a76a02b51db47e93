import Foundation

/// A parking coupon (优惠券, B.13 and B.16).
///
/// Where the document is silent (docs/protocols/t-cpmi.md): `discountRate` is the share paid
/// (0.80 is 八折; 8.0 or 8.5 written in 折 are read as 0.80 and 0.85); a duration coupon is
/// usable when the stay is no longer than `parkingTime` (0: any stay) or `timeoutValid` is
/// true; 时长定额券 (`timeType` 0) frees the first `parkingTime` minutes (`freeMinutes` when
/// `parkingTime` is 0), 时长减免券 (1) frees the first `freeMinutes`, 时长折扣券 (2) applies
/// `discountRate`; `minimumConsumption` is compared with the fee before any coupon.
public struct Coupon: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case cash = "0", discount = "1", duration = "3", free = "4"
    }
    public enum DurationKind: String, Sendable, Hashable, Codable {
        case fixed = "0", reduction = "1", discount = "2"
    }

    public var id: String
    public var kind: Kind
    public var durationKind: DurationKind?
    public var parkingTime: Int
    public var startDate: Date?
    public var endDate: Date?
    public var discountMoney: Money
    public var maxDiscountMoney: Money
    /// The share paid, in hundredths (80 = 八折).
    public var ratePaid: Int
    public var freeMinutes: Int
    public var timeoutValid: Bool
    public var minimumConsumption: Money

    public init(
        id: String, kind: Kind, durationKind: DurationKind? = nil, parkingTime: Int = 0, startDate: Date? = nil, endDate: Date? = nil,
        discountMoney: Money = Money(fen: 0), maxDiscountMoney: Money = Money(fen: 0), ratePaid: Int = 100, freeMinutes: Int = 0,
        timeoutValid: Bool = false, minimumConsumption: Money = Money(fen: 0)
    ) {
        (self.id, self.kind, self.durationKind, self.parkingTime, self.startDate, self.endDate) = (id, kind, durationKind, max(0, parkingTime), startDate, endDate)
        (self.discountMoney, self.maxDiscountMoney, self.freeMinutes) = (discountMoney, maxDiscountMoney, max(0, freeMinutes))
        (self.timeoutValid, self.minimumConsumption) = (timeoutValid, minimumConsumption)
        self.ratePaid = min(100, max(0, ratePaid))
    }

    /// Reads a coupon from its members as text (B.13's `couponList` item or a synced B.16
    /// entry); nil with the reason when `couponType` is missing or outside its list.
    public static func read(_ values: [String: String], time: ChinaTime) -> Result<Coupon, CouponProblem> {
        let id = values["usercouponId"] ?? ""
        guard let kind = Kind(rawValue: (values["couponType"] ?? "").trimmingCharacters(in: .whitespaces)) else {
            return .failure(CouponProblem(id: id, reason: "couponType \(values["couponType"] ?? "") is not 0, 1, 3 or 4"))
        }
        func money(_ key: String) -> Money { values[key].flatMap { Money($0) } ?? Money(fen: 0) }
        func int(_ key: String) -> Int { values[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
        var durationKind: DurationKind?
        if kind == .duration {
            guard let parsed = DurationKind(rawValue: (values["timeType"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                return .failure(CouponProblem(id: id, reason: "a duration coupon needs timeType 0, 1 or 2"))
            }
            durationKind = parsed
        }
        let flag = (values["timeoutValid"] ?? "").lowercased()
        return .success(Coupon(
            id: id, kind: kind, durationKind: durationKind, parkingTime: int("parkingTime"),
            startDate: values["startDate"].flatMap { time.parseDashed($0) }, endDate: values["endDate"].flatMap { time.parseDashed($0) },
            discountMoney: money("discountMoney"), maxDiscountMoney: money("maxDiscountMoney"),
            ratePaid: Self.ratePaid(values["discountRate"] ?? ""), freeMinutes: int("freeMinutes"),
            timeoutValid: flag == "true" || flag == "1", minimumConsumption: money("minimumConsumption")))
    }

    /// `0.80` → 80; `8` or `8.5` (written in 折) → 80 and 85; empty → 100 (no discount).
    static func ratePaid(_ text: String) -> Int {
        guard let value = Money(text)?.fen, value > 0 else { return 100 }
        if value <= 100 { return Int(value) }
        if value <= 1000 { return Int(value / 10) }
        return 100
    }

    /// Whether the coupon may be used for a stay of `minutes` ending at `exit`; nil when it may.
    func refusal(exit: Date, minutes: Int, feeBefore: Money) -> String? {
        if let startDate, exit < startDate { return "not valid before its startDate" }
        if let endDate, exit > endDate { return "expired at its endDate" }
        if feeBefore < minimumConsumption { return "fee below its minimumConsumption" }
        if kind == .duration, parkingTime > 0, minutes > parkingTime, !timeoutValid {
            return "stay of \(minutes) min is longer than its parkingTime \(parkingTime) min and timeoutValid is false"
        }
        return nil
    }

    /// The minutes a duration coupon frees at the start of the stay (0 for other coupons).
    var freedMinutes: Int {
        switch (kind, durationKind) {
        case (.duration, .fixed): parkingTime > 0 ? parkingTime : freeMinutes
        case (.duration, .reduction): freeMinutes
        default: 0
        }
    }

    /// The money this coupon takes off `fee` (never more than `fee`).
    func discount(on fee: Int64) -> Int64 {
        let raw: Int64
        switch kind {
        case .cash: raw = discountMoney.fen
        case .free: raw = fee
        case .discount, .duration:
            if kind == .duration, durationKind != .discount { return 0 }
            let paid = (fee * Int64(ratePaid) + 50) / 100
            let off = fee - paid
            raw = maxDiscountMoney.fen > 0 ? min(off, maxDiscountMoney.fen) : off
        }
        return min(max(0, raw), fee)
    }
}

public struct CouponProblem: Error, Sendable, Hashable {
    public var id: String
    public var reason: String
}
