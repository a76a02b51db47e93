import Foundation

/// The dashboard's charts, drawn as SVG on the server.
enum ConsoleCharts {
    static func frame(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"10\"><title>\(SVGCharts.escape(title))</title><text x=\"8\" y=\"16\" font-size=\"12\" font-weight=\"bold\">\(SVGCharts.escape(title))</text>"
    }

    /// A maximum whose quarters are whole numbers, so the axis never repeats a label.
    static func niceMaximum(_ value: Double) -> Double { max(4, (value / 4).rounded(.up) * 4) }

    static func axis(maximum: Double, left: Double, top: Double, plot: Double, width: Double) -> String {
        var svg = ""
        for step in 0...4 {
            let value = maximum * Double(step) / 4, y = top + plot * (1 - Double(step) / 4)
            svg += "<line x1=\"\(left)\" x2=\"\(width - 8)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#e3e3e3\"/><text x=\"\(left - 4)\" y=\"\(y + 3)\" text-anchor=\"end\">\(Int(value.rounded()))</text>"
        }
        return svg
    }

    /// Grouped bars per label (hours), one colour per series.
    static func bars(labels: [String], series: [(name: String, values: [Double])], title: String) -> String {
        let left = 34.0, top = 26.0, plot = 150.0, slot = 24.0
        let width = left + slot * Double(labels.count) + 10
        let maximum = niceMaximum(series.flatMap(\.values).max() ?? 0)
        var svg = frame(width: width, height: top + plot + 40, title: title) + axis(maximum: maximum, left: left, top: top, plot: plot, width: width)
        let barWidth = (slot - 4) / Double(max(series.count, 1))
        for (index, label) in labels.enumerated() {
            let x0 = left + slot * Double(index) + 2
            for (position, entry) in series.enumerated() {
                let value = index < entry.values.count ? entry.values[index] : 0
                let height = plot * value / maximum
                svg += "<rect x=\"\(x0 + barWidth * Double(position))\" y=\"\(top + plot - height)\" width=\"\(barWidth - 1)\" height=\"\(height)\" fill=\"\(SVGCharts.palette[position % SVGCharts.palette.count])\"><title>\(SVGCharts.escape(label)):00 \(SVGCharts.escape(entry.name)) \(Int(value))</title></rect>"
            }
            svg += "<text x=\"\(x0 + slot / 2 - 2)\" y=\"\(top + plot + 12)\" text-anchor=\"middle\">\(label)</text>"
        }
        for (position, entry) in series.enumerated() {
            let x = left + 90 * Double(position)
            svg += "<rect x=\"\(x)\" y=\"\(top + plot + 22)\" width=\"10\" height=\"10\" fill=\"\(SVGCharts.palette[position % SVGCharts.palette.count])\"/><text x=\"\(x + 14)\" y=\"\(top + plot + 31)\">\(SVGCharts.escape(entry.name))</text>"
        }
        return svg + "</svg>"
    }

    /// A line over the labels (values may stop early: the rest of the day has not happened).
    static func line(labels: [String], values: [Double], title: String) -> String {
        let left = 34.0, top = 26.0, plot = 150.0, slot = 24.0
        let width = left + slot * Double(labels.count) + 10
        let maximum = niceMaximum(values.max() ?? 0)
        var svg = frame(width: width, height: top + plot + 40, title: title) + axis(maximum: maximum, left: left, top: top, plot: plot, width: width)
        let points = values.enumerated().map { index, value in
            "\(left + slot * (Double(index) + 0.5)),\(top + plot - plot * value / maximum)"
        }
        if !points.isEmpty {
            svg += "<polyline fill=\"none\" stroke=\"\(SVGCharts.palette[0])\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        }
        for (index, label) in labels.enumerated() {
            svg += "<text x=\"\(left + slot * (Double(index) + 0.5))\" y=\"\(top + plot + 12)\" text-anchor=\"middle\">\(label)</text>"
        }
        return svg + "</svg>"
    }
}
