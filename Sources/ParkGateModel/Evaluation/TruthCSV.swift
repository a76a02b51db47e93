import Foundation

/// The ground-truth CSV of a campaign:
///
/// ```
/// psCode,event,time,plate
/// P001,arrive,20260301083000,京A12345
/// P001,depart,20260301093512,京A12345
/// P002,arrive,20260301083100,
/// ```
/// A header naming the columns (any order, any case; more columns may follow and are ignored),
/// `event` `arrive` or `depart`, `time` as `YYYYMMDDHHmmss` in China time, `plate` empty where
/// unknown. RFC 4180 quoting, a UTF-8 byte-order mark and blank lines are accepted.
public enum TruthCSV {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "truth CSV line \(line): \(message)" }
    }

    public static let columns = ["psCode", "event", "time", "plate"]

    public static func parse(_ text: String, time: ChinaTime = ChinaTime()) throws(ParseError) -> [TruthEvent] {
        let rows = records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = rows.first(where: { !$0.fields.allSatisfy(\.isEmpty) }) else {
            throw ParseError(line: 1, message: "empty file; the header \(columns.joined(separator: ",")) is required")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var position: [String: Int] = [:]
        for column in columns {
            guard let index = names.firstIndex(of: column.lowercased()) else {
                throw ParseError(line: header.line, message: "header lacks column \(column) (needs \(columns.joined(separator: ",")))")
            }
            position[column] = index
        }
        var events: [TruthEvent] = []
        for row in rows where row.line > header.line && !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            func field(_ name: String) -> String {
                let index = position[name]!
                return index < row.fields.count ? row.fields[index].trimmingCharacters(in: .whitespaces) : ""
            }
            let psCode = field("psCode")
            guard !psCode.isEmpty else { throw ParseError(line: row.line, message: "psCode is empty") }
            guard let event = BerthChange(rawValue: field("event").lowercased()) else {
                throw ParseError(line: row.line, message: "event must be arrive or depart, got \"\(field("event"))\"")
            }
            guard let instant = time.parseCompact(field("time")) else {
                throw ParseError(line: row.line, message: "time must be YYYYMMDDHHmmss, got \"\(field("time"))\"")
            }
            events.append(TruthEvent(psCode: psCode, event: event, time: instant, plate: field("plate")))
        }
        return events
    }

    /// The CSV text of truth events (the format `parse` reads).
    public static func format(_ events: [TruthEvent], time: ChinaTime = ChinaTime()) -> String {
        var text = columns.joined(separator: ",") + "\n"
        for event in events {
            text += [event.psCode, event.event.rawValue, time.formatCompact(event.time), event.plate ?? ""].map(quoted).joined(separator: ",") + "\n"
        }
        return text
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    public static func quoted(_ field: String) -> String { CSV.quoted(field) }

    static func records(_ text: String) -> [(line: Int, fields: [String])] { CSV.records(text) }
}
