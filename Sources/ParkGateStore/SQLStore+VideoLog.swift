import Foundation

/// One entry of a video device's log (附件 2 section 三(一) 设备日志).
public struct VideoDeviceEvent: Sendable, Hashable, Encodable {
    public var id: Int64
    public var deviceId: String
    public var at: Date
    /// `authenticate`, `unregister`, `error` (a refused request), and from the state history
    /// `online` and `offline` (a keep-alive gap).
    public var kind: String
    public var detail: String?

    public init(id: Int64, deviceId: String, at: Date, kind: String, detail: String? = nil) {
        (self.id, self.deviceId, self.at, self.kind, self.detail) = (id, deviceId, at, kind, detail)
    }

    public static let kinds = ["authenticate", "unregister", "error", "online", "offline"]
}

public struct VideoDeviceLogQuery: Sendable {
    public var deviceId: String?
    /// Only these devices (a scoped user's); nil: all.
    public var devices: [String]?
    public var kind: String?
    public var from, to: Date?
    public var limit: Int

    public init(deviceId: String? = nil, devices: [String]? = nil, kind: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 100) {
        (self.deviceId, self.devices, self.kind, self.from, self.to, self.limit) = (deviceId, devices, kind, from, to, limit)
    }
}

extension SQLStore {
    public func appendVideoDeviceEvent(_ event: VideoDeviceEvent) async throws {
        try await database.execute(
            "INSERT INTO video_device_events (id, device_id, at_ms, kind, detail) VALUES (?, ?, ?, ?, ?)",
            [.int(event.id == 0 ? ids.next(now: event.at) : event.id), .text(event.deviceId), SQLValue(event.at), .text(event.kind), SQLValue(event.detail)])
    }

    public func videoDeviceLog(_ query: VideoDeviceLogQuery) async throws -> [VideoDeviceEvent] {
        // The same device and time conditions on both tables, the kind on the union.
        var conditions: [String] = [], binds: [SQLValue] = []
        if let id = query.deviceId { conditions.append("device_id = ?"); binds.append(.text(id)) }
        if let devices = query.devices {
            conditions.append(devices.isEmpty ? "1 = 0" : "device_id IN (" + devices.map { _ in "?" }.joined(separator: ", ") + ")")
            binds += devices.map(SQLValue.text)
        }
        if let from = query.from { conditions.append("at_ms >= ?"); binds.append(SQLValue(from)) }
        if let to = query.to { conditions.append("at_ms <= ?"); binds.append(SQLValue(to)) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = """
            SELECT * FROM (
                SELECT id, device_id, at_ms, kind, detail FROM video_device_events \(filter)
                UNION ALL
                SELECT id, device_id, at_ms, CASE WHEN online = 1 THEN 'online' ELSE 'offline' END AS kind, NULL AS detail
                FROM video_device_status \(filter)
            ) log
            """
        var all = binds + binds
        if let kind = query.kind {
            sql += " WHERE kind = ?"
            all.append(.text(kind))
        }
        sql += " ORDER BY at_ms DESC, id DESC LIMIT ?"
        all.append(.int(Int64(query.limit)))
        return try await database.query(sql, all).map { row in
            VideoDeviceEvent(id: row.int("id") ?? 0, deviceId: row.text("device_id") ?? "", at: row.date("at_ms") ?? .distantPast,
                             kind: row.text("kind") ?? "", detail: row.text("detail"))
        }
    }

    public func deleteVideoDeviceEvents(before cutoff: Date, limit: Int) async throws -> Int {
        try await database.execute(
            "DELETE FROM video_device_events WHERE id IN (SELECT id FROM video_device_events WHERE at_ms < ? ORDER BY at_ms LIMIT ?)",
            [SQLValue(cutoff), .int(Int64(limit))])
    }
}
