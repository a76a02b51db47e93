import Foundation

/// A two-sided 95% confidence interval.
public struct ConfidenceInterval: Sendable, Hashable, Encodable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// The small statistics the evaluation reports need, with their confidence intervals.
public enum Statistics {
    static let z95 = 1.959964

    /// Wilson score interval for `successes` out of `trials` (good at shares near 0 and 1, where
    /// the normal approximation reports impossible bounds); nil when there are no trials.
    public static func wilson(successes: Int, trials: Int) -> ConfidenceInterval? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z95 * z95
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z95 * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()) / (1 + z2 / n)
        // At 0 and n the bound is exactly 0 or 1; rounding must not report 0.9999999999999999.
        return ConfidenceInterval(
            low: successes == 0 ? 0 : max(0, centre - half), high: successes == trials ? 1 : min(1, centre + half))
    }

    /// A share, nil when there is nothing to share.
    public static func share(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }

    /// Nearest-rank quantile of a sorted sample.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Distribution-free interval for a quantile: the order statistics whose ranks bound the
    /// binomial count of observations below it.
    public static func quantileInterval(_ sorted: [Double], _ q: Double) -> ConfidenceInterval? {
        guard sorted.count >= 2 else { return nil }
        let n = Double(sorted.count)
        let spread = z95 * (n * q * (1 - q)).squareRoot()
        let low = Int((n * q - spread).rounded(.down)), high = Int((n * q + spread).rounded(.up))
        return ConfidenceInterval(low: sorted[max(0, min(sorted.count - 1, low - 1))], high: sorted[max(0, min(sorted.count - 1, high - 1))])
    }

    public static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Least-squares slope of `y` over `x`; nil with fewer than two distinct `x`.
    public static func slope(_ points: [(x: Double, y: Double)]) -> Double? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let meanX = points.map(\.x).reduce(0, +) / n, meanY = points.map(\.y).reduce(0, +) / n
        let sxx = points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +) / sxx
    }
}
