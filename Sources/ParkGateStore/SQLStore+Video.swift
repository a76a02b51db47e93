import Foundation
import ParkGateModel

/// An account for the Xiamen platform's digest authentication. The password is not kept: only
/// H(username:realm:password) for MD5 and SHA-256 (RFC 7616 3.4.2), which is what the check needs.
public struct VideoAccount: Sendable, Hashable {
    public var username, realm, ha1MD5, ha1SHA256: String
    public var createdAt, updatedAt: Date

    public init(username: String, realm: String, ha1MD5: String, ha1SHA256: String, createdAt: Date, updatedAt: Date) {
        (self.username, self.realm, self.ha1MD5, self.ha1SHA256, self.createdAt, self.updatedAt) = (username, realm, ha1MD5, ha1SHA256, createdAt, updatedAt)
    }
}

/// A camera or a service node in the ledger (一机一档).
public struct VideoDevice: Sendable, Hashable, Encodable {
    /// The GB/T 28181 id.
    public var id: String
    /// `device` or `node`.
    public var role: String
    /// `car`, `face` (devices) or `node`.
    public var kind: String
    public var name: String
    /// The node a device reports through, if any.
    public var nodeId: String?
    public var place, longitude, latitude, owner, installed: String?
    public var channels: Int
    /// `active` or `retired`.
    public var status: String
    public var lastSeen: Date?
    public var createdAt, updatedAt: Date

    public init(id: String, role: String, kind: String, name: String, nodeId: String? = nil, place: String? = nil, longitude: String? = nil,
                latitude: String? = nil, owner: String? = nil, installed: String? = nil, channels: Int = 1, status: String = "active",
                lastSeen: Date? = nil, createdAt: Date, updatedAt: Date) {
        (self.id, self.role, self.kind, self.name, self.nodeId) = (id, role, kind, name, nodeId)
        (self.place, self.longitude, self.latitude, self.owner, self.installed) = (place, longitude, latitude, owner, installed)
        (self.channels, self.status, self.lastSeen, self.createdAt, self.updatedAt) = (channels, status, lastSeen, createdAt, updatedAt)
    }
}

extension SQLStore {
    public func saveVideoAccount(_ account: VideoAccount) async throws {
        try await database.execute(
            """
            INSERT INTO video_accounts (username, realm, ha1_md5, ha1_sha256, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (username) DO UPDATE SET realm = excluded.realm, ha1_md5 = excluded.ha1_md5, ha1_sha256 = excluded.ha1_sha256,
                updated_ms = excluded.updated_ms
            """,
            [.text(account.username), .text(account.realm), .text(account.ha1MD5), .text(account.ha1SHA256), SQLValue(account.createdAt),
             SQLValue(account.updatedAt)])
    }

    public func videoAccount(username: String) async throws -> VideoAccount? {
        try await database.query("SELECT * FROM video_accounts WHERE username = ?", [.text(username)]).first.map { row in
            VideoAccount(
                username: row.text("username") ?? "", realm: row.text("realm") ?? "", ha1MD5: row.text("ha1_md5") ?? "",
                ha1SHA256: row.text("ha1_sha256") ?? "", createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    public func saveVideoDevice(_ device: VideoDevice) async throws {
        try await database.execute(
            """
            INSERT INTO video_devices (id, role, kind, name, node_id, place, longitude, latitude, owner, installed, channels, status, last_seen_ms,
                created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET role = excluded.role, kind = excluded.kind, name = excluded.name, node_id = excluded.node_id,
                place = excluded.place, longitude = excluded.longitude, latitude = excluded.latitude, owner = excluded.owner,
                installed = excluded.installed, channels = excluded.channels, status = excluded.status, updated_ms = excluded.updated_ms
            """,
            [.text(device.id), .text(device.role), .text(device.kind), .text(device.name), SQLValue(device.nodeId), SQLValue(device.place),
             SQLValue(device.longitude), SQLValue(device.latitude), SQLValue(device.owner), SQLValue(device.installed), SQLValue(device.channels),
             .text(device.status), SQLValue(device.lastSeen), SQLValue(device.createdAt), SQLValue(device.updatedAt)])
    }

    public func videoDevice(id: String) async throws -> VideoDevice? {
        try await database.query("SELECT * FROM video_devices WHERE id = ?", [.text(id)]).first.map(Self.videoDevice)
    }

    public func videoDevices() async throws -> [VideoDevice] {
        try await database.query("SELECT * FROM video_devices ORDER BY id").map(Self.videoDevice)
    }

    /// A keep-alive or an authentication: the device was heard from.
    public func touchVideoDevice(id: String, at time: Date) async throws {
        try await database.execute("UPDATE video_devices SET last_seen_ms = ? WHERE id = ?", [SQLValue(time), .text(id)])
    }

    @discardableResult
    public func deleteToken(_ value: String) async throws -> Bool {
        try await database.execute("DELETE FROM tokens WHERE token = ?", [.text(value)]) > 0
    }

    static func videoDevice(_ row: SQLRow) -> VideoDevice {
        VideoDevice(
            id: row.text("id") ?? "", role: row.text("role") ?? "device", kind: row.text("kind") ?? "", name: row.text("name") ?? "",
            nodeId: row.text("node_id"), place: row.text("place"), longitude: row.text("longitude"), latitude: row.text("latitude"),
            owner: row.text("owner"), installed: row.text("installed"), channels: Int(row.int("channels") ?? 1), status: row.text("status") ?? "active",
            lastSeen: row.date("last_seen_ms"), createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }
}
