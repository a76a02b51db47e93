import Foundation

/// The documents' wall-clock time strings (China Standard Time, no zone) and their instants.
///
/// All four specifications write local times without a zone; ParkGate reads them in a
/// configurable zone (Asia/Shanghai by default), stores the UTC instant and keeps the text.
public struct ChinaTime: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt) {
        self.timeZone = timeZone
    }

    /// Parses `YYYYMMDDHHmmss` (exactly 14 digits naming a real calendar instant).
    public func parseCompact(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 14, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        func number(_ from: Int, _ length: Int) -> Int {
            var value = 0
            for index in from..<(from + length) { value = value * 10 + Int(bytes[index] - 48) }
            return value
        }
        let fields = CivilTime(
            year: number(0, 4), month: number(4, 2), day: number(6, 2),
            hour: number(8, 2), minute: number(10, 2), second: number(12, 2)
        )
        return instant(of: fields)
    }

    /// Formats an instant as `YYYYMMDDHHmmss` in this zone.
    public func formatCompact(_ date: Date) -> String {
        let civil = civilTime(of: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d",
            civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second
        )
    }

    /// The UTC instant of a local wall-clock time, or nil when the fields name no real time.
    public func instant(of civil: CivilTime) -> Date? {
        guard civil.isValid else { return nil }
        let localSeconds = civil.secondsSinceEpochIgnoringZone
        // The offset in force at that local time: probe with the offset at the naive instant,
        // then confirm (zones with DST history, such as Asia/Shanghai before 1992).
        let guess = Date(timeIntervalSince1970: TimeInterval(localSeconds))
        var offset = timeZone.secondsFromGMT(for: guess)
        let candidate = Date(timeIntervalSince1970: TimeInterval(localSeconds - offset))
        offset = timeZone.secondsFromGMT(for: candidate)
        return Date(timeIntervalSince1970: TimeInterval(localSeconds - offset))
    }

    /// Parses `yyyy-MM-dd HH:mm:ss` (T/CPMI) in this zone; nil unless it names a real instant.
    public func parseDashed(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A else { return nil }
        let compact = String(decoding: bytes[0..<4] + bytes[5..<7] + bytes[8..<10] + bytes[11..<13] + bytes[14..<16] + bytes[17..<19], as: UTF8.self)
        return parseCompact(compact)
    }

    /// Formats an instant as `yyyy-MM-dd HH:mm:ss` in this zone.
    public func formatDashed(_ date: Date) -> String {
        let civil = civilTime(of: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second)
    }

    /// The first instant of the next month: where a T/CPMI token (valid for the natural month) ends.
    public func startOfNextMonth(_ date: Date) -> Date {
        var civil = civilTime(of: date)
        (civil.day, civil.hour, civil.minute, civil.second) = (1, 0, 0, 0)
        if civil.month == 12 { (civil.year, civil.month) = (civil.year + 1, 1) } else { civil.month += 1 }
        return instant(of: civil) ?? date
    }

    /// Local midnight of the day `date` falls on.
    public func startOfDay(_ date: Date) -> Date {
        var civil = civilTime(of: date)
        (civil.hour, civil.minute, civil.second) = (0, 0, 0)
        return instant(of: civil) ?? date
    }

    /// The local wall-clock fields of an instant.
    public func civilTime(of date: Date) -> CivilTime {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        return CivilTime(secondsSinceEpochIgnoringZone: seconds)
    }
}

/// A wall-clock date and time with no zone.
public struct CivilTime: Sendable, Hashable {
    public var year, month, day, hour, minute, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second) = (hour, minute, second)
    }

    public var isValid: Bool {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return false }
        guard (1...CivilTime.daysInMonth(year: year, month: month)).contains(day) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    var secondsSinceEpochIgnoringZone: Int {
        daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
    }

    init(secondsSinceEpochIgnoringZone seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }
}
