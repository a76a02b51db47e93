import Foundation

/// A change of a berth: a vehicle arrives or departs.
public enum BerthChange: String, Sendable, Hashable, Codable, CaseIterable {
    case arrive, depart

    public var label: String { self == .arrive ? "驶入 arrival" : "驶离 departure" }
}

/// One ground-truth observation: what really happened on a berth, and when.
public struct TruthEvent: Sendable, Hashable, Codable {
    public var psCode: String
    public var event: BerthChange
    public var time: Date
    /// The plate, when the observer read it (normalised: no spaces, upper case).
    public var plate: String?

    public init(psCode: String, event: BerthChange, time: Date, plate: String? = nil) {
        self.psCode = psCode
        self.event = event
        self.time = time
        self.plate = plate.flatMap(Plates.normalised)
    }
}

/// One stored message of a device under test, as the evaluation needs it.
public struct ReportedEvent: Sendable, Hashable {
    /// The canonical event kind: `entry`, `exit`, `occupied`, `vacant`, `parking-alarm`, `device-error`.
    public var kind: String
    public var psCode: String
    public var flowId: String
    /// The time the device put on the message (its own clock).
    public var eventTime: Date
    /// When ParkGate received it.
    public var receivedAt: Date
    /// The plate read (nil when the device sent `-` or no plate).
    public var plate: String?
    public var confidence: Int?
    public var imageCount: Int
    /// Conformance findings recorded on this message.
    public var findings: Int
    /// `devElec` as sent.
    public var battery: String?
    /// `alarmCode` of alarms and device errors.
    public var code: String?

    public init(kind: String, psCode: String, flowId: String, eventTime: Date, receivedAt: Date, plate: String? = nil,
                confidence: Int? = nil, imageCount: Int = 0, findings: Int = 0, battery: String? = nil, code: String? = nil) {
        (self.kind, self.psCode, self.flowId, self.eventTime, self.receivedAt) = (kind, psCode, flowId, eventTime, receivedAt)
        (self.plate, self.confidence, self.imageCount, self.findings, self.battery, self.code) = (plate, confidence, imageCount, findings, battery, code)
    }

    /// The berth change this message reports, if it reports one. Every passage and every
    /// occupancy message counts as a report (the document sends them on change, not as polls).
    public var change: BerthChange? {
        switch kind {
        case "entry", "occupied": .arrive
        case "exit", "vacant": .depart
        default: nil
        }
    }
}

/// A device in a campaign: vendor (`comType`), `devCode` and the kind of device.
public struct DeviceUnderTest: Sendable, Hashable, Codable {
    public var vendor: String
    public var devCode: String
    /// nil when the vendor is not registered.
    public var category: DeviceCategory?

    public init(vendor: String, devCode: String, category: DeviceCategory?) {
        self.vendor = vendor
        self.devCode = devCode
        self.category = category
    }

    /// Cameras read plates; sensors do not.
    public var readsPlates: Bool { category.map { $0 != .geomagnetic } ?? false }
}

/// A device's messages over the campaign window (and a margin around it, for clock offsets).
public struct DeviceData: Sendable {
    public var device: DeviceUnderTest
    public var events: [ReportedEvent]

    public init(device: DeviceUnderTest, events: [ReportedEvent]) {
        self.device = device
        self.events = events
    }
}

/// How to evaluate.
public struct EvaluationSettings: Sendable {
    public var window: DateInterval
    /// Largest difference between a truth event and a device's (offset-corrected) report that
    /// still counts as the same event, in seconds.
    public var tolerance: Double
    /// The site's berths; nil for the berths of the ground truth.
    public var berths: Set<String>?
    /// A device silent this long counts as offline (the platform's `devices.silence`).
    public var silence: Double
    /// How far from the receipt-based clock skew the truth-based offset is searched, seconds.
    public var offsetSearch: Double
    /// How times are written in the lists of missed and false events.
    public var time: ChinaTime

    public init(window: DateInterval, tolerance: Double, berths: Set<String>? = nil, silence: Double = 600, offsetSearch: Double = 600,
                time: ChinaTime = ChinaTime()) {
        self.window = window
        self.time = time
        self.tolerance = tolerance
        self.berths = berths
        self.silence = silence
        self.offsetSearch = offsetSearch
    }
}

public enum Plates {
    /// Spaces removed, upper case; nil for an empty plate or `-` (无牌/未识别).
    public static func normalised(_ plate: String) -> String? {
        let value = plate.filter { !$0.isWhitespace }.uppercased()
        return value.isEmpty || value == "-" ? nil : value
    }

    /// The plate without its province character (京, 沪 …).
    public static func withoutProvince(_ plate: String) -> Substring { plate.dropFirst() }
}
