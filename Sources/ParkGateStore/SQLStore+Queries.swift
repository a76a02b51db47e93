import Foundation

/// Builds `WHERE` clauses from optional filters.
struct Filter {
    private(set) var clauses: [String] = []
    private(set) var binds: [SQLValue] = []

    mutating func equal(_ column: String, _ value: String?) {
        guard let value else { return }
        clauses.append("\(column) = ?")
        binds.append(.text(value))
    }

    mutating func add(_ clause: String, _ values: SQLValue...) {
        clauses.append(clause)
        binds.append(contentsOf: values)
    }

    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}

extension SQLStore {
    public func berths(_ query: BerthQuery) async throws -> [BerthRow] {
        var filter = Filter()
        filter.equal("park_code", query.parkCode)
        if let occupied = query.occupied { filter.add("occupied = ?", SQLValue(occupied)) }
        return try await database.query("SELECT * FROM berths \(filter.sql) ORDER BY park_code, ps_code", filter.binds).map { row in
            BerthRow(
                parkCode: row.text("park_code") ?? "", psCode: row.text("ps_code") ?? "", occupied: row.bool("occupied"),
                plate: row.text("plate"), since: row.date("since_ms") ?? .distantPast,
                lastEventTime: row.date("last_event_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast,
                devCode: row.text("dev_code") ?? "", vendor: row.text("vendor") ?? "")
        }
    }

    public func sessions(_ query: SessionQuery) async throws -> Page<SessionRow> {
        var filter = Filter()
        filter.equal("park_code", query.parkCode)
        filter.equal("ps_code", query.psCode)
        filter.equal("plate", query.plate)
        filter.equal("vendor", query.vendor)
        filter.equal("status", query.status)
        if let from = query.from { filter.add("COALESCE(exit_ms, entry_ms) >= ?", SQLValue(from)) }
        if let to = query.to { filter.add("COALESCE(entry_ms, exit_ms) <= ?", SQLValue(to)) }
        return try await page(table: "sessions", filter: filter, limit: query.limit, before: query.before) { row in
            SessionRow(
                id: row.int("id") ?? 0, vendor: row.text("vendor") ?? "", parkCode: row.text("park_code") ?? "",
                psCode: row.text("ps_code") ?? "", plate: row.text("plate"), entryTime: row.date("entry_ms"),
                exitTime: row.date("exit_ms"), durationSeconds: row.int("duration_s"), status: row.text("status") ?? "",
                entryEventId: row.int("entry_event_id"), exitEventId: row.int("exit_event_id"))
        }
    }

    public func events(_ query: EventQuery) async throws -> Page<EventRow> {
        var filter = Filter()
        filter.equal("park_code", query.parkCode)
        filter.equal("ps_code", query.psCode)
        filter.equal("dev_code", query.devCode)
        filter.equal("plate", query.plate)
        filter.equal("message_id", query.flowId)
        filter.equal("vendor", query.vendor)
        filter.equal("kind", query.kind)
        if let from = query.from { filter.add("event_ms >= ?", SQLValue(from)) }
        if let to = query.to { filter.add("event_ms <= ?", SQLValue(to)) }
        return try await page(table: "events", filter: filter, limit: query.limit, before: query.before, map: Self.event)
    }

    public func event(id: Int64) async throws -> EventRow? {
        try await database.query("SELECT * FROM events WHERE id = ?", [.int(id)]).first.map(Self.event)
    }

    static func event(_ row: SQLRow) -> EventRow {
        let data = (try? JSONSerialization.jsonObject(with: Data((row.text("data") ?? "{}").utf8))) as? [String: String]
        return EventRow(
            id: row.int("id") ?? 0, rawId: row.int("raw_id") ?? 0, protocolName: row.text("protocol") ?? "",
            interface: row.text("interface") ?? "", kind: row.text("kind") ?? "", vendor: row.text("vendor") ?? "",
            devCode: row.text("dev_code") ?? "", parkCode: row.text("park_code") ?? "", psCode: row.text("ps_code") ?? "",
            flowId: row.text("message_id") ?? "", plate: row.text("plate"), plateColor: row.text("plate_kind"),
            confidence: row.int("confidence"), eventTime: row.date("event_ms") ?? .distantPast,
            eventTimeText: row.text("event_text") ?? "", inTime: row.date("entry_ms"),
            receivedAt: row.date("received_ms") ?? .distantPast, data: data ?? [:])
    }

    public func alarms(_ query: AlarmQuery) async throws -> Page<AlarmRow> {
        var filter = Filter()
        filter.equal("kind", query.kind)
        filter.equal("status", query.status)
        filter.equal("vendor", query.vendor)
        filter.equal("dev_code", query.devCode)
        filter.equal("park_code", query.parkCode)
        return try await page(table: "alarms", filter: filter, limit: query.limit, before: query.before) { row in
            AlarmRow(
                id: row.int("id") ?? 0, kind: row.text("kind") ?? "", code: row.text("code") ?? "", level: row.text("level"),
                vendor: row.text("vendor") ?? "", devCode: row.text("dev_code") ?? "", parkCode: row.text("park_code"),
                psCode: row.text("ps_code"), flowId: row.text("message_id"), eventId: row.int("event_id"),
                raisedAt: row.date("raised_ms") ?? .distantPast, description: row.text("description") ?? "",
                status: row.text("status") ?? "", clearedAt: row.date("cleared_ms"))
        }
    }

    public func devices(_ query: DeviceQuery) async throws -> [DeviceRow] {
        var filter = Filter()
        filter.equal("vendor", query.vendor)
        filter.equal("park_code", query.parkCode)
        if let online = query.online { filter.add("online = ?", SQLValue(online)) }
        return try await database.query("SELECT * FROM devices \(filter.sql) ORDER BY vendor, dev_code", filter.binds)
            .map(Self.device)
    }

    static func device(_ row: SQLRow) -> DeviceRow {
        DeviceRow(
            vendor: row.text("vendor") ?? "", devCode: row.text("dev_code") ?? "", parkCode: row.text("park_code") ?? "",
            psCode: row.text("ps_code") ?? "", firstSeen: row.date("first_seen_ms") ?? .distantPast,
            lastSeen: row.date("last_seen_ms") ?? .distantPast, battery: row.text("battery"), online: row.bool("online"),
            messages: row.int("messages") ?? 0)
    }

    public func findings(sender: String?, protocolName: String?) async throws -> [FindingRow] {
        var filter = Filter()
        filter.equal("sender", sender)
        filter.equal("protocol", protocolName)
        return try await database.query(
            "SELECT * FROM findings \(filter.sql) ORDER BY sender, interface, field, rule", filter.binds
        ).map { row in
            FindingRow(
                protocolName: row.text("protocol") ?? "", sender: row.text("sender") ?? "", interface: row.text("interface") ?? "",
                field: row.text("field") ?? "", rule: row.text("rule") ?? "", example: row.text("example") ?? "",
                count: row.int("count") ?? 0, firstSeen: row.date("first_ms") ?? .distantPast,
                lastSeen: row.date("last_ms") ?? .distantPast)
        }
    }

    public func rawMessage(id: Int64) async throws -> RawMessageRow? {
        guard let row = try await database.query("SELECT * FROM raw_messages WHERE id = ?", [.int(id)]).first else { return nil }
        return RawMessageRow(
            id: id, protocolName: row.text("protocol") ?? "", sender: row.text("sender") ?? "",
            interface: row.text("interface") ?? "", messageId: row.text("message_id") ?? "", body: row.text("body") ?? "",
            receivedAt: row.date("received_ms") ?? .distantPast, findings: row.text("findings"))
    }

    public func counts() async throws -> StoreCounts {
        let row = try await database.query(
            """
            SELECT (SELECT count(*) FROM raw_messages) AS raw, (SELECT count(*) FROM events) AS events,
                (SELECT count(*) FROM devices WHERE online = 1) AS online, (SELECT count(*) FROM devices WHERE online = 0) AS offline,
                (SELECT count(*) FROM berths WHERE occupied = 1) AS occupied,
                (SELECT count(*) FROM sessions WHERE status = 'open') AS open_sessions,
                (SELECT count(*) FROM alarms WHERE status = 'open') AS open_alarms
            """
        ).first
        return StoreCounts(
            rawMessages: row?.int("raw") ?? 0, events: row?.int("events") ?? 0, devicesOnline: row?.int("online") ?? 0,
            devicesOffline: row?.int("offline") ?? 0, berthsOccupied: row?.int("occupied") ?? 0,
            openSessions: row?.int("open_sessions") ?? 0, openAlarms: row?.int("open_alarms") ?? 0)
    }

    /// Newest-first paging by id; the cursor is the last id returned.
    private func page<Item>(
        table: String, filter: Filter, limit: Int, before: Int64?, map: (SQLRow) -> Item
    ) async throws -> Page<Item> {
        var filter = filter
        if let before { filter.add("id < ?", .int(before)) }
        let rows = try await database.query(
            "SELECT * FROM \(table) \(filter.sql) ORDER BY id DESC LIMIT ?", filter.binds + [.int(Int64(limit + 1))])
        let items = rows.prefix(limit).map(map)
        let next = rows.count > limit ? rows[limit - 1].int("id").map(String.init) : nil
        return Page(items: Array(items), nextCursor: next)
    }
}
