import Foundation

/// The temporary price a lot syncs (16), as far as the interim fee needs it.
public struct TemporaryPrice: Sendable, Hashable {
    public var freeMinutes: Int
    /// Price per `unitMinutes` (the day price and its billing length).
    public var unitPrice: Money
    public var unitMinutes: Int
    /// Cap per 24 hours (全天封顶额); 0 for none.
    public var dailyCap: Money

    public init(freeMinutes: Int, unitPrice: Money, unitMinutes: Int, dailyCap: Money) {
        (self.freeMinutes, self.unitPrice, self.unitMinutes, self.dailyCap) = (freeMinutes, unitPrice, unitMinutes, dailyCap)
    }

    /// The interim fee (issue 4 brings the full engine with day and night periods): nothing
    /// within the free minutes; otherwise every started billing length at the unit price, each
    /// 24 hours capped at the daily cap.
    public func fee(minutes: Int) -> Money {
        guard minutes > freeMinutes, unitMinutes > 0 else { return Money(fen: 0) }
        var total: Int64 = 0, left = minutes
        while left > 0 {
            let block = min(left, 24 * 60)
            var blockFee = Int64((block + unitMinutes - 1) / unitMinutes) * unitPrice.fen
            if dailyCap.fen > 0 { blockFee = min(blockFee, dailyCap.fen) }
            total += blockFee
            left -= block
        }
        return Money(fen: total)
    }
}

/// 无感支付 (30): whether ParkGate charges a member's account as the car leaves.
public enum AutoPay {
    /// B.34's `failReason` codes.
    public enum FailReason: String, Sendable {
        case none = "0", vehicleNotBound = "1", autoPayOff = "2", couponInvalid = "3", balanceLow = "4", paymentFailed = "5"
        case recordMissing = "6", notMember = "7", paidElsewhere = "8"
    }

    public enum Decision: Sendable, Hashable {
        case charge(Money)
        case refuse(FailReason)
    }

    /// `member`: nil when the plate is no member, else whether auto-pay is on.
    public static func decide(recordKnown: Bool, member: Bool?, prepaid: Bool, price: TemporaryPrice?, minutes: Int) -> Decision {
        guard recordKnown else { return .refuse(.recordMissing) }
        guard let autoPay = member else { return .refuse(.notMember) }
        guard autoPay else { return .refuse(.autoPayOff) }
        if prepaid { return .refuse(.paidElsewhere) }
        guard let price else { return .refuse(.paymentFailed) }
        return .charge(price.fee(minutes: minutes))
    }
}
