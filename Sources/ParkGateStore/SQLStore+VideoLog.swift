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
    /// Only what a scoped user may see (its devices and areas); nil: all.
    public var scope: RecordScope?
    public var kind: String?
    public var from, to: Date?
    public var limit: Int

    public init(deviceId: String? = nil, scope: RecordScope? = nil, kind: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 100) {
        (self.deviceId, self.scope, self.kind, self.from, self.to, self.limit) = (deviceId, scope, kind, from, to, limit)
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
        var conditions = Filter()
        conditions.equal("device_id", query.deviceId)
        conditions.scope(query.scope, park: nil, vendor: nil, device: "device_id", videoDevice: "device_id")
        if let from = query.from { conditions.add("at_ms >= ?", SQLValue(from)) }
        if let to = query.to { conditions.add("at_ms <= ?", SQLValue(to)) }
        let (filter, binds) = (conditions.sql, conditions.binds)
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
