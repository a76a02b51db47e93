import Foundation

/// An optional that encodes as JSON `null` instead of being left out, so a report's readers
/// see every documented key (`plateAccuracy: null` for a sensor).
@propertyWrapper
public struct Nullable<Value: Sendable & Hashable & Encodable>: Sendable, Hashable, Encodable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// Detection counts of one event type (or both) against the truth.
public struct DetectionCounts: Sendable, Hashable, Encodable {
    /// Truth events on the berths the device covers.
    public var truth = 0
    /// The device's reports inside the window.
    public var reported = 0
    public var matched = 0
    @Nullable public var recall: Double?
    @Nullable public var recallCI: ConfidenceInterval?
    @Nullable public var precision: Double?
    @Nullable public var precisionCI: ConfidenceInterval?

    public init() {}

    mutating func finish() {
        recall = Statistics.share(matched, of: truth)
        recallCI = Statistics.wilson(successes: matched, trials: truth)
        precision = Statistics.share(matched, of: reported)
        precisionCI = Statistics.wilson(successes: matched, trials: reported)
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = DetectionCounts()
        sum.truth = lhs.truth + rhs.truth
        sum.reported = lhs.reported + rhs.reported
        sum.matched = lhs.matched + rhs.matched
        sum.finish()
        return sum
    }
}

/// A truth event the device did not report.
public struct MissedEvent: Sendable, Hashable, Encodable {
    public var psCode: String
    public var event: BerthChange
    public var time: String
    public var plate: String?
}

/// A report with no truth event to match.
public struct FalseEvent: Sendable, Hashable, Encodable {
    public var psCode: String
    public var event: BerthChange
    /// The device's time as sent, and corrected by its offset.
    public var time: String
    public var correctedTime: String
    public var flowId: String
}

/// A plate the device read differently from the truth.
public struct PlateMisread: Sendable, Hashable, Encodable {
    public var psCode: String
    public var time: String
    public var truth: String
    /// nil when the device sent `-`.
    public var reported: String?
    public var confidence: Int?
    public var flowId: String
}

/// Accuracy of the plates read with a confidence in one band.
public struct ConfidenceBand: Sendable, Hashable, Encodable {
    /// `0-59`, `60-69`, `70-79`, `80-89`, `90-100`, or `none` when no confidence was sent.
    public var band: String
    public var count = 0
    public var correct = 0
    @Nullable public var accuracy: Double?
    @Nullable public var accuracyCI: ConfidenceInterval?

    static let names = ["0-59", "60-69", "70-79", "80-89", "90-100", "none"]

    static func name(for confidence: Int?) -> String {
        guard let confidence else { return "none" }
        switch confidence {
        case ..<60: return "0-59"
        case 60..<70: return "60-69"
        case 70..<80: return "70-79"
        case 80..<90: return "80-89"
        default: return "90-100"
        }
    }
}

/// Plate reading of a video device over its matched passages whose truth has a plate.
public struct PlateCounts: Sendable, Hashable, Encodable {
    public var compared = 0
    public var exact = 0
    public var ignoringProvince = 0
    public var unrecognised = 0
    public var bands: [ConfidenceBand] = ConfidenceBand.names.map { ConfidenceBand(band: $0) }

    mutating func add(truth: String, reported: String?, confidence: Int?) {
        compared += 1
        let correct = reported == truth
        if correct { exact += 1 }
        if let reported, Plates.withoutProvince(reported) == Plates.withoutProvince(truth) { ignoringProvince += 1 }
        if reported == nil { unrecognised += 1 }
        let index = ConfidenceBand.names.firstIndex(of: ConfidenceBand.name(for: confidence))!
        bands[index].count += 1
        if correct { bands[index].correct += 1 }
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.compared += rhs.compared
        sum.exact += rhs.exact
        sum.ignoringProvince += rhs.ignoringProvince
        sum.unrecognised += rhs.unrecognised
        for index in sum.bands.indices {
            sum.bands[index].count += rhs.bands[index].count
            sum.bands[index].correct += rhs.bands[index].correct
        }
        return sum
    }

    var finishedBands: [ConfidenceBand] {
        bands.filter { $0.count > 0 }.map { band in
            var band = band
            band.accuracy = Statistics.share(band.correct, of: band.count)
            band.accuracyCI = Statistics.wilson(successes: band.correct, trials: band.count)
            return band
        }
    }
}

/// Delay figures in seconds: p50 (with its interval), p95, max.
public struct DelayFigures: Sendable, Hashable, Encodable {
    public var count: Int
    @Nullable public var p50: Double?
    @Nullable public var p50CI: ConfidenceInterval?
    @Nullable public var p95: Double?
    @Nullable public var max: Double?

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Statistics.quantile(sorted, 0.5)
        p50CI = Statistics.quantileInterval(sorted, 0.5)
        p95 = Statistics.quantile(sorted, 0.95)
        max = sorted.last
    }
}

public struct DataQuality: Sendable, Hashable, Encodable {
    /// Passages (entry/exit) of a video device, and those carrying at least one image.
    public var passages = 0
    public var passagesWithImages = 0
    @Nullable public var imagesPresentRate: Double?
    public var messages = 0
    public var findings = 0
    @Nullable public var findingsPer1000: Double?
    /// Serial numbers missing between consecutive `flowId`s of the device (steps up to 1,000),
    /// and larger jumps (a restarted or re-based counter), counted separately.
    public var flowIdGaps = 0
    public var flowIdJumps = 0
}

public struct BatteryTrend: Sendable, Hashable, Encodable {
    public var readings: Int
    @Nullable public var first: Double?
    @Nullable public var last: Double?
    @Nullable public var min: Double?
    /// Least-squares change per day, in the unit the device sends (usually percent).
    @Nullable public var trendPerDay: Double?
}

public struct Availability: Sendable, Hashable, Encodable {
    @Nullable public var onlineShare: Double?
    public var offlineSeconds: Double
    @Nullable public var battery: BatteryTrend?
    /// 3.5 device errors by `alarmCode`, and 3.4 parking alarms by `alarmCode`.
    public var deviceErrors: [String: Int]
    public var parkingAlarms: [String: Int]
}

/// Everything measured for one device.
public struct DeviceMetrics: Sendable, Hashable, Encodable {
    public var devCode: String
    public var vendor: String
    /// The device category (`geomagnetic`, `video-pile`, `high-video`, `mid-video`, `unknown`).
    public var kind: String
    /// Site berths the device reported on (its coverage).
    public var berths: [String]
    /// Messages outside the site's berths (ignored by the metrics).
    public var outsideSite: Int
    @Nullable public var recall: Double?
    @Nullable public var recallCI: ConfidenceInterval?
    @Nullable public var precision: Double?
    @Nullable public var precisionCI: ConfidenceInterval?
    public var arrivals: DetectionCounts
    public var departures: DetectionCounts
    public var missed: [MissedEvent]
    public var falseEvents: [FalseEvent]
    @Nullable public var occupancyAgreement: Double?
    public var occupancySeconds: Double
    @Nullable public var plateAccuracy: Double?
    @Nullable public var plateAccuracyCI: ConfidenceInterval?
    @Nullable public var plateAccuracyIgnoringProvince: Double?
    @Nullable public var unrecognisedRate: Double?
    public var platesCompared: Int
    public var plateMisreads: [PlateMisread]
    public var confidenceBands: [ConfidenceBand]
    /// Truth event → ParkGate's receipt, seconds (the delay a user of the platform sees).
    @Nullable public var delayP50: Double?
    @Nullable public var delayP95: Double?
    @Nullable public var delayMax: Double?
    public var receiptDelay: DelayFigures
    /// Truth event → the time the device wrote on its report (detection delay plus clock error).
    public var reportDelay: DelayFigures
    /// Median of (device time − receipt time) over all its messages: its clock against the
    /// platform's (negative = late), sending delay included.
    @Nullable public var clockSkew: Double?
    /// The offset of the device's times against the truth, removed before matching.
    public var truthOffset: Double
    public var dataQuality: DataQuality
    public var availability: Availability
}

/// Figures pooled over a group of devices (one vendor, or one device kind).
public struct GroupMetrics: Sendable, Hashable, Encodable {
    @Nullable public var vendor: String?
    @Nullable public var kind: String?
    public var devices: [String]
    @Nullable public var recall: Double?
    @Nullable public var recallCI: ConfidenceInterval?
    @Nullable public var precision: Double?
    @Nullable public var precisionCI: ConfidenceInterval?
    public var arrivals: DetectionCounts
    public var departures: DetectionCounts
    @Nullable public var occupancyAgreement: Double?
    @Nullable public var plateAccuracy: Double?
    @Nullable public var plateAccuracyCI: ConfidenceInterval?
    @Nullable public var plateAccuracyIgnoringProvince: Double?
    @Nullable public var unrecognisedRate: Double?
    public var platesCompared: Int
    public var confidenceBands: [ConfidenceBand]
    @Nullable public var delayP50: Double?
    @Nullable public var delayP95: Double?
    @Nullable public var delayMax: Double?
    public var receiptDelay: DelayFigures
    @Nullable public var findingsPer1000: Double?
    @Nullable public var onlineShare: Double?
}

public struct CampaignSummary: Sendable, Hashable, Encodable {
    public var name: String
    public var parkCode: String
    public var from: String
    public var to: String
    public var tolerance: Double
    /// `csv`, or `reference:VENDOR:DEVCODE`.
    public var truthSource: String
    public var truthEvents: Int
    public var berths: [String]
    public var generatedAt: String

    public init(name: String, parkCode: String, from: String, to: String, tolerance: Double, truthSource: String,
                truthEvents: Int, berths: [String], generatedAt: String) {
        (self.name, self.parkCode, self.from, self.to, self.tolerance) = (name, parkCode, from, to, tolerance)
        (self.truthSource, self.truthEvents, self.berths, self.generatedAt) = (truthSource, truthEvents, berths, generatedAt)
    }
}

/// A campaign's report: per device, per vendor, per device kind.
public struct EvaluationReport: Sendable, Encodable {
    public var campaign: CampaignSummary
    public var devices: [DeviceMetrics]
    public var vendors: [GroupMetrics]
    public var kinds: [GroupMetrics]
    /// The truth, for timelines (berth, event, time).
    public var truth: [TruthEvent]
    /// Each device's berth changes after offset correction (key `vendor:devCode`), for timelines.
    public var timelines: [String: [TimelinePoint]]

    /// The truth and timelines feed the charts; the JSON carries the figures.
    enum CodingKeys: String, CodingKey { case campaign, devices, vendors, kinds }
}

public struct TimelinePoint: Sendable, Hashable, Encodable {
    public var psCode: String
    public var event: BerthChange
    public var time: Date
}
