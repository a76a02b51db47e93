import Foundation

/// One device measured against the truth (see `CampaignEvaluator` for the steps).
struct DeviceEvaluation {
    let data: DeviceData
    let truth: [TruthEvent]
    let berths: Set<String>
    let settings: EvaluationSettings

    func tally() -> DeviceTally {
        let window = settings.window, tolerance = settings.tolerance
        let device = data.device
        let site = data.events.filter { berths.contains($0.psCode) }
        let skews = data.events.map { $0.eventTime.timeIntervalSince($0.receivedAt) }
        let clockSkew = Statistics.median(skews)
        let changes = site.compactMap { event in event.change.map { (event: event, change: $0) } }
        let offset = CampaignEvaluator.estimateOffset(
            truth: truth, reports: changes.map { ($0.event.psCode, $0.change, $0.event.eventTime) },
            center: clockSkew ?? 0, tolerance: tolerance, search: settings.offsetSearch)
        let corrected = { (event: ReportedEvent) in event.eventTime.addingTimeInterval(-offset) }
        let matchable = DateInterval(start: window.start.addingTimeInterval(-tolerance), end: window.end.addingTimeInterval(tolerance))
        let candidates = changes.filter { matchable.contains(corrected($0.event)) }
        let coverage = Set(candidates.map(\.event.psCode))

        var counts = [BerthChange.arrive: DetectionCounts(), .depart: DetectionCounts()]
        var missed: [MissedEvent] = [], falseEvents: [FalseEvent] = []
        var plates = PlateCounts(), misreads: [PlateMisread] = []
        var receiptDelays: [Double] = [], reportDelays: [Double] = []
        var timeline: [TimelinePoint] = []
        let truthGroups = Dictionary(grouping: truth.filter { coverage.contains($0.psCode) }) { GroupKey(psCode: $0.psCode, change: $0.event) }
        let reportGroups = Dictionary(grouping: candidates) { GroupKey(psCode: $0.event.psCode, change: $0.change) }
        for key in Set(truthGroups.keys).union(reportGroups.keys).sorted() {
            let truthEvents = truthGroups[key] ?? []
            let reports = (reportGroups[key] ?? []).map(\.event).sorted { corrected($0) < corrected($1) }
            let pairs = OptimalMatching.match(
                truthEvents.map { $0.time.timeIntervalSince1970 }, reports.map { corrected($0).timeIntervalSince1970 }, tolerance: tolerance)
            let matchedTruth = Set(pairs.map(\.0)), matchedReports = Set(pairs.map(\.1))
            counts[key.change]!.truth += truthEvents.count
            counts[key.change]!.matched += pairs.count
            for (index, report) in reports.enumerated() {
                let time = corrected(report)
                if matchedReports.contains(index) || window.contains(time) {
                    counts[key.change]!.reported += 1
                    timeline.append(TimelinePoint(psCode: key.psCode, event: key.change, time: time))
                }
                if !matchedReports.contains(index), window.contains(time) {
                    falseEvents.append(FalseEvent(
                        psCode: key.psCode, event: key.change, time: settings.time.formatCompact(report.eventTime),
                        correctedTime: settings.time.formatCompact(time), flowId: report.flowId))
                }
            }
            for (index, event) in truthEvents.enumerated() where !matchedTruth.contains(index) {
                missed.append(MissedEvent(psCode: key.psCode, event: key.change, time: settings.time.formatCompact(event.time), plate: event.plate))
            }
            for (truthIndex, reportIndex) in pairs {
                let event = truthEvents[truthIndex], report = reports[reportIndex]
                receiptDelays.append(report.receivedAt.timeIntervalSince(event.time))
                reportDelays.append(report.eventTime.timeIntervalSince(event.time))
                guard device.readsPlates, let truthPlate = event.plate else { continue }
                plates.add(truth: truthPlate, reported: report.plate, confidence: report.confidence)
                if report.plate != truthPlate {
                    misreads.append(PlateMisread(
                        psCode: key.psCode, time: settings.time.formatCompact(event.time), truth: truthPlate, reported: report.plate,
                        confidence: report.confidence, flowId: report.flowId))
                }
            }
        }
        for change in BerthChange.allCases { counts[change]!.finish() }
        missed.sort { ($0.time, $0.psCode) < ($1.time, $1.psCode) }
        falseEvents.sort { ($0.correctedTime, $0.psCode) < ($1.correctedTime, $1.psCode) }
        timeline.sort { ($0.time, $0.psCode) < ($1.time, $1.psCode) }

        // Occupancy: the device's state against the truth's on every berth it covers.
        var agreeing = 0.0
        for berth in coverage {
            let truthStates = truth.filter { $0.psCode == berth }.map { (time: $0.time.timeIntervalSince1970, occupied: $0.event == .arrive) }
            let deviceStates = changes.filter { $0.event.psCode == berth }
                .map { (time: corrected($0.event).timeIntervalSince1970, occupied: $0.change == .arrive) }
                .sorted { $0.time < $1.time }
            agreeing += CampaignEvaluator.agreement(truthStates, deviceStates, window: window)
        }
        let occupancySeconds = window.duration * Double(coverage.count)

        let inWindow = data.events.filter { window.contains(corrected($0)) }
        let quality = dataQuality(inWindow)
        let availability = availability(inWindow, corrected: corrected)
        let both = counts[.arrive]! + counts[.depart]!
        let receipt = DelayFigures(receiptDelays)
        let metrics = DeviceMetrics(
            devCode: device.devCode, vendor: device.vendor, kind: device.category?.rawValue ?? "unknown",
            berths: coverage.sorted(), outsideSite: data.events.count - site.count,
            recall: both.recall, recallCI: both.recallCI, precision: both.precision, precisionCI: both.precisionCI,
            arrivals: counts[.arrive]!, departures: counts[.depart]!, missed: missed, falseEvents: falseEvents,
            occupancyAgreement: occupancySeconds > 0 ? agreeing / occupancySeconds : nil, occupancySeconds: occupancySeconds,
            plateAccuracy: device.readsPlates ? Statistics.share(plates.exact, of: plates.compared) : nil,
            plateAccuracyCI: device.readsPlates ? Statistics.wilson(successes: plates.exact, trials: plates.compared) : nil,
            plateAccuracyIgnoringProvince: device.readsPlates ? Statistics.share(plates.ignoringProvince, of: plates.compared) : nil,
            unrecognisedRate: device.readsPlates ? Statistics.share(plates.unrecognised, of: plates.compared) : nil,
            platesCompared: plates.compared, plateMisreads: misreads, confidenceBands: plates.finishedBands,
            delayP50: receipt.p50, delayP95: receipt.p95, delayMax: receipt.max, receiptDelay: receipt,
            reportDelay: DelayFigures(reportDelays), clockSkew: clockSkew, truthOffset: offset,
            dataQuality: quality, availability: availability)
        return DeviceTally(
            metrics: metrics, counts: counts, plates: plates, receiptDelays: receiptDelays, agreeingSeconds: agreeing,
            occupancySeconds: occupancySeconds, timeline: timeline)
    }

    struct GroupKey: Hashable, Comparable {
        var psCode: String
        var change: BerthChange

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.psCode, lhs.change.rawValue) < (rhs.psCode, rhs.change.rawValue) }
    }

    func dataQuality(_ events: [ReportedEvent]) -> DataQuality {
        var quality = DataQuality()
        if data.device.readsPlates {
            let passages = events.filter { $0.kind == "entry" || $0.kind == "exit" }
            quality.passages = passages.count
            quality.passagesWithImages = passages.filter { $0.imageCount > 0 }.count
            quality.imagesPresentRate = Statistics.share(quality.passagesWithImages, of: quality.passages)
        }
        quality.messages = events.count
        quality.findings = events.map(\.findings).reduce(0, +)
        quality.findingsPer1000 = quality.messages > 0 ? Double(quality.findings) * 1000 / Double(quality.messages) : nil
        // The serial is the last 16 digits of the flowId (3 vendor + 1 type + 16 digits).
        let serials = Set(events.compactMap { UInt64($0.flowId.suffix(16)) }).sorted()
        for (previous, next) in zip(serials, serials.dropFirst()) {
            let step = next - previous
            if step > 1000 { quality.flowIdJumps += 1 } else if step > 1 { quality.flowIdGaps += Int(step - 1) }
        }
        return quality
    }

    /// Online from each message until the next, for at most `silence` seconds; a 3.5 offline
    /// error (`alarmCode` 0) ends it at once.
    func availability(_ inWindow: [ReportedEvent], corrected: (ReportedEvent) -> Date) -> Availability {
        let window = settings.window
        let messages = data.events.sorted { $0.receivedAt < $1.receivedAt }
        var online = 0.0
        for (index, message) in messages.enumerated() {
            if message.kind == "device-error", message.code == "0" { continue }
            let start = max(message.receivedAt, window.start)
            var end = message.receivedAt.addingTimeInterval(settings.silence)
            if index + 1 < messages.count { end = min(end, messages[index + 1].receivedAt) }
            end = min(end, window.end)
            if end > start { online += end.timeIntervalSince(start) }
        }
        let readings = inWindow.compactMap { event -> (x: Double, y: Double)? in
            guard let text = event.battery, let value = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "% "))) else { return nil }
            return (event.receivedAt.timeIntervalSince1970 / 86_400, value)
        }.sorted { $0.x < $1.x }
        let battery = readings.isEmpty ? nil : BatteryTrend(
            readings: readings.count, first: readings.first?.y, last: readings.last?.y, min: readings.map(\.y).min(),
            trendPerDay: Statistics.slope(readings))
        var errors: [String: Int] = [:], alarms: [String: Int] = [:]
        for event in inWindow {
            if event.kind == "device-error" { errors[event.code ?? "?", default: 0] += 1 }
            if event.kind == "parking-alarm" { alarms[event.code ?? "?", default: 0] += 1 }
        }
        return Availability(
            onlineShare: window.duration > 0 ? online / window.duration : nil, offlineSeconds: max(0, window.duration - online),
            battery: battery, deviceErrors: errors, parkingAlarms: alarms)
    }
}

/// A device's metrics plus the raw counts needed to pool devices into vendors and kinds.
struct DeviceTally {
    var metrics: DeviceMetrics
    var counts: [BerthChange: DetectionCounts]
    var plates: PlateCounts
    var receiptDelays: [Double]
    var agreeingSeconds: Double
    var occupancySeconds: Double
    var timeline: [TimelinePoint]

    static func pooled(_ tallies: [DeviceTally], vendor: String?, kind: String?) -> GroupMetrics {
        let arrivals = tallies.map { $0.counts[.arrive]! }.reduce(DetectionCounts(), +)
        let departures = tallies.map { $0.counts[.depart]! }.reduce(DetectionCounts(), +)
        let both = arrivals + departures
        let plates = tallies.map(\.plates).reduce(PlateCounts(), +)
        let readsPlates = tallies.contains { $0.metrics.plateAccuracy != nil || $0.metrics.kind != DeviceCategory.geomagnetic.rawValue && $0.metrics.kind != "unknown" }
        let receipt = DelayFigures(tallies.flatMap(\.receiptDelays))
        let occupancy = tallies.map(\.occupancySeconds).reduce(0, +)
        let messages = tallies.map(\.metrics.dataQuality.messages).reduce(0, +)
        let findings = tallies.map(\.metrics.dataQuality.findings).reduce(0, +)
        let online = tallies.compactMap(\.metrics.availability.onlineShare)
        return GroupMetrics(
            vendor: vendor, kind: kind, devices: tallies.map(\.metrics.devCode).sorted(),
            recall: both.recall, recallCI: both.recallCI, precision: both.precision, precisionCI: both.precisionCI,
            arrivals: arrivals, departures: departures,
            occupancyAgreement: occupancy > 0 ? tallies.map(\.agreeingSeconds).reduce(0, +) / occupancy : nil,
            plateAccuracy: readsPlates ? Statistics.share(plates.exact, of: plates.compared) : nil,
            plateAccuracyCI: readsPlates ? Statistics.wilson(successes: plates.exact, trials: plates.compared) : nil,
            plateAccuracyIgnoringProvince: readsPlates ? Statistics.share(plates.ignoringProvince, of: plates.compared) : nil,
            unrecognisedRate: readsPlates ? Statistics.share(plates.unrecognised, of: plates.compared) : nil,
            platesCompared: plates.compared, confidenceBands: plates.finishedBands,
            delayP50: receipt.p50, delayP95: receipt.p95, delayMax: receipt.max, receiptDelay: receipt,
            findingsPer1000: messages > 0 ? Double(findings) * 1000 / Double(messages) : nil,
            onlineShare: online.isEmpty ? nil : online.reduce(0, +) / Double(online.count))
    }
}
