import Foundation

/// The evaluation of a test campaign (第三方检测): each device's reports against the ground
/// truth, per device, pooled per vendor and per device kind. Pure: the caller loads the data.
///
/// The steps for one device:
/// 1. its clock skew against the platform (median of device time − receipt time);
/// 2. its time offset against the truth: the offset, searched around the clock skew, that lines
///    up the most reports with truth events within the tolerance (then the median difference
///    of those), removed before matching so a wrong clock shows as a skew and not as misses;
/// 3. per berth and change (arrival, departure), optimal one-to-one matching within the
///    tolerance (`OptimalMatching`);
/// 4. the metrics over the matched pairs and the leftovers.
public enum CampaignEvaluator {
    public static func evaluate(
        summary: CampaignSummary, truth allTruth: [TruthEvent], devices: [DeviceData], settings: EvaluationSettings
    ) -> EvaluationReport {
        let berths = settings.berths ?? Set(allTruth.map(\.psCode))
        let truth = allTruth.filter { berths.contains($0.psCode) && settings.window.contains($0.time) }
            .sorted { ($0.time, $0.psCode) < ($1.time, $1.psCode) }
        let tallies = devices.map { DeviceEvaluation(data: $0, truth: truth, berths: berths, settings: settings).tally() }
        var summary = summary
        summary.truthEvents = truth.count
        summary.berths = berths.sorted()
        let vendors = Dictionary(grouping: tallies, by: \.metrics.vendor).sorted { $0.key < $1.key }
            .map { DeviceTally.pooled($0.value, vendor: $0.key, kind: nil) }
        let kinds = Dictionary(grouping: tallies, by: \.metrics.kind).sorted { $0.key < $1.key }
            .map { DeviceTally.pooled($0.value, vendor: nil, kind: $0.key) }
        var timelines: [String: [TimelinePoint]] = [:]
        for tally in tallies { timelines[tally.metrics.vendor + ":" + tally.metrics.devCode] = tally.timeline }
        return EvaluationReport(
            campaign: summary, devices: tallies.map(\.metrics), vendors: vendors, kinds: kinds, truth: truth, timelines: timelines)
    }

    /// The ground truth a reference device gives: its berth changes as it reported them.
    public static func truth(fromReference data: DeviceData) -> [TruthEvent] {
        data.events.compactMap { event in
            event.change.map { TruthEvent(psCode: event.psCode, event: $0, time: event.eventTime, plate: event.plate) }
        }
    }

    /// The offset (seconds, device − truth) that lines up the most of `reports` with `truth`
    /// within `tolerance`, searched within `search` of `center`; 0 without three such pairs.
    public static func estimateOffset(
        truth: [TruthEvent], reports: [(psCode: String, change: BerthChange, time: Date)], center: Double,
        tolerance: Double, search: Double
    ) -> Double {
        var truthTimes: [String: [Double]] = [:]
        for event in truth { truthTimes[event.psCode + "|" + event.event.rawValue, default: []].append(event.time.timeIntervalSince1970) }
        for key in truthTimes.keys { truthTimes[key]!.sort() }
        var deltas: [Double] = []
        for report in reports {
            guard let times = truthTimes[report.psCode + "|" + report.change.rawValue] else { continue }
            let time = report.time.timeIntervalSince1970
            // Truth instants t with |time − t − center| ≤ search.
            var index = lowerBound(times, time - center - search)
            while index < times.count, times[index] <= time - center + search {
                deltas.append(time - times[index])
                index += 1
            }
        }
        deltas.sort()
        var best: (count: Int, start: Int, end: Int)? = nil
        var end = 0
        for start in deltas.indices {
            end = max(end, start)
            while end + 1 < deltas.count, deltas[end + 1] <= deltas[start] + 2 * tolerance { end += 1 }
            let count = end - start + 1
            let middle = (deltas[start] + deltas[end]) / 2
            if let current = best {
                let currentMiddle = (deltas[current.start] + deltas[current.end]) / 2
                if count < current.count || (count == current.count && abs(middle) >= abs(currentMiddle)) { continue }
            }
            best = (count, start, end)
        }
        guard let best, best.count >= 3 else { return 0 }
        return Statistics.median(Array(deltas[best.start...best.end])) ?? 0
    }

    static func lowerBound(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Seconds within `window` where two berth-state timelines agree. A timeline is its changes
    /// in time order; before its first change the berth was in the opposite state.
    static func agreement(_ a: [(time: Double, occupied: Bool)], _ b: [(time: Double, occupied: Bool)], window: DateInterval) -> Double {
        let start = window.start.timeIntervalSince1970, end = window.end.timeIntervalSince1970
        var stateA = a.first.map { !$0.occupied } ?? false, stateB = b.first.map { !$0.occupied } ?? false
        var i = 0, j = 0, cursor = start, agreeing = 0.0
        while i < a.count, a[i].time <= start { stateA = a[i].occupied; i += 1 }
        while j < b.count, b[j].time <= start { stateB = b[j].occupied; j += 1 }
        while cursor < end {
            let next = min(i < a.count ? a[i].time : end, j < b.count ? b[j].time : end, end)
            if stateA == stateB { agreeing += next - cursor }
            cursor = next
            while i < a.count, a[i].time <= cursor { stateA = a[i].occupied; i += 1 }
            while j < b.count, b[j].time <= cursor { stateB = b[j].occupied; j += 1 }
        }
        return agreeing
    }
}
