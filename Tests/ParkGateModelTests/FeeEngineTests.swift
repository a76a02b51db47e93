import Foundation
import ParkGateModel
import PropertyBased
import Testing

@Suite struct FeeEngineTests {
    let time = ChinaTime()
    /// Free 15 min; day 2.00 per 30 min, night 1.00 per hour; day cap 20, night cap 5, 24 h cap 25.
    let tariff = Tariff(
        freeMinutes: 15, dayPrice: Money(fen: 200), dayTime: 30, nightPrice: Money(fen: 100), nightTime: 60,
        cappingAll: Money(fen: 2500), cappingDay: Money(fen: 2000), cappingNight: Money(fen: 500))

    func at(_ text: String) -> Date { time.parseDashed(text)! }

    func fee(_ from: String, _ to: String, cards: [ParkingCard] = [], coupons: [Coupon] = []) -> FeeQuote {
        FeeEngine.quote(entry: at(from), exit: at(to), tariff: tariff, cards: cards, coupons: coupons, time: time)
    }

    @Test func chargesEveryStartedBillingLengthOfEachPeriod() {
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 10:14:59").fee.fen == 0)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 10:16:00").fee.fen == 200)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00").fee.fen == 800)
        // 18:00–19:00 day (2 × 2.00) and 19:00–20:30 night (2 × 1.00).
        #expect(fee("2026-03-02 18:00:00", "2026-03-02 20:30:00").fee.fen == 600)
        // 24 h: day 08–19 capped at 20, night 19–07 capped at 5, day 07–08 4.00 → 29, all-day cap 25.
        #expect(fee("2026-03-02 08:00:00", "2026-03-03 08:00:00").fee.fen == 2500)
        // The 25th hour starts a new 24-hour block.
        #expect(fee("2026-03-02 08:00:00", "2026-03-03 09:00:00").fee.fen == 2900)
        #expect(fee("2026-03-02 08:00:00", "2026-03-03 09:00:00").minutes == 25 * 60)
    }

    @Test func aPeriodWithoutItsOwnPriceUsesTheOther() {
        let flat = Tariff(dayPrice: Money(fen: 300), dayTime: 60)
        let quote = FeeEngine.quote(entry: at("2026-03-02 18:30:00"), exit: at("2026-03-02 20:00:00"), tariff: flat, time: time)
        #expect(quote.fee.fen == 600)  // 18:30–19:00 one hour started, 19:00–20:00 one hour
        let free = Tariff(dayPrice: Money(fen: 0), dayTime: 0)
        #expect(FeeEngine.quote(entry: at("2026-03-02 08:00:00"), exit: at("2026-03-05 08:00:00"), tariff: free, time: time).fee.fen == 0)
    }

    @Test func couponsTakeTheirShare() {
        let cash = Coupon(id: "c", kind: .cash, discountMoney: Money(fen: 500))
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [cash]).due.fen == 300)
        let rate = Coupon(id: "r", kind: .discount, ratePaid: 80)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [rate]).due.fen == 640)
        var capped = rate
        capped.maxDiscountMoney = Money(fen: 100)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [capped]).due.fen == 700)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [Coupon(id: "f", kind: .free)]).due.fen == 0)
        let huge = Coupon(id: "h", kind: .cash, discountMoney: Money(fen: 100_000))
        let quote = fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [huge])
        #expect(quote.due.fen == 0 && quote.discount.fen == 800)
    }

    @Test func durationCouponsFreeTheStartOfTheStayWhenUsable() {
        let fixed = Coupon(id: "d", kind: .duration, durationKind: .fixed, parkingTime: 60)
        let refused = fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [fixed])
        #expect(refused.due.fen == 800 && refused.refused.map(\.couponId) == ["d"])
        var lenient = fixed
        lenient.timeoutValid = true
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [lenient]).due.fen == 400)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 10:50:00", coupons: [fixed]).due.fen == 0)
        let reduction = Coupon(id: "m", kind: .duration, durationKind: .reduction, freeMinutes: 30)
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [reduction]).due.fen == 600)
        let minimum = Coupon(id: "n", kind: .cash, discountMoney: Money(fen: 100), minimumConsumption: Money(fen: 1000))
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [minimum]).refused.map(\.couponId) == ["n"])
        let expired = Coupon(id: "e", kind: .free, endDate: at("2026-03-01 00:00:00"))
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", coupons: [expired]).due.fen == 800)
    }

    @Test func cardsCoverTheirPeriodAndWindow() {
        let monthly = ParkingCard(recordId: "1", plates: ["京A1"], kind: .monthly, validFrom: at("2026-03-01 00:00:00"), validTo: at("2026-03-31 23:59:59"))
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", cards: [monthly]).due.fen == 0)
        // The card ends at 11:00: 11:00–12:00 pays (2 × 2.00).
        var ending = monthly
        ending.validTo = at("2026-03-02 11:00:00")
        #expect(fee("2026-03-02 10:00:00", "2026-03-02 12:00:00", cards: [ending]).due.fen == 400)
        let dayCard = ParkingCard(
            recordId: "2", plates: ["京A1"], kind: .day, validFrom: at("2026-03-01 00:00:00"), validTo: at("2026-03-31 23:59:59"),
            window: DailyWindow(start: 7 * 60, end: 19 * 60))
        let quote = fee("2026-03-02 18:00:00", "2026-03-02 20:30:00", cards: [dayCard])
        #expect(quote.due.fen == 200 && quote.cardMinutes == 60)
    }

    @Test func cardsFromInterface19Records() {
        let record = [
            "msRecordId": "M1", "carNums": "京A1, 京A2", "status": "1", "beginTime": "2026-03-01 00:00:00", "endTime": "2026-04-01 00:00:00",
            "beginTimeNight": "2026-03-01 00:00:00", "endTimeNight": "2026-04-01 00:00:00",
        ]
        let cards = ParkingCard.cards(record: record, prices: ["nightTimeStart": "19:00", "nightTimeEnd": "07:00"], time: time)
        #expect(cards.map(\.kind) == [.monthly, .night])
        #expect(cards[0].plates == ["京A1", "京A2"])
        #expect(ParkingCard.cards(record: record.merging(["status": "0"]) { $1 }, prices: nil, time: time).isEmpty)
    }

    // MARK: properties

    static let tariffs = Gen.int(in: 0...5_000).array(of: 9).map { v in
        Tariff(
            freeMinutes: v[0] % 61, dayPrice: Money(fen: Int64(v[1])), dayTime: v[2] % 121, nightPrice: Money(fen: Int64(v[3])),
            nightTime: v[4] % 121, cappingAll: Money(fen: Int64(v[5] * 3)), cappingDay: Money(fen: Int64(v[6] % 3 == 0 ? 0 : v[6])),
            cappingNight: Money(fen: Int64(v[7] % 3 == 0 ? 0 : v[7])), day: DailyWindow(start: (v[8] % 24) * 60, end: ((v[8] / 24) % 24) * 60))
    }
    static let entries = Gen.int(in: 1_767_000_000...1_800_000_000).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    static let stays = Gen.int(in: 0...(10 * 86_400))

    @Test func neverNegativeAndNeverAboveTheAllDayCap() async {
        await propertyCheck(count: 300, input: Self.tariffs, Self.entries, Self.stays) { tariff, entry, seconds in
            let quote = FeeEngine.quote(entry: entry, exit: entry.addingTimeInterval(TimeInterval(seconds)), tariff: tariff)
            #expect(quote.fee.fen >= 0 && quote.due.fen >= 0)
            if tariff.cappingAll.fen > 0 {
                let blocks = Int64(max(1, (seconds + 86_399) / 86_400))
                #expect(quote.fee.fen <= blocks * tariff.cappingAll.fen)
            }
            if seconds <= tariff.freeMinutes * 60 { #expect(quote.fee.fen == 0) }
        }
    }

    @Test func aShortStayNeverPaysMoreThanItsPeriodCaps() async {
        // Within one 24-hour block there are at most two day and two night periods.
        await propertyCheck(count: 300, input: Self.tariffs, Self.entries, Gen.int(in: 0...86_400)) { tariff, entry, seconds in
            guard tariff.cappingDay.fen > 0, tariff.cappingNight.fen > 0 else { return }
            let quote = FeeEngine.quote(entry: entry, exit: entry.addingTimeInterval(TimeInterval(seconds)), tariff: tariff)
            #expect(quote.fee.fen <= 2 * tariff.cappingDay.fen + 2 * tariff.cappingNight.fen)
        }
    }

    @Test func monotoneInTimeForPlainTariffs() async {
        await propertyCheck(count: 300, input: Self.tariffs, Self.entries, Self.stays, Gen.int(in: 0...(3 * 86_400))) { tariff, entry, first, more in
            let short = FeeEngine.quote(entry: entry, exit: entry.addingTimeInterval(TimeInterval(first)), tariff: tariff)
            let long = FeeEngine.quote(entry: entry, exit: entry.addingTimeInterval(TimeInterval(first + more)), tariff: tariff)
            #expect(short.fee <= long.fee)
        }
    }

    static let coupons = Gen.int(in: 0...3_000).array(of: 8).map { v in
        let kinds: [Coupon.Kind] = [.cash, .discount, .duration, .free]
        let durations: [Coupon.DurationKind] = [.fixed, .reduction, .discount]
        return Coupon(
            id: "c\(v[0])", kind: kinds[v[0] % 4], durationKind: durations[v[1] % 3], parkingTime: v[2] % 300,
            discountMoney: Money(fen: Int64(v[3])), maxDiscountMoney: Money(fen: Int64(v[4] % 2 == 0 ? 0 : v[4])),
            ratePaid: v[5] % 101, freeMinutes: v[6] % 240, timeoutValid: v[7] % 2 == 0, minimumConsumption: Money(fen: Int64(v[7] % 1_500)))
    }.array(of: 0...4)

    @Test func couponsNeverIncreaseTheFee() async {
        await propertyCheck(count: 300, input: Self.tariffs, Self.entries, Self.stays, Self.coupons) { tariff, entry, seconds, coupons in
            let quote = FeeEngine.quote(entry: entry, exit: entry.addingTimeInterval(TimeInterval(seconds)), tariff: tariff, coupons: coupons)
            #expect(quote.due <= quote.fee)
            #expect(quote.discount.fen >= 0 && quote.applied.allSatisfy { $0.discount.fen >= 0 })
            #expect(quote.applied.reduce(0) { $0 + $1.discount.fen } == quote.discount.fen)
            #expect(quote.applied.count + quote.refused.count == coupons.count)
        }
    }

    @Test func cardsNeverIncreaseTheFee() async {
        await propertyCheck(count: 200, input: Self.tariffs, Self.entries, Self.stays, Gen.int(in: -86_400...86_400).array(of: 4)) { tariff, entry, seconds, edges in
            let exit = entry.addingTimeInterval(TimeInterval(seconds))
            let card = ParkingCard(
                recordId: "x", plates: ["p"], kind: edges[2] % 2 == 0 ? .monthly : .day,
                validFrom: entry.addingTimeInterval(TimeInterval(edges[0])), validTo: exit.addingTimeInterval(TimeInterval(edges[1])),
                window: edges[2] % 2 == 0 ? nil : DailyWindow(start: abs(edges[3]) % 1440, end: abs(edges[2]) % 1440))
            let without = FeeEngine.quote(entry: entry, exit: exit, tariff: tariff)
            let with = FeeEngine.quote(entry: entry, exit: exit, tariff: tariff, cards: [card])
            #expect(with.fee <= without.fee)
        }
    }
}
