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

/// A device heard from (keep-alive, login, upload) at a time.
public struct VideoTouch: Sendable, Hashable {
    public var id: String
    public var at: Date

    public init(id: String, at: Date) { (self.id, self.at) = (id, at) }
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
    /// From keep-alives: false after `video.silence` without one.
    public var online = false
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

    /// A keep-alive, an authentication or an upload: the device was heard from. An offline
    /// device comes back online (its `video-offline` alarm clears, the change is in the history).
    public func touchVideoDevice(id: String, at time: Date) async throws {
        try await touchVideoDevices([VideoTouch(id: id, at: time)])
    }

    /// Many devices heard from, in one transaction (the keep-alive writer's batch, one commit for
    /// all): every `last_seen` moves; devices that were offline get the state change and their
    /// alarm cleared (the conditions are checked inside the transaction, so a device the health
    /// sweep took offline a moment before still gets its history right).
    public func touchVideoDevices(_ touches: [VideoTouch]) async throws {
        guard !touches.isEmpty else { return }
        var statements: [SQLStatement] = []
        for touch in touches {
            let back: [SQLValue] = [SQLValue(touch.at), .text(touch.id)]
            statements.append(SQLStatement(
                "INSERT INTO video_device_status (id, device_id, online, at_ms) SELECT ?, id, 1, ? FROM video_devices WHERE id = ? AND online = 0",
                [.int(ids.next(now: touch.at))] + back))
            statements.append(SQLStatement(
                "UPDATE alarms SET status = 'cleared', cleared_ms = ? WHERE vendor = 'video' AND dev_code = ? AND status = 'open' AND kind = 'video-offline'",
                back))
            statements.append(SQLStatement("UPDATE video_devices SET last_seen_ms = ?, online = 1 WHERE id = ?", back))
        }
        try await database.transaction(statements)
    }

    /// Each device (not nodes) with its state changes before `until`: the inputs of the availability rate.
    public func videoAvailabilityInputs(until: Date) async throws -> [VideoAvailability.Device] {
        let devices = try await database.query(
            "SELECT id, created_ms FROM video_devices WHERE role = 'device' AND status = 'active' AND created_ms < ? ORDER BY id", [SQLValue(until)])
        var changes: [String: [VideoAvailability.Change]] = [:]
        for row in try await database.query(
            "SELECT device_id, online, at_ms FROM video_device_status WHERE at_ms < ? ORDER BY device_id, at_ms, id", [SQLValue(until)]) {
            changes[row.text("device_id") ?? "", default: []].append(.init(online: row.bool("online"), at: row.date("at_ms") ?? .distantPast))
        }
        return devices.map { row in
            let id = row.text("id") ?? ""
            return VideoAvailability.Device(id: id, since: row.date("created_ms") ?? .distantPast, changes: changes[id] ?? [])
        }
    }

    /// Devices silent since `silentSince` go offline with a `video-offline` alarm.
    public func markSilentVideoDevicesOffline(silentSince: Date, now: Date) async throws -> [VideoDevice] {
        let silent = try await database.query(
            "SELECT * FROM video_devices WHERE online = 1 AND last_seen_ms < ? ORDER BY id LIMIT 1000", [SQLValue(silentSince)]).map(Self.videoDevice)
        var changed: [VideoDevice] = []
        for device in silent {
            let condition: [SQLValue] = [.text(device.id), SQLValue(silentSince)]
            let counts = try await database.transaction([
                SQLStatement(
                    """
                    INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, raised_ms, description, status)
                    SELECT ?, 'video-offline', 'offline', NULL, 'video', id, NULL, NULL, ?, ?, 'open'
                    FROM video_devices WHERE id = ? AND online = 1 AND last_seen_ms < ?
                    """,
                    [.int(ids.next(now: now)), SQLValue(now), .text("视频设备离线(保活超时) \(device.name)")] + condition),
                SQLStatement(
                    "INSERT INTO video_device_status (id, device_id, online, at_ms) SELECT ?, id, 0, ? FROM video_devices WHERE id = ? AND online = 1 AND last_seen_ms < ?",
                    [.int(ids.next(now: now)), SQLValue(now)] + condition),
                SQLStatement("UPDATE video_devices SET online = 0 WHERE id = ? AND online = 1 AND last_seen_ms < ?", condition),
            ])
            if counts[2] > 0 {
                var offline = device
                offline.online = false
                changed.append(offline)
            }
        }
        return changed
    }

    @discardableResult
    public func deleteToken(_ value: String) async throws -> Bool {
        try await database.execute("DELETE FROM tokens WHERE token = ?", [.text(value)]) > 0
    }

    static func videoDevice(_ row: SQLRow) -> VideoDevice {
        var device = VideoDevice(
            id: row.text("id") ?? "", role: row.text("role") ?? "device", kind: row.text("kind") ?? "", name: row.text("name") ?? "",
            nodeId: row.text("node_id"), place: row.text("place"), longitude: row.text("longitude"), latitude: row.text("latitude"),
            owner: row.text("owner"), installed: row.text("installed"), channels: Int(row.int("channels") ?? 1), status: row.text("status") ?? "active",
            lastSeen: row.date("last_seen_ms"), createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        device.online = row.bool("online")
        return device
    }
}

/// One capture (抓拍): a vehicle passing (`car`, keyed by its `gcjlid`) or a set of faces
/// (`face`, keyed by the SHA-256 of its `imageJsonData`), with its images in the blob store.
public struct VideoCapture: Sendable, Hashable, Encodable {
    public var id: Int64
    public var family: String
    public var deviceId: String
    public var recordId: String
    public var capturedAt: Date?
    public var capturedText: String?
    public var plate, plateColor, plateKind, bodyColor, vehicleType, direction: String?
    public var place, longitude, latitude: String?
    /// The other fields as sent (JSON), images replaced by their blob names.
    public var data: String
    /// Conformance findings (JSON array), nil when none.
    public var findings: String?
    public var receivedAt: Date
    public var images: [VideoImage]

    public init(id: Int64, family: String, deviceId: String, recordId: String, capturedAt: Date?, capturedText: String?, data: String,
                receivedAt: Date, images: [VideoImage]) {
        (self.id, self.family, self.deviceId, self.recordId, self.capturedAt, self.capturedText) = (id, family, deviceId, recordId, capturedAt, capturedText)
        (self.data, self.receivedAt, self.images) = (data, receivedAt, images)
    }
}

public struct VideoImage: Sendable, Hashable, Encodable {
    /// `vehicle`, `plate`, `scene`, `driver` (car); `face`, `background` (face).
    public var role: String
    public var blob: String
    public var bytes: Int
    /// `{"leftTopX",…}` as sent, JSON.
    public var box: String?
    public var width, height: Int?

    public init(role: String, blob: String, bytes: Int, box: String? = nil, width: Int? = nil, height: Int? = nil) {
        (self.role, self.blob, self.bytes, self.box, self.width, self.height) = (role, blob, bytes, box, width, height)
    }
}

extension SQLStore {
    public func newCaptureId(now: Date) -> Int64 { ids.next(now: now) }

    /// Stores a capture with its images in one transaction; false when the same record of the
    /// same device is already stored (a repeat: nothing new is written).
    public func saveVideoCapture(_ capture: VideoCapture) async throws -> Bool {
        let key: [SQLValue] = [.text(capture.family), .text(capture.deviceId), .text(capture.recordId)]
        if try await !database.query("SELECT id FROM video_captures WHERE family = ? AND device_id = ? AND record_id = ?", key).isEmpty {
            return false
        }
        var statements = [SQLStatement(
            """
            INSERT INTO video_captures (id, family, device_id, record_id, captured_ms, captured_text, plate, plate_color, plate_kind, body_color,
                vehicle_type, direction, place, longitude, latitude, data, findings, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.int(capture.id)] + key + [SQLValue(capture.capturedAt), SQLValue(capture.capturedText), SQLValue(capture.plate),
             SQLValue(capture.plateColor), SQLValue(capture.plateKind), SQLValue(capture.bodyColor), SQLValue(capture.vehicleType),
             SQLValue(capture.direction), SQLValue(capture.place), SQLValue(capture.longitude), SQLValue(capture.latitude), .text(capture.data),
             SQLValue(capture.findings), SQLValue(capture.receivedAt)])]
        for (position, image) in capture.images.enumerated() {
            statements.append(SQLStatement(
                "INSERT INTO video_images (capture_id, position, role, blob, bytes, box, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [.int(capture.id), SQLValue(position), .text(image.role), .text(image.blob), SQLValue(image.bytes), SQLValue(image.box),
                 SQLValue(image.width), SQLValue(image.height)]))
        }
        do {
            _ = try await database.transaction(statements)
        } catch StoreError.conflict {
            return false
        }
        return true
    }

    /// Captures newest first, by device, plate and time.
    public func videoCaptures(deviceId: String?, plate: String?, from: Date?, to: Date?, limit: Int) async throws -> [VideoCapture] {
        var filter = Filter()
        filter.equal("device_id", deviceId)
        filter.equal("plate", plate)
        if let from { filter.add("captured_ms >= ?", SQLValue(from)) }
        if let to { filter.add("captured_ms < ?", SQLValue(to)) }
        let rows = try await database.query(
            "SELECT * FROM video_captures \(filter.sql) ORDER BY captured_ms DESC, id DESC LIMIT ?", filter.binds + [.int(Int64(limit))])
        // The images of the whole page in one query (one per capture made a 100-row page 101 queries).
        let ids = rows.compactMap { $0.int("id") }
        var imagesOf: [Int64: [VideoImage]] = [:]
        if !ids.isEmpty {
            let sql = "SELECT * FROM video_images WHERE capture_id IN (" + ids.map { _ in "?" }.joined(separator: ", ") + ") ORDER BY capture_id, position"
            for image in try await database.query(sql, ids.map(SQLValue.int)) {
                imagesOf[image.int("capture_id") ?? 0, default: []].append(VideoImage(
                    role: image.text("role") ?? "", blob: image.text("blob") ?? "", bytes: Int(image.int("bytes") ?? 0), box: image.text("box"),
                    width: image.int("width").map { Int($0) }, height: image.int("height").map { Int($0) }))
            }
        }
        var captures: [VideoCapture] = []
        for row in rows {
            let id = row.int("id") ?? 0
            let images = imagesOf[id] ?? []
            var capture = VideoCapture(
                id: id, family: row.text("family") ?? "", deviceId: row.text("device_id") ?? "", recordId: row.text("record_id") ?? "",
                capturedAt: row.date("captured_ms"), capturedText: row.text("captured_text"), data: row.text("data") ?? "{}",
                receivedAt: row.date("received_ms") ?? .distantPast, images: images)
            (capture.plate, capture.plateColor, capture.plateKind) = (row.text("plate"), row.text("plate_color"), row.text("plate_kind"))
            (capture.bodyColor, capture.vehicleType, capture.direction) = (row.text("body_color"), row.text("vehicle_type"), row.text("direction"))
            (capture.place, capture.longitude, capture.latitude, capture.findings) = (row.text("place"), row.text("longitude"), row.text("latitude"), row.text("findings"))
            captures.append(capture)
        }
        return captures
    }
}

extension SQLStore {
    /// Removes up to `limit` captures received before `cutoff` with their image rows; returns
    /// the blobs no image of any protocol refers to any more (the caller deletes the files).
    public func deleteVideoCaptures(receivedBefore cutoff: Date, limit: Int) async throws -> (captures: Int, unusedBlobs: [String]) {
        let ids = try await database.query(
            "SELECT id FROM video_captures WHERE received_ms < ? ORDER BY received_ms LIMIT ?", [SQLValue(cutoff), .int(Int64(limit))]
        ).compactMap { $0.int("id") }
        guard !ids.isEmpty else { return (0, []) }
        let list = ids.map { _ in "?" }.joined(separator: ", ")
        let binds = ids.map { SQLValue.int($0) }
        let blobs = Set(try await database.query("SELECT DISTINCT blob FROM video_images WHERE capture_id IN (\(list))", binds).compactMap { $0.text("blob") })
        _ = try await database.transaction([
            SQLStatement("DELETE FROM video_images WHERE capture_id IN (\(list))", binds),
            SQLStatement("DELETE FROM video_captures WHERE id IN (\(list))", binds),
        ])
        var unused: [String] = []
        for blob in blobs.sorted() {
            let video = try await database.query("SELECT 1 AS x FROM video_images WHERE blob = ? LIMIT 1", [.text(blob)])
            let parking = try await database.query("SELECT 1 AS x FROM parking_images WHERE blob = ? LIMIT 1", [.text(blob)])
            if video.isEmpty && parking.isEmpty { unused.append(blob) }
        }
        return (ids.count, unused)
    }

    /// The video devices whose captures show this file (for a scoped user's access to it).
    public func videoDevicesOfBlob(_ blob: String) async throws -> [String] {
        try await database.query(
            "SELECT DISTINCT c.device_id FROM video_images i JOIN video_captures c ON c.id = i.capture_id WHERE i.blob = ?", [.text(blob)]
        ).compactMap { $0.text("device_id") }
    }

    /// When the oldest capture kept was received.
    public func oldestVideoCapture() async throws -> Date? {
        try await database.query("SELECT MIN(received_ms) AS oldest FROM video_captures").first?.date("oldest")
    }
}

extension SQLStore {
    /// A device's state changes, newest first.
    public func videoDeviceChanges(id: String, limit: Int) async throws -> [VideoAvailability.Change] {
        try await database.query(
            "SELECT online, at_ms FROM video_device_status WHERE device_id = ? ORDER BY at_ms DESC, id DESC LIMIT ?", [.text(id), .int(Int64(limit))]
        ).map { VideoAvailability.Change(online: $0.bool("online"), at: $0.date("at_ms") ?? .distantPast) }
    }
}
