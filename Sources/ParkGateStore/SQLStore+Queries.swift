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

    /// Restricts to the records a scoped user may see: those of its parks, vendors or devices
    /// (a table without one of these columns passes nil for it).
    /// `videoDevice`: a column of GB/T 28181 ids, matched by the scope's areas too.
    mutating func scope(_ scope: RecordScope?, park: String?, vendor: String?, device: String?, videoDevice: String? = nil) {
        guard let scope else { return }
        var any: [String] = []
        for (column, values) in [(park, scope.parks), (vendor, scope.vendors), (device, scope.devices)] {
            guard let column, !values.isEmpty else { continue }
            any.append("\(column) IN (" + Array(repeating: "?", count: values.count).joined(separator: ", ") + ")")
            binds.append(contentsOf: values.map(SQLValue.text))
        }
        if let videoDevice {
            for area in scope.areas where !area.isEmpty && area.allSatisfy(\.isNumber) {
                any.append("\(videoDevice) LIKE ?")
                binds.append(.text(area + "%"))
            }
        }
        clauses.append(any.isEmpty ? "1 = 0" : "(" + any.joined(separator: " OR ") + ")")
    }

    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}

extension SQLStore {
    public func berths(_ query: BerthQuery) async throws -> [BerthRow] {
        var filter = Filter()
        filter.equal("park_code", query.parkCode)
        if let occupied = query.occupied { filter.add("occupied = ?", SQLValue(occupied)) }
        filter.scope(query.scope, park: "park_code", vendor: "vendor", device: "dev_code")
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
        filter.scope(query.scope, park: "park_code", vendor: "vendor", device: nil)
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
        filter.scope(query.scope, park: "park_code", vendor: "vendor", device: "dev_code")
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
        if let from = query.from { filter.add("raised_ms >= ?", SQLValue(from)) }
        if let to = query.to { filter.add("raised_ms <= ?", SQLValue(to)) }
        filter.scope(query.scope, park: "park_code", vendor: "vendor", device: "dev_code", videoDevice: query.vendor == "video" ? "dev_code" : nil)
        return try await page(table: "alarms", filter: filter, limit: query.limit, before: query.before, map: Self.alarm)
    }

    static func alarm(_ row: SQLRow) -> AlarmRow {
        AlarmRow(
            id: row.int("id") ?? 0, kind: row.text("kind") ?? "", code: row.text("code") ?? "", level: row.text("level"),
            vendor: row.text("vendor") ?? "", devCode: row.text("dev_code") ?? "", parkCode: row.text("park_code"),
            psCode: row.text("ps_code"), flowId: row.text("message_id"), eventId: row.int("event_id"),
            raisedAt: row.date("raised_ms") ?? .distantPast, description: row.text("description") ?? "",
            status: row.text("status") ?? "", clearedAt: row.date("cleared_ms"), acknowledgedAt: row.date("acked_ms"),
            acknowledgedBy: row.text("acked_by"), closedBy: row.text("closed_by"))
    }

    public func alarm(id: Int64) async throws -> AlarmRow? {
        try await database.query("SELECT * FROM alarms WHERE id = ?", [.int(id)]).first.map(Self.alarm)
    }

    public func acknowledgeAlarm(id: Int64, by username: String, at time: Date) async throws -> Bool {
        try await database.execute(
            "UPDATE alarms SET acked_ms = ?, acked_by = ? WHERE id = ? AND status = 'open'",
            [SQLValue(time), .text(username), .int(id)]) > 0
    }

    public func closeAlarm(id: Int64, by username: String, at time: Date) async throws -> Bool {
        try await database.execute(
            "UPDATE alarms SET status = 'closed', cleared_ms = ?, closed_by = ? WHERE id = ? AND status = 'open'",
            [SQLValue(time), .text(username), .int(id)]) > 0
    }

    public func audit(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        var filter = Filter()
        filter.equal("username", query.username)
        filter.equal("action", query.action)
        filter.equal("target", query.target)
        if let from = query.from { filter.add("at_ms >= ?", SQLValue(from)) }
        if let to = query.to { filter.add("at_ms <= ?", SQLValue(to)) }
        return try await page(table: "audit_log", filter: filter, limit: query.limit, before: query.before) { row in
            AuditEntry(
                id: row.int("id") ?? 0, at: row.date("at_ms") ?? .distantPast, username: row.text("username") ?? "",
                action: row.text("action") ?? "", target: row.text("target") ?? "", before: row.text("before_json"),
                after: row.text("after_json"), channel: row.text("channel") ?? "")
        }
    }

    public func devices(_ query: DeviceQuery) async throws -> [DeviceRow] {
        var filter = Filter()
        filter.equal("vendor", query.vendor)
        filter.equal("park_code", query.parkCode)
        if let online = query.online { filter.add("online = ?", SQLValue(online)) }
        filter.scope(query.scope, park: "park_code", vendor: "vendor", device: "dev_code")
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
            receivedAt: row.date("received_ms") ?? .distantPast, findings: row.text("findings"), answer: row.text("answer"))
    }

    public func counts() async throws -> StoreCounts {
        try await counts(scope: nil, since: Date().addingTimeInterval(-86_400))
    }

    /// The dashboard's figures, for what `scope` may see; entries and exits since `since`.
    public func counts(scope: RecordScope?, since: Date) async throws -> StoreCounts {
        func scoped(_ table: String, _ condition: String, park: String? = "park_code", vendor: String? = "vendor",
                    device: String? = "dev_code") -> (String, [SQLValue]) {
            var filter = Filter()
            if !condition.isEmpty { filter.add(condition) }
            filter.scope(scope, park: park, vendor: vendor, device: device)
            return ("(SELECT count(*) FROM \(table) \(filter.sql))", filter.binds)
        }
        let parts: [(String, (String, [SQLValue]))] = [
            ("raw", scope == nil ? ("(SELECT count(*) FROM raw_messages)", []) : scoped("events", "")),
            ("events", scoped("events", "")),
            ("online", scoped("devices", "online = 1")),
            ("offline", scoped("devices", "online = 0")),
            ("occupied", scoped("berths", "occupied = 1")),
            ("open_sessions", scoped("sessions", "status = 'open'", device: nil)),
            ("open_alarms", scoped("alarms", "status = 'open'")),
            ("parks_online", scoped("parks", "online = 1", park: "code", vendor: nil, device: nil)),
            ("parks_offline", scoped("parks", "online = 0", park: "code", vendor: nil, device: nil)),
            ("entries", scoped("events", "kind IN ('entry', 'occupied') AND event_ms >= \(Int64(since.timeIntervalSince1970 * 1000))")),
            ("exits", scoped("events", "kind IN ('exit', 'vacant') AND event_ms >= \(Int64(since.timeIntervalSince1970 * 1000))")),
        ]
        let row = try await database.query(
            "SELECT " + parts.map { "\($0.1.0) AS \($0.0)" }.joined(separator: ", "), parts.flatMap(\.1.1)
        ).first
        return StoreCounts(
            rawMessages: row?.int("raw") ?? 0, events: row?.int("events") ?? 0, devicesOnline: row?.int("online") ?? 0,
            devicesOffline: row?.int("offline") ?? 0, berthsOccupied: row?.int("occupied") ?? 0,
            openSessions: row?.int("open_sessions") ?? 0, openAlarms: row?.int("open_alarms") ?? 0,
            entriesSince: row?.int("entries") ?? 0, exitsSince: row?.int("exits") ?? 0,
            parksOnline: row?.int("parks_online") ?? 0, parksOffline: row?.int("parks_offline") ?? 0)
    }

    public func hourlyFlows(from: Date, to: Date, scope: RecordScope?) async throws -> [HourlyFlow] {
        var filter = Filter()
        filter.add("event_ms >= ?", SQLValue(from))
        filter.add("event_ms < ?", SQLValue(to))
        filter.add("kind IN ('entry', 'occupied', 'exit', 'vacant')")
        filter.scope(scope, park: "park_code", vendor: "vendor", device: "dev_code")
        let rows = try await database.query(
            """
            SELECT event_ms / 3600000 AS hour,
                CAST(SUM(CASE WHEN kind IN ('entry', 'occupied') THEN 1 ELSE 0 END) AS BIGINT) AS arrivals,
                CAST(SUM(CASE WHEN kind IN ('exit', 'vacant') THEN 1 ELSE 0 END) AS BIGINT) AS departures
            FROM events \(filter.sql) GROUP BY event_ms / 3600000 ORDER BY hour
            """, filter.binds)
        return rows.map { row in
            HourlyFlow(
                hour: Date(timeIntervalSince1970: TimeInterval((row.int("hour") ?? 0) * 3600)),
                arrivals: row.int("arrivals") ?? 0, departures: row.int("departures") ?? 0)
        }
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
