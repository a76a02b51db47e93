/// One kind of simulator request: how many were sent and answered with success, the failures
/// by outcome, and the latencies.
public struct SimulatorTally: Sendable {
    public var sent = 0
    public var ok = 0
    public var failed: [String: Int] = [:]
    public var latenciesMs: [Double] = []

    public init() {}

    /// Counts one answer; `success` is the outcome that means accepted ("ok", "200" …).
    mutating func add(_ outcome: String, ms: Double, success: String = "ok") {
        sent += 1
        latenciesMs.append(ms)
        if outcome == success { ok += 1 } else { failed[outcome, default: 0] += 1 }
    }

    public func percentile(_ p: Double) -> Double? {
        let sorted = latenciesMs.sorted()
        return sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// `name: sent N  ok N  failed N (…)  [R/s]  p50 … ms  p99 … ms`; the rate when `seconds` is given.
    func line(_ name: String, seconds: Double? = nil) -> String {
        let failures = failed.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        let p = { (value: Double?) in value.map { String(format: "%.2f", $0) } ?? "-" }
        let rate = seconds.map { String(format: "%.1f/s  ", Double(ok) / max($0, 0.001)) } ?? ""
        return "\(name): sent \(sent)  ok \(ok)  failed \(failed.values.reduce(0, +))\(failures.isEmpty ? "" : " (\(failures))")  "
            + rate + "p50 \(p(percentile(0.5))) ms  p99 \(p(percentile(0.99))) ms"
    }
}
