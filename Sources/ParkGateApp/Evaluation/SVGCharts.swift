import Foundation

/// Charts drawn on the server as inline SVG: no script, no external URL, printable.
enum SVGCharts {
    static let palette = ["#2f6fb0", "#e07b28", "#3a9a5b", "#b8433c", "#7a5aa6", "#8c6d31", "#c25d9d", "#5f7f8f"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    struct Bar {
        var value: Double?
        var low: Double?
        var high: Double?
        var note: String?
    }

    /// Grouped vertical bars of shares (0–1) with their confidence intervals as whiskers.
    static func shareBars(groups: [(label: String, bars: [Bar])], series: [String], title: String) -> String {
        let groupWidth = Double(max(series.count, 1)) * 22 + 18
        let left = 44.0, top = 28.0, plot = 180.0
        let width = max(480, left + groupWidth * Double(max(groups.count, 1)) + 16 + 150)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(number(width))\" height=\"\(number(top + plot + 44))\" viewBox=\"0 0 \(number(width)) \(number(top + plot + 44))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = top + plot * (1 - tick)
            svg += "<line x1=\"\(number(left))\" x2=\"\(number(left + groupWidth * Double(groups.count)))\" y1=\"\(number(y))\" y2=\"\(number(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(number(left - 4))\" y=\"\(number(y + 4))\" text-anchor=\"end\">\(Int(tick * 100))%</text>"
        }
        for (groupIndex, group) in groups.enumerated() {
            let x0 = left + groupWidth * Double(groupIndex) + 9
            for (barIndex, bar) in group.bars.enumerated() {
                let x = x0 + Double(barIndex) * 22
                let color = palette[barIndex % palette.count]
                guard let value = bar.value else {
                    svg += "<text x=\"\(number(x + 9))\" y=\"\(number(top + plot - 4))\" text-anchor=\"middle\" fill=\"#999\">–</text>"
                    continue
                }
                let height = plot * max(0, min(1, value))
                svg += "<rect x=\"\(number(x))\" y=\"\(number(top + plot - height))\" width=\"18\" height=\"\(number(height))\" fill=\"\(color)\"><title>\(escape(series[barIndex])): \(String(format: "%.1f%%", value * 100))\(bar.note.map { " " + escape($0) } ?? "")</title></rect>"
                if let low = bar.low, let high = bar.high {
                    let y1 = top + plot * (1 - low), y2 = top + plot * (1 - high)
                    svg += "<line x1=\"\(number(x + 9))\" x2=\"\(number(x + 9))\" y1=\"\(number(y1))\" y2=\"\(number(y2))\" stroke=\"#222\"/>"
                    svg += "<line x1=\"\(number(x + 5))\" x2=\"\(number(x + 13))\" y1=\"\(number(y2))\" y2=\"\(number(y2))\" stroke=\"#222\"/>"
                    svg += "<line x1=\"\(number(x + 5))\" x2=\"\(number(x + 13))\" y1=\"\(number(y1))\" y2=\"\(number(y1))\" stroke=\"#222\"/>"
                }
            }
            svg += "<text x=\"\(number(x0 + groupWidth / 2 - 9))\" y=\"\(number(top + plot + 16))\" text-anchor=\"middle\">\(escape(group.label))</text>"
        }
        svg += legend(series, x: left + groupWidth * Double(groups.count) + 16, y: top)
        return svg + "</svg>"
    }

    static func legend(_ series: [String], x: Double, y: Double) -> String {
        series.enumerated().map { index, name in
            let rowY = y + Double(index) * 16
            return "<rect x=\"\(number(x))\" y=\"\(number(rowY))\" width=\"10\" height=\"10\" fill=\"\(palette[index % palette.count])\"/><text x=\"\(number(x + 14))\" y=\"\(number(rowY + 9))\">\(escape(name))</text>"
        }.joined()
    }

    /// One row per item: a bar from 0 to the maximum, ticks at p50 and p95 (seconds).
    static func delayRows(_ rows: [(label: String, p50: Double?, p95: Double?, max: Double?, count: Int)], title: String) -> String {
        let scale = max(rows.compactMap(\.max).max() ?? 1, 1)
        let left = 150.0, plot = 420.0, rowHeight = 22.0, top = 30.0
        let height = top + rowHeight * Double(rows.count) + 30
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(number(left + plot + 120))\" height=\"\(number(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for tick in 0...4 {
            let x = left + plot * Double(tick) / 4
            svg += "<line x1=\"\(number(x))\" x2=\"\(number(x))\" y1=\"\(number(top - 4))\" y2=\"\(number(height - 24))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(number(x))\" y=\"\(number(height - 10))\" text-anchor=\"middle\">\(number(scale * Double(tick) / 4)) s</text>"
        }
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y + 14))\" text-anchor=\"end\">\(escape(row.label))</text>"
            guard let maximum = row.max else {
                svg += "<text x=\"\(number(left + 4))\" y=\"\(number(y + 14))\" fill=\"#999\">no matched events</text>"
                continue
            }
            let clamp = { (value: Double) in left + plot * max(0, min(value, scale)) / scale }
            svg += "<rect x=\"\(number(left))\" y=\"\(number(y + 5))\" width=\"\(number(clamp(maximum) - left))\" height=\"10\" fill=\"#c9dcef\"/>"
            if let p95 = row.p95 { svg += "<rect x=\"\(number(left))\" y=\"\(number(y + 5))\" width=\"\(number(clamp(p95) - left))\" height=\"10\" fill=\"#7fa9d6\"/>" }
            if let p50 = row.p50 { svg += "<line x1=\"\(number(clamp(p50)))\" x2=\"\(number(clamp(p50)))\" y1=\"\(number(y + 2))\" y2=\"\(number(y + 18))\" stroke=\"#b8433c\" stroke-width=\"2\"/>" }
            svg += "<text x=\"\(number(left + plot + 6))\" y=\"\(number(y + 14))\">p50 \(row.p50.map(number) ?? "–") · p95 \(row.p95.map(number) ?? "–") · n=\(row.count)</text>"
        }
        return svg + "</svg>"
    }

    /// A berth over the window: one row for the truth and one per device, occupied spans
    /// filled, each reported change a tick.
    static func timeline(
        rows: [(label: String, changes: [(time: Date, occupied: Bool)])], window: DateInterval, title: String, timeLabel: (Date) -> String
    ) -> String {
        let left = 150.0, plot = 620.0, rowHeight = 24.0, top = 30.0
        let height = top + rowHeight * Double(rows.count) + 30
        let span = max(window.duration, 1)
        let x = { (date: Date) in left + plot * max(0, min(1, date.timeIntervalSince(window.start) / span)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(number(left + plot + 20))\" height=\"\(number(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for tick in 0...4 {
            let date = window.start.addingTimeInterval(span * Double(tick) / 4)
            svg += "<line x1=\"\(number(x(date)))\" x2=\"\(number(x(date)))\" y1=\"\(number(top - 4))\" y2=\"\(number(height - 24))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(number(x(date)))\" y=\"\(number(height - 10))\" text-anchor=\"middle\">\(escape(timeLabel(date)))</text>"
        }
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let color = index == 0 ? "#444" : palette[(index - 1) % palette.count]
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y + 15))\" text-anchor=\"end\">\(escape(row.label))</text>"
            svg += "<rect x=\"\(number(left))\" y=\"\(number(y + 6))\" width=\"\(number(plot))\" height=\"12\" fill=\"#f3f3f3\"/>"
            var occupied = row.changes.first.map { !$0.occupied } ?? false
            var since = window.start
            for (position, change) in (row.changes + [(time: window.end, occupied: false)]).enumerated() {
                let end = min(max(change.time, window.start), window.end)
                if occupied, end > since {
                    svg += "<rect x=\"\(number(x(since)))\" y=\"\(number(y + 6))\" width=\"\(number(max(1, x(end) - x(since))))\" height=\"12\" fill=\"\(color)\" opacity=\"0.75\"/>"
                }
                if position < row.changes.count, change.time >= window.start, change.time <= window.end {
                    svg += "<line x1=\"\(number(x(change.time)))\" x2=\"\(number(x(change.time)))\" y1=\"\(number(y + 3))\" y2=\"\(number(y + 21))\" stroke=\"#000\"/>"
                }
                occupied = change.occupied
                since = max(end, window.start)
            }
        }
        return svg + "</svg>"
    }
}
