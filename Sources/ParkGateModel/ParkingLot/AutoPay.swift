import Foundation

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
    /// `quote`: the fee engine's answer for the stay, nil when the park has no temporary price.
    public static func decide(recordKnown: Bool, member: Bool?, prepaid: Bool, quote: FeeQuote?) -> Decision {
        guard recordKnown else { return .refuse(.recordMissing) }
        guard let autoPay = member else { return .refuse(.notMember) }
        guard autoPay else { return .refuse(.autoPayOff) }
        if prepaid { return .refuse(.paidElsewhere) }
        guard let quote else { return .refuse(.paymentFailed) }
        return .charge(quote.due)
    }
}
