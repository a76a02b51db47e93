import Foundation

/// A parking space: a berth `psCode` inside a park `parkCode`.
public struct BerthKey: Sendable, Hashable, Codable {
    public var parkCode: String
    public var psCode: String

    public init(parkCode: String, psCode: String) {
        self.parkCode = parkCode
        self.psCode = psCode
    }
}

/// A registration plate as read by a device. `number` is nil when the device saw no plate
/// (the roadside documents write "-" for 无牌/未识别).
public struct Plate: Sendable, Hashable, Codable {
    public var number: String?
    /// GA 24.7 plate kind code, as sent.
    public var kind: String?

    public init(number: String?, kind: String? = nil) {
        self.number = number
        self.kind = kind
    }
}

/// What a detection device observed, in protocol-neutral terms.
public enum Observation: Sendable, Hashable {
    /// A camera saw a vehicle drive into (`entering == true`) or out of a berth.
    case passage(entering: Bool)
    /// A sensor reports whether the berth is occupied.
    case occupancy(occupied: Bool)
    /// Abnormal parking (roadside 3.4).
    case parkingAlarm(code: String, level: String?)
    /// The device reports a fault of its own (roadside 3.5).
    case deviceError(code: String)

    /// The berth occupancy this observation implies, if any.
    public var impliedOccupancy: Bool? {
        switch self {
        case .passage(let entering): entering
        case .occupancy(let occupied): occupied
        case .parkingAlarm, .deviceError: nil
        }
    }
}

/// The canonical form of one device message: who saw what, where and when.
public struct DetectionEvent: Sendable, Hashable {
    public var protocolName: String
    /// The sender's message id (roadside `flowId`).
    public var messageId: String
    /// The vendor (roadside `comType`).
    public var vendor: String
    public var deviceCode: String
    public var berth: BerthKey
    public var observation: Observation
    public var plate: Plate?
    public var confidence: Int?
    public var vehicleType: String?
    public var bodyColor: String?
    public var images: [String]
    /// The time the event happened, as an instant and as the sender wrote it.
    public var eventTime: Date
    public var eventTimeText: String
    /// For a departure: when the vehicle arrived, if the device says so.
    public var entryTime: Date?
    /// Battery level as sent (roadside `devElec`).
    public var batteryLevel: String?
    public var receivedAt: Date
    /// Protocol-specific fields worth keeping for the API, as sent.
    public var attributes: [String: String]

    public init(
        protocolName: String, messageId: String, vendor: String, deviceCode: String, berth: BerthKey,
        observation: Observation, plate: Plate? = nil, confidence: Int? = nil, vehicleType: String? = nil,
        bodyColor: String? = nil, images: [String] = [], eventTime: Date, eventTimeText: String,
        entryTime: Date? = nil, batteryLevel: String? = nil, receivedAt: Date, attributes: [String: String] = [:]
    ) {
        self.protocolName = protocolName
        self.messageId = messageId
        self.vendor = vendor
        self.deviceCode = deviceCode
        self.berth = berth
        self.observation = observation
        self.plate = plate
        self.confidence = confidence
        self.vehicleType = vehicleType
        self.bodyColor = bodyColor
        self.images = images
        self.eventTime = eventTime
        self.eventTimeText = eventTimeText
        self.entryTime = entryTime
        self.batteryLevel = batteryLevel
        self.receivedAt = receivedAt
        self.attributes = attributes
    }

    /// The event kind name used in storage and the API.
    public var kind: String {
        switch observation {
        case .passage(let entering): entering ? "entry" : "exit"
        case .occupancy(let occupied): occupied ? "occupied" : "vacant"
        case .parkingAlarm: "parking-alarm"
        case .deviceError: "device-error"
        }
    }
}
