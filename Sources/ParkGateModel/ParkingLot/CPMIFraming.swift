/// T/CPMI downlink framing (B.3.2–B.3.4, PROFILE "Downlink TCP"), shared by the platform's TCP
/// server and the parking-lot client: every packet is `$$` + one JSON object + `##`; a `*` (or
/// anything else) between packets is skipped; inside JSON strings `$` and `#` travel as
/// `\u0024` and `\u0023`, so `$$` and `##` never occur inside a packet.
public enum CPMIFraming {
    public static let defaultLimit = 1 << 20

    /// The packet for a JSON text: `$` and `#` escaped (in valid JSON they can only occur inside
    /// strings, where the escape means the same character).
    public static func packet(_ json: String) -> String {
        guard json.utf8.contains(where: { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "#") }) else { return "$$" + json + "##" }
        var escaped = "$$"
        escaped.reserveCapacity(json.utf8.count + 16)
        for character in json.unicodeScalars {
            switch character {
            case "$": escaped += "\\u0024"
            case "#": escaped += "\\u0023"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped + "##"
    }

    public enum Step: Equatable {
        /// Drop this many bytes (outside any packet, or a packet torn by a new `$$`).
        case skip(Int, torn: Bool)
        /// A packet: its JSON is `body` (indices into the scanned bytes); drop `consumed` bytes.
        case packet(body: Range<Int>, consumed: Int)
        /// Wait for more bytes; the next scan may start looking for `##` at `searched`.
        case needMore(searched: Int)
        /// The current packet is longer than the limit.
        case tooLarge
    }

    /// One step over `bytes` (indices from 0). `searched`: what an earlier scan of the same
    /// packet already looked at.
    public static func scan<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, searched: Int = 0, limit: Int = defaultLimit) -> Step
    where Bytes.Index == Int {
        let base = bytes.startIndex, count = bytes.count
        guard count > 0 else { return .needMore(searched: 0) }
        // Find the start: `$$`.
        var start = 0
        while start + 1 < count, !(bytes[base + start] == 0x24 && bytes[base + start + 1] == 0x24) { start += 1 }
        if start + 1 >= count {
            // Keep a lone trailing `$`: it may be the first half of `$$`.
            let keep = bytes[base + count - 1] == 0x24 ? 1 : 0
            return count - keep > 0 ? .skip(count - keep, torn: false) : .needMore(searched: 0)
        }
        if start > 0 { return .skip(start, torn: false) }
        var index = max(2, searched)
        while index + 1 < count {
            let byte = bytes[base + index]
            if byte == 0x23, bytes[base + index + 1] == 0x23 { return .packet(body: 2..<index, consumed: index + 2) }
            if byte == 0x24, bytes[base + index + 1] == 0x24 { return .skip(index, torn: true) }
            index += 1
        }
        if count > limit + 4 { return .tooLarge }
        return .needMore(searched: index)
    }
}
