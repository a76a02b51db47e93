import Foundation
import ParkGateModel

/// A registered sender of roadside data (table 4.3 `comType`).
public struct VendorRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var category: DeviceCategory
    /// SHA-256 of the `comKey`, hex; nil until a key is set.
    public var keyHash: String?
    /// Accepted requests per second, 0 for no limit.
    public var rateLimit: Int
    /// Strict conformance for this vendor even when the platform is lenient.
    public var strict: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(code: String, name: String, category: DeviceCategory, keyHash: String?, rateLimit: Int, strict: Bool = false, createdAt: Date, updatedAt: Date) {
        self.code = code
        self.name = name
        self.category = category
        self.keyHash = keyHash
        self.rateLimit = rateLimit
        self.strict = strict
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A bearer credential: a device token (`kind` "roadside", subject the vendor) or an admin
/// API token (`kind` "api", subject the username).
public struct TokenRecord: Sendable, Hashable {
    public var token: String
    public var kind: String
    public var subject: String
    public var issuedAt: Date
    public var expiresAt: Date

    public init(token: String, kind: String, subject: String, issuedAt: Date, expiresAt: Date) {
        self.token = token
        self.kind = kind
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

public struct UserRecord: Sendable, Hashable {
    public var username: String
    public var passwordHash: String
    public var role: String
    /// What a `scoped` user may see; nil for the other roles.
    public var scope: RecordScope?
    public var createdAt: Date

    public init(username: String, passwordHash: String, role: String, scope: RecordScope? = nil, createdAt: Date) {
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.scope = scope
        self.createdAt = createdAt
    }
}

/// The records a scoped user may see: those of these parks, these vendors or these devices.
public struct RecordScope: Sendable, Hashable, Codable {
    public var parks: [String]
    public var vendors: [String]
    public var devices: [String]
    /// Video areas: the leading digits of GB/T 28181 ids (2 province, 4 city, 6 district, 8 the
    /// whole centre code); every video device whose id starts with one is visible.
    public var areas: [String]

    public init(parks: [String] = [], vendors: [String] = [], devices: [String] = [], areas: [String] = []) {
        self.parks = parks
        self.vendors = vendors
        self.devices = devices
        self.areas = areas
    }

    /// Each list may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parks = try container.decodeIfPresent([String].self, forKey: .parks) ?? []
        vendors = try container.decodeIfPresent([String].self, forKey: .vendors) ?? []
        devices = try container.decodeIfPresent([String].self, forKey: .devices) ?? []
        areas = try container.decodeIfPresent([String].self, forKey: .areas) ?? []
    }

    enum CodingKeys: String, CodingKey { case parks, vendors, devices, areas }

    /// Whether a video device (by its GB/T 28181 id) is visible: named, or in one of the areas.
    public func allowsVideoDevice(_ id: String) -> Bool {
        devices.contains(id) || areas.contains { id.hasPrefix($0) }
    }

    public func allows(parkCode: String?, vendor: String?, devCode: String?) -> Bool {
        parkCode.map(parks.contains) == true || vendor.map(vendors.contains) == true || devCode.map(devices.contains) == true
    }
}

/// One line of the user log: who did what, when, to what, with the state before and after.
public struct AuditEntry: Sendable, Hashable, Encodable {
    public var id: Int64
    public var at: Date
    public var username: String
    /// `login`, `login-failed`, `vendor.save`, `user.save`, `user.delete`, `alarm.acknowledge`, …
    public var action: String
    public var target: String
    /// JSON of the record before and after the change, nil where there is none.
    public var before: String?
    public var after: String?
    /// Where it came from: `api`, `console`, `cli`.
    public var channel: String

    public init(id: Int64 = 0, at: Date, username: String, action: String, target: String, before: String? = nil,
                after: String? = nil, channel: String) {
        (self.id, self.at, self.username, self.action, self.target) = (id, at, username, action, target)
        (self.before, self.after, self.channel) = (before, after, channel)
    }
}

/// A deviation from a document by a sender: the raw material of conformance reports.
public struct Finding: Sendable, Hashable, Codable {
    public var protocolName: String
    public var sender: String
    public var interface: String
    public var field: String
    public var rule: String
    public var example: String

    public init(protocolName: String, sender: String, interface: String, field: String, rule: String, example: String) {
        self.protocolName = protocolName
        self.sender = sender
        self.interface = interface
        self.field = field
        self.rule = rule
        self.example = example
    }
}

/// A message exactly as received, kept append-only for audit.
public struct RawMessage: Sendable, Hashable {
    public var protocolName: String
    public var sender: String
    public var interface: String
    public var messageId: String
    /// Hash of the message's canonical content, to tell a true repeat from a reused id.
    public var contentHash: String
    public var body: String
    public var receivedAt: Date

    public init(protocolName: String, sender: String, interface: String, messageId: String, contentHash: String, body: String, receivedAt: Date) {
        self.protocolName = protocolName
        self.sender = sender
        self.interface = interface
        self.messageId = messageId
        self.contentHash = contentHash
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// One accepted message to store with everything it implies.
public struct IngestCommand: Sendable {
    public var raw: RawMessage
    public var event: DetectionEvent
    public var findings: [Finding]

    public init(raw: RawMessage, event: DetectionEvent, findings: [Finding]) {
        self.raw = raw
        self.event = event
        self.findings = findings
    }
}

public enum IngestOutcome: Sendable, Hashable {
    /// Stored now, with the event's id.
    case stored(eventId: Int64)
    /// The message id was seen before; nothing new stored. `sameContent` is false when the
    /// repeat differs from the first copy (a finding is recorded).
    case duplicate(sameContent: Bool)
}
