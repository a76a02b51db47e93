import Foundation

/// One page of a list, newest first; `nextCursor` fetches the following page.
public struct Page<Item: Sendable & Encodable>: Sendable, Encodable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

public struct BerthQuery: Sendable {
    public var parkCode: String?
    public var occupied: Bool?
    public var scope: RecordScope?
    public init(parkCode: String? = nil, occupied: Bool? = nil, scope: RecordScope? = nil) {
        self.parkCode = parkCode
        self.occupied = occupied
        self.scope = scope
    }
}

public struct AuditQuery: Sendable {
    public var username, action: String?
    /// Exactly this target (`video-device:<id>`, `park:<code>` …).
    public var target: String?
    public var from, to: Date?
    public var limit: Int
    public var before: Int64?

    public init(username: String? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 100, before: Int64? = nil,
                target: String? = nil) {
        (self.username, self.action, self.from, self.to, self.limit, self.before, self.target) = (username, action, from, to, limit, before, target)
    }
}

public struct EventQuery: Sendable {
    public var parkCode, psCode, devCode, plate, flowId, vendor, kind: String?
    /// Event time range, inclusive.
    public var from, to: Date?
    public var limit: Int
    /// Only events older (smaller id) than this cursor.
    public var before: Int64?
    public var scope: RecordScope?

    public init(parkCode: String? = nil, psCode: String? = nil, devCode: String? = nil, plate: String? = nil,
                flowId: String? = nil, vendor: String? = nil, kind: String? = nil, from: Date? = nil, to: Date? = nil,
                limit: Int = 100, before: Int64? = nil) {
        (self.parkCode, self.psCode, self.devCode, self.plate) = (parkCode, psCode, devCode, plate)
        (self.flowId, self.vendor, self.kind, self.from, self.to) = (flowId, vendor, kind, from, to)
        (self.limit, self.before) = (limit, before)
    }
}

public struct SessionQuery: Sendable {
    public var parkCode, psCode, plate, vendor, status: String?
    public var from, to: Date?
    public var limit: Int
    public var before: Int64?
    public var scope: RecordScope?

    public init(parkCode: String? = nil, psCode: String? = nil, plate: String? = nil, vendor: String? = nil,
                status: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 100, before: Int64? = nil) {
        (self.parkCode, self.psCode, self.plate, self.vendor, self.status) = (parkCode, psCode, plate, vendor, status)
        (self.from, self.to, self.limit, self.before) = (from, to, limit, before)
    }
}

public struct AlarmQuery: Sendable {
    public var kind, status, vendor, devCode, parkCode: String?
    /// Raised in this range, inclusive.
    public var from, to: Date?
    public var limit: Int
    public var before: Int64?
    public var scope: RecordScope?

    public init(kind: String? = nil, status: String? = nil, vendor: String? = nil, devCode: String? = nil,
                parkCode: String? = nil, limit: Int = 100, before: Int64? = nil) {
        (self.kind, self.status, self.vendor, self.devCode, self.parkCode) = (kind, status, vendor, devCode, parkCode)
        (self.limit, self.before) = (limit, before)
    }
}

public struct DeviceQuery: Sendable {
    public var vendor, parkCode: String?
    public var online: Bool?
    public var scope: RecordScope?
    public init(vendor: String? = nil, parkCode: String? = nil, online: Bool? = nil) {
        (self.vendor, self.parkCode, self.online) = (vendor, parkCode, online)
    }
}

public struct BerthRow: Sendable, Encodable, Hashable {
    public var parkCode, psCode: String
    public var occupied: Bool
    public var plate: String?
    public var since, lastEventTime, updatedAt: Date
    public var devCode, vendor: String
}

public struct SessionRow: Sendable, Encodable, Hashable {
    public var id: Int64
    public var vendor, parkCode, psCode: String
    public var plate: String?
    public var entryTime, exitTime: Date?
    public var durationSeconds: Int64?
    /// `open`, `closed`, or `superseded` (a new entry came before this session's exit).
    public var status: String
    public var entryEventId, exitEventId: Int64?
}

public struct EventRow: Sendable, Encodable, Hashable {
    public var id, rawId: Int64
    public var protocolName, interface, kind, vendor, devCode, parkCode, psCode, flowId: String
    public var plate, plateColor: String?
    public var confidence: Int64?
    public var eventTime: Date
    public var eventTimeText: String
    public var inTime: Date?
    public var receivedAt: Date
    public var data: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, rawId, kind, vendor, devCode, parkCode, psCode, flowId, plate, plateColor, confidence, eventTime
        case eventTimeText, inTime, receivedAt, data, interface
        case protocolName = "protocol"
    }
}

public struct AlarmRow: Sendable, Encodable, Hashable {
    public var id: Int64
    /// `parking` (3.4), `device-error` (3.5) or `device-offline` (raised by ParkGate).
    public var kind, code: String
    public var level: String?
    public var vendor, devCode: String
    public var parkCode, psCode, flowId: String?
    /// The passage event this alarm is about (parking alarms, linked by flowId).
    public var eventId: Int64?
    public var raisedAt: Date
    /// `open`, `cleared` (the device spoke again) or `closed` (by an operator).
    public var description, status: String
    public var clearedAt: Date?
    public var acknowledgedAt: Date?
    public var acknowledgedBy, closedBy: String?
}

public struct DeviceRow: Sendable, Encodable, Hashable {
    public var vendor, devCode, parkCode, psCode: String
    public var firstSeen, lastSeen: Date
    public var battery: String?
    public var online: Bool
    public var messages: Int64
}

public struct FindingRow: Sendable, Encodable, Hashable {
    public var protocolName, sender, interface, field, rule, example: String
    public var count: Int64
    public var firstSeen, lastSeen: Date

    enum CodingKeys: String, CodingKey {
        case sender, interface, field, rule, example, count, firstSeen, lastSeen
        case protocolName = "protocol"
    }
}

public struct RawMessageRow: Sendable, Encodable, Hashable {
    public var id: Int64
    public var protocolName, sender, interface, messageId, body: String
    public var receivedAt: Date
    public var findings: String?
    /// The answer ParkGate sent, where the protocol replays it (T/CPMI).
    public var answer: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, sender, interface, messageId, body, receivedAt, findings, answer
        case protocolName = "protocol"
    }
}

public struct HourlyFlow: Sendable, Encodable, Hashable {
    public var hour: Date
    public var arrivals, departures: Int64
}

public struct StoreCounts: Sendable, Encodable, Hashable {
    public var rawMessages, events, devicesOnline, devicesOffline, berthsOccupied, openSessions, openAlarms: Int64
    /// Arrivals (entries and occupied) and departures (exits and vacant) since the `since` asked for.
    public var entriesSince, exitsSince: Int64
    /// Parking lots (T/CPMI) by heartbeat.
    public var parksOnline, parksOffline: Int64
}
