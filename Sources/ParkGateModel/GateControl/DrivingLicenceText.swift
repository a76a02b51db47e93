import Foundation

/// The fields of a driving licence (机动车行驶证) read out of the text OCR gives for its
/// picture: each printed label, then what follows it up to the next label. OCR of Chinese puts
/// spaces between characters and may misread a label; a field whose label was not found is
/// left out rather than guessed.
public enum DrivingLicenceText {
    /// The licence's labels in the order they are printed, and the field each gives (the names
    /// of DrivingLicenseScanEx's answer).
    public static let labels: [(label: String, field: String)] = [
        ("号牌号码", "license"), ("车辆类型", "vehicleType"), ("所有人", "onwer"), ("住址", "address"), ("使用性质", "useCharacter"),
        ("品牌型号", "model"), ("车辆识别代号", "vin"), ("发动机号码", "engineNo"), ("注册日期", "registerDate"), ("发证日期", "issueDate"),
    ]

    public static func fields(from text: String) -> [String: String] {
        // Spaces OCR puts between Chinese characters go; a line break or a wide gap separates values.
        let compact = text.replacingOccurrences(of: "\r", with: "\n").split(separator: "\n").map(squeeze).joined(separator: "\n")
        var found: [(range: Range<String.Index>, field: String)] = []
        for (label, field) in labels {
            if let range = compact.range(of: label) { found.append((range, field)) }
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var fields: [String: String] = [:]
        for (index, entry) in found.enumerated() {
            let end = index + 1 < found.count ? found[index + 1].range.lowerBound : compact.endIndex
            guard entry.range.upperBound <= end else { continue }
            let raw = compact[entry.range.upperBound..<end]
            // A value is on the label's line (the next label may share it).
            let line = raw.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            // OCR reads the printed table's rules and gaps as stray quotes and stops.
            let value = line.trimmingCharacters(in: CharacterSet(charactersIn: " :：|丨\"“”'‘’。，,.、=*#_-").union(.whitespaces))
            if let cleaned = clean(value, field: entry.field), !cleaned.isEmpty { fields[entry.field] = cleaned }
        }
        return fields
    }

    /// Drops the spaces OCR puts between two characters of which one is not ASCII.
    static func squeeze(_ line: Substring) -> String {
        var out = ""
        let characters = Array(line)
        for (index, character) in characters.enumerated() {
            if character == " " {
                let before = index > 0 ? characters[index - 1] : " "
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                if !before.isASCII || !after.isASCII { continue }
                if out.hasSuffix(" ") { continue }
            }
            out.append(character)
        }
        return out
    }

    static func clean(_ value: String, field: String) -> String? {
        switch field {
        case "license", "vin", "engineNo":
            // Plates, VINs and engine numbers have no spaces; OCR's stray punctuation goes.
            let kept = value.filter { !$0.isWhitespace && !"·.,，。-_".contains($0) }
            return field == "vin" ? kept.uppercased().replacingOccurrences(of: "O", with: "0").replacingOccurrences(of: "I", with: "1") : kept.uppercased()
        case "registerDate", "issueDate":
            let digits = value.filter(\.isNumber)
            return digits.count >= 8 ? String(digits.prefix(8)) : nil
        case "vehicleType":
            let label = value.filter { !$0.isWhitespace }
            return HenanVehicleType.all.first { label.hasPrefix($0.label) }?.code
        case "useCharacter":
            let label = value.filter { !$0.isWhitespace }
            return HenanUseCharacter.allCases.sorted { $0.label.count > $1.label.count }.first { label.hasPrefix($0.label) }?.rawValue
        default:
            return value
        }
    }
}
