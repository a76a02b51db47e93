import Foundation

/// What a stay costs: the fee before coupons, what each coupon took off, what is left to pay.
public struct FeeQuote: Sendable, Hashable, Codable {
    public struct Applied: Sendable, Hashable, Codable {
        public var couponId: String
        public var discount: Money
    }
    public struct Refused: Sendable, Hashable, Codable {
        public var couponId: String
        public var reason: String
    }

    /// Whole minutes of the stay (started minutes count).
    public var minutes: Int
    /// Minutes of the stay a card covered.
    public var cardMinutes: Int
    /// The fee after cards, before coupons (B.13 `payMoney`).
    public var fee: Money
    /// The sum of coupon discounts (B.13 `discountMoney`).
    public var discount: Money
    /// Already paid (B.13 `realPayMoney`).
    public var paid: Money
    /// Left to pay: fee − discount − paid, never below zero (B.13 `chargeMoney`).
    public var due: Money
    public var applied: [Applied]
    public var refused: [Refused]
}

/// The fee rules of T/CPMI: temporary price (16), cards (19/20) and coupons (B.13/B.16).
///
/// Pure and deterministic: the stay is cut at 24-hour blocks from entry, at the day/night
/// boundaries and at the edges of card and coupon coverage; each day or night period of a block
/// pays every started billing length of its chargeable time, capped by its period cap; each
/// block is capped by the all-day cap.
public enum FeeEngine {
    public static func quote(
        entry: Date, exit: Date, tariff: Tariff, cards: [ParkingCard] = [], coupons: [Coupon] = [], paid: Money = Money(fen: 0),
        time: ChinaTime = ChinaTime()
    ) -> FeeQuote {
        let offset = time.timeZone.secondsFromGMT(for: entry)
        let start = Int(entry.timeIntervalSince1970.rounded(.down)) + offset
        let end = max(start, Int(exit.timeIntervalSince1970.rounded(.up)) + offset)
        let stay = start..<end
        let minutes = (end - start + 59) / 60
        let cardCover = merge(cards.flatMap { $0.coverage(in: stay, offset: offset) })
        let cardSeconds = cardCover.reduce(0) { $0 + $1.count }
        let base = fee(stay: stay, tariff: tariff, covered: cardCover)

        var applied: [FeeQuote.Applied] = [], refused: [FeeQuote.Refused] = []
        var current = base
        var cover = cardCover
        // Duration coupons change the chargeable time, so they go first; money coupons then take
        // their share of what is left, in the order given.
        let ordered = coupons.filter { $0.freedMinutes > 0 } + coupons.filter { $0.freedMinutes == 0 }
        for coupon in ordered {
            if let reason = coupon.refusal(exit: exit, minutes: minutes, feeBefore: Money(fen: base)) {
                refused.append(.init(couponId: coupon.id, reason: reason))
                continue
            }
            let off: Int64
            if coupon.freedMinutes > 0 {
                cover = merge(cover + [start..<min(end, start + coupon.freedMinutes * 60)])
                let after = min(current, fee(stay: stay, tariff: tariff, covered: cover))
                off = current - after
            } else {
                off = coupon.discount(on: current)
            }
            current -= off
            applied.append(.init(couponId: coupon.id, discount: Money(fen: off)))
        }
        let discount = base - current
        return FeeQuote(
            minutes: minutes, cardMinutes: (cardSeconds + 59) / 60, fee: Money(fen: base), discount: Money(fen: discount),
            paid: paid, due: Money(fen: max(0, current - max(0, paid.fen))), applied: applied, refused: refused)
    }

    /// The temporary-price fee of `stay` (local seconds) with `covered` stretches free.
    static func fee(stay: Range<Int>, tariff: Tariff, covered: [Range<Int>]) -> Int64 {
        guard !stay.isEmpty else { return 0 }
        var cuts = Set<Int>([stay.lowerBound, stay.upperBound])
        var block = stay.lowerBound + 86_400
        while block < stay.upperBound { cuts.insert(block); block += 86_400 }
        for piece in tariff.day.pieces(in: stay) { cuts.insert(piece.lowerBound); cuts.insert(piece.upperBound) }
        for piece in covered { cuts.insert(max(stay.lowerBound, piece.lowerBound)); cuts.insert(min(stay.upperBound, piece.upperBound)) }
        let points = cuts.filter { stay.contains($0) || $0 == stay.upperBound }.sorted()

        struct Segment { var block: Int; var day: Bool; var seconds: Int }
        var segments: [Segment] = []
        var coverIndex = 0
        var chargeable = 0
        for (low, high) in zip(points, points.dropFirst()) where low < high {
            while coverIndex < covered.count, covered[coverIndex].upperBound <= low { coverIndex += 1 }
            let isCovered = coverIndex < covered.count && covered[coverIndex].lowerBound <= low
            let blockIndex = (low - stay.lowerBound) / 86_400
            let minuteOfDay = ((low % 86_400) + 86_400) % 86_400 / 60
            let isDay = tariff.day.contains(minuteOfDay: minuteOfDay)
            let seconds = isCovered ? 0 : high - low
            chargeable += seconds
            if let last = segments.last, last.block == blockIndex, last.day == isDay {
                segments[segments.count - 1].seconds += seconds
            } else {
                segments.append(Segment(block: blockIndex, day: isDay, seconds: seconds))
            }
        }
        // A stay whose chargeable time is within the free minutes is free (grace period).
        if chargeable <= tariff.freeMinutes * 60 { return 0 }
        var total: Int64 = 0
        var blockTotal: Int64 = 0
        var currentBlock = 0
        func closeBlock() {
            total += tariff.cappingAll.fen > 0 ? min(blockTotal, tariff.cappingAll.fen) : blockTotal
            blockTotal = 0
        }
        for segment in segments {
            if segment.block != currentBlock { closeBlock(); currentBlock = segment.block }
            guard segment.seconds > 0, let unit = tariff.unit(day: segment.day) else { continue }
            var charge = Int64((segment.seconds + unit.seconds - 1) / unit.seconds) * unit.price
            let cap = tariff.cap(day: segment.day)
            if cap > 0 { charge = min(charge, cap) }
            blockTotal += charge
        }
        closeBlock()
        return total
    }

    /// Sorted, non-overlapping stretches.
    static func merge(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
