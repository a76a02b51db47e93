import Foundation

/// A daily window of wall-clock minutes, `start ..< end`; it wraps past midnight when `end` is
/// not after `start` (19:00–07:00), and covers the whole day when both are equal.
public struct DailyWindow: Sendable, Hashable, Codable {
    /// Minutes after midnight, 0..<1440.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = ((start % 1440) + 1440) % 1440
        self.end = ((end % 1440) + 1440) % 1440
    }

    /// 07:00–19:00, ParkGate's day when a park names none (PROFILE: T/CPMI's interface 16 has
    /// day and night prices but no boundaries).
    public static let defaultDay = DailyWindow(start: 7 * 60, end: 19 * 60)

    /// Reads `HH:mm` or `HH:mm:ss` pairs (interface 20's `dayTimeStart`/`dayTimeEnd`).
    public init?(startText: String, endText: String) {
        guard let start = Self.minutes(startText), let end = Self.minutes(endText) else { return nil }
        self.init(start: start, end: end)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2 || parts.count == 3, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    public var text: String {
        func hm(_ minutes: Int) -> String {
            let h = minutes / 60, m = minutes % 60
            return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
        }
        return hm(start) + "–" + hm(end)
    }

    /// Whether the minute of the day lies in the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        if start == end { return true }
        return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    /// The window's pieces in local seconds (seconds since the epoch as if the zone were UTC)
    /// that meet `range`.
    func pieces(in range: Range<Int>) -> [Range<Int>] {
        guard !range.isEmpty else { return [] }
        if start == end { return [range] }
        var pieces: [Range<Int>] = []
        var day = Int((Double(range.lowerBound) / 86_400).rounded(.down)) - 1
        while day * 86_400 < range.upperBound {
            let base = day * 86_400
            let from = base + start * 60, to = base + (start < end ? end : end + 1440) * 60
            let low = max(from, range.lowerBound), high = min(to, range.upperBound)
            if low < high { pieces.append(low..<high) }
            day += 1
        }
        return pieces
    }
}

/// A park's temporary price (临停收费价格, interface 16, B.20) as the fee engine reads it.
///
/// Every amount is in fen; a billing length (`dayTime`, `nightTime`) is in minutes; a cap of 0
/// means no cap. Where the document is silent (PROFILE, docs/protocols/t-cpmi.md): the free
/// minutes are a grace period (a stay within them is free, a longer one pays from its entry);
/// each started billing length is charged in full; the day cap applies to each day period and
/// the night cap to each night period; the all-day cap to each 24 hours counted from entry; a
/// period without its own billing length uses the other period's price.
public struct Tariff: Sendable, Hashable, Codable {
    public var freeMinutes: Int
    public var dayPrice: Money
    public var dayTime: Int
    public var nightPrice: Money
    public var nightTime: Int
    public var cappingAll: Money
    public var cappingDay: Money
    public var cappingNight: Money
    public var day: DailyWindow

    public init(
        freeMinutes: Int = 0, dayPrice: Money, dayTime: Int, nightPrice: Money = Money(fen: 0), nightTime: Int = 0,
        cappingAll: Money = Money(fen: 0), cappingDay: Money = Money(fen: 0), cappingNight: Money = Money(fen: 0),
        day: DailyWindow = .defaultDay
    ) {
        self.freeMinutes = max(0, freeMinutes)
        (self.dayPrice, self.dayTime, self.nightPrice, self.nightTime) = (dayPrice, max(0, dayTime), nightPrice, max(0, nightTime))
        (self.cappingAll, self.cappingDay, self.cappingNight, self.day) = (cappingAll, cappingDay, cappingNight, day)
    }

    /// From interface 16's members as stored (`freeMinutes`, `dayPrice` …); `dayStart`/`dayEnd`
    /// (`HH:mm`) are ParkGate's extension for the day boundaries.
    public init(syncValues values: [String: String]) {
        func money(_ key: String) -> Money { values[key].flatMap { Money($0) } ?? Money(fen: 0) }
        func int(_ key: String) -> Int { values[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
        let day = DailyWindow(startText: values["dayStart"] ?? "", endText: values["dayEnd"] ?? "") ?? .defaultDay
        self.init(
            freeMinutes: int("freeMinutes"), dayPrice: money("dayPrice"), dayTime: int("dayTime"), nightPrice: money("nightPrice"),
            nightTime: int("nightTime"), cappingAll: money("cappingAll"), cappingDay: money("cappingDay"),
            cappingNight: money("cappingNight"), day: day)
    }

    /// Price and billing length of a period, or nil when the period is free.
    func unit(day isDay: Bool) -> (price: Int64, seconds: Int)? {
        let own = isDay ? (dayPrice, dayTime) : (nightPrice, nightTime)
        let other = isDay ? (nightPrice, nightTime) : (dayPrice, dayTime)
        let chosen = own.1 > 0 ? own : other
        guard chosen.1 > 0, chosen.0.fen > 0 else { return nil }
        return (chosen.0.fen, chosen.1 * 60)
    }

    func cap(day isDay: Bool) -> Int64 { isDay ? cappingDay.fen : cappingNight.fen }
}
