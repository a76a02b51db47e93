/// RFC 4180 CSV: quoted fields, doubled quotes, line breaks inside quotes (truth files, the
/// video ledger, exports).
public enum CSV {
    /// A CSV field, quoted when it holds a comma, quote or line break.
    public static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// A CSV file for spreadsheet programs: UTF-8 with a byte-order mark, CRLF line ends, the
    /// first row the header (console exports and the API's `format=csv`).
    public static func spreadsheet(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Records with the line each starts on (quoted fields may span lines).
    public static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, start = 1, afterQuote = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" { quoted = false; afterQuote = true } else { field.append(character) }
                if character.isNewline { line += 1 }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }
                quoted = true
                afterQuote = false
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case _ where character.isNewline:
                fields.append(field)
                records.append((start, fields))
                fields = []
                field = ""
                afterQuote = false
                line += 1
                start = line
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append((start, fields)) }
        return records
    }
}
