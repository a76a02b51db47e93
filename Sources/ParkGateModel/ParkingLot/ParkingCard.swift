import Foundation

/// A monthly or time-sharing card (月卡, 错时卡: interface 19 for the record, 20 for the daily
/// windows). A card vehicle parks free inside the card's period and, for a time-sharing card,
/// inside its daily window; outside it pays the temporary price.
public struct ParkingCard: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case monthly, day, night }

    public var recordId: String
    public var plates: [String]
    public var kind: Kind
    public var validFrom: Date
    public var validTo: Date
    /// The daily window of a time-sharing card; nil for a monthly card.
    public var window: DailyWindow?

    public init(recordId: String, plates: [String], kind: Kind, validFrom: Date, validTo: Date, window: DailyWindow? = nil) {
        (self.recordId, self.plates, self.kind, self.validFrom, self.validTo, self.window) = (recordId, plates, kind, validFrom, validTo, window)
    }

    /// The cards of one interface-19 record (`status` 1 only; 0 is disabled, 2 deleted): a
    /// monthly card from `beginTime`/`endTime`, a day card from `beginTimeDay`/`endTimeDay` with
    /// 20's `dayTimeStart`/`dayTimeEnd`, a night card likewise. A time-sharing card whose park
    /// has synced no window is not honoured (nothing says when it applies).
    public static func cards(record values: [String: String], prices: [String: String]?, time: ChinaTime) -> [ParkingCard] {
        guard values["status"] == "1" else { return [] }
        let id = values["msRecordId"] ?? ""
        let plates = (values["carNums"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !plates.isEmpty else { return [] }
        func period(_ from: String, _ to: String) -> (Date, Date)? {
            guard let begin = time.parseDashed(values[from] ?? ""), let end = time.parseDashed(values[to] ?? ""), begin < end else { return nil }
            return (begin, end)
        }
        var cards: [ParkingCard] = []
        if let (begin, end) = period("beginTime", "endTime") {
            cards.append(ParkingCard(recordId: id, plates: plates, kind: .monthly, validFrom: begin, validTo: end))
        }
        if let (begin, end) = period("beginTimeDay", "endTimeDay"),
           let window = DailyWindow(startText: prices?["dayTimeStart"] ?? "", endText: prices?["dayTimeEnd"] ?? "") {
            cards.append(ParkingCard(recordId: id, plates: plates, kind: .day, validFrom: begin, validTo: end, window: window))
        }
        if let (begin, end) = period("beginTimeNight", "endTimeNight"),
           let window = DailyWindow(startText: prices?["nightTimeStart"] ?? "", endText: prices?["nightTimeEnd"] ?? "") {
            cards.append(ParkingCard(recordId: id, plates: plates, kind: .night, validFrom: begin, validTo: end, window: window))
        }
        return cards
    }

    /// The free stretches this card gives inside `range` (local seconds).
    func coverage(in range: Range<Int>, offset: Int) -> [Range<Int>] {
        let from = max(range.lowerBound, Int(validFrom.timeIntervalSince1970.rounded(.down)) + offset)
        let to = min(range.upperBound, Int(validTo.timeIntervalSince1970.rounded(.up)) + offset)
        guard from < to else { return [] }
        guard let window else { return [from..<to] }
        return window.pieces(in: from..<to)
    }
}
