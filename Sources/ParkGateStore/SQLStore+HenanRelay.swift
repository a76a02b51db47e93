import Foundation

/// One call (or one list item) the city role owes its provincial platform.
public struct HenanRelayItem: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting to be sent (again, after `nextAttempt`).
        case pending
        /// The province answered success.
        case sent
        /// The province answered `fail` for this item itself: kept with the reason, not retried
        /// until an operator asks (`parkgate relay retry`).
        case refused
    }

    public var id: Int64
    /// The provincial method (`SendEnterExitDataEx`, `AddCompany`, …).
    public var method: String
    /// Its key within the method (the serial number for a passage): a second copy is not queued.
    public var item: String
    /// The enterprise whose secrets the call needs, if any.
    public var company: String?
    /// The call's fields (a list method's item), without the token or the secrets.
    public var payload: [String: String]
    public var status: Status
    public var attempts: Int
    public var nextAttempt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(method: String, item: String, company: String? = nil, payload: [String: String], createdAt: Date) {
        (self.id, self.method, self.item, self.company, self.payload, self.status) = (0, method, item, company, payload, .pending)
        (self.attempts, self.nextAttempt, self.lastError, self.createdAt, self.sentAt) = (0, createdAt, nil, createdAt, nil)
    }
}

/// A passage to store with its relay calls (the batch writer's command).
public struct HenanPassageCommand: Sendable {
    public var passage: HenanPassage
    public var relay: [HenanRelayItem]

    public init(passage: HenanPassage, relay: [HenanRelayItem]) { (self.passage, self.relay) = (passage, relay) }
}

/// The backlog of one method: what waits, what was refused, the oldest waiting, the last error.
public struct HenanRelayBacklog: Sendable, Hashable, Encodable {
    public var method: String
    public var pending, sent, refused: Int
    public var oldestPending: Date?
    public var lastError: String?
}

extension SQLStore {
    func relayStatement(_ r: HenanRelayItem) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO henan_relay (id, method, item, company, payload, status, attempts, next_ms, last_error, created_ms, sent_ms)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL) ON CONFLICT (method, item) DO NOTHING
            """,
            [.int(ids.next(now: r.createdAt)), .text(r.method), .text(r.item), SQLValue(r.company), .text(Self.jsonText(r.payload)), SQLValue(r.nextAttempt),
             SQLValue(r.createdAt)])
    }

    /// Queues calls for the province (each (method, item) once).
    public func enqueueHenanRelay(_ items: [HenanRelayItem]) async throws {
        guard !items.isEmpty else { return }
        _ = try await database.transaction(items.map(relayStatement))
    }

    /// Pending calls due at `now`, oldest first.
    public func dueHenanRelay(now: Date, limit: Int) async throws -> [HenanRelayItem] {
        try await database.query(
            "SELECT * FROM henan_relay WHERE status = 'pending' AND next_ms <= ? ORDER BY id LIMIT ?", [SQLValue(now), .int(Int64(limit))]
        ).map(Self.relayItem)
    }

    public func henanRelayItems(status: HenanRelayItem.Status?, method: String?, limit: Int) async throws -> [HenanRelayItem] {
        var filter = Filter()
        filter.equal("status", status?.rawValue)
        filter.equal("method", method)
        return try await database.query("SELECT * FROM henan_relay \(filter.sql) ORDER BY id DESC LIMIT ?", filter.binds + [.int(Int64(limit))]).map(Self.relayItem)
    }

    /// Records the outcome of an attempt: sent, refused with the province's reason, or still
    /// pending until `next` with the error.
    public func markHenanRelay(ids: [Int64], status: HenanRelayItem.Status, error: String?, next: Date, now: Date) async throws {
        guard !ids.isEmpty else { return }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        _ = try await database.execute(
            """
            UPDATE henan_relay SET status = ?, attempts = attempts + 1, last_error = ?, next_ms = ?, sent_ms = ? WHERE id IN (\(marks))
            """,
            [.text(status.rawValue), SQLValue(error), SQLValue(next), status == .sent ? SQLValue(now) : .null] + ids.map { .int($0) })
    }

    /// Puts refused calls back in the queue (all, or those of one method); how many.
    public func retryHenanRelay(method: String?, now: Date) async throws -> Int {
        var filter = Filter()
        filter.equal("status", HenanRelayItem.Status.refused.rawValue)
        filter.equal("method", method)
        return try await database.execute("UPDATE henan_relay SET status = 'pending', next_ms = ? \(filter.sql)", [SQLValue(now)] + filter.binds)
    }

    public func henanRelayBacklog() async throws -> [HenanRelayBacklog] {
        let rows = try await database.query(
            """
            SELECT method, status, COUNT(*) AS n, MIN(created_ms) AS oldest FROM henan_relay GROUP BY method, status ORDER BY method
            """)
        var byMethod: [String: HenanRelayBacklog] = [:]
        for row in rows {
            let method = row.text("method") ?? ""
            var backlog = byMethod[method] ?? HenanRelayBacklog(method: method, pending: 0, sent: 0, refused: 0, oldestPending: nil, lastError: nil)
            let count = Int(row.int("n") ?? 0)
            switch row.text("status") {
            case "pending": (backlog.pending, backlog.oldestPending) = (count, row.date("oldest"))
            case "sent": backlog.sent = count
            default: backlog.refused = count
            }
            byMethod[method] = backlog
        }
        for row in try await database.query(
            "SELECT method, last_error FROM henan_relay WHERE last_error IS NOT NULL AND status <> 'sent' ORDER BY next_ms DESC LIMIT 100") {
            let method = row.text("method") ?? ""
            if byMethod[method]?.lastError == nil { byMethod[method]?.lastError = row.text("last_error") }
        }
        return byMethod.values.sorted { $0.method < $1.method }
    }

    static func relayItem(_ row: SQLRow) -> HenanRelayItem {
        var item = HenanRelayItem(method: row.text("method") ?? "", item: row.text("item") ?? "", company: row.text("company"),
                                  payload: jsonMap(row.text("payload")), createdAt: row.date("created_ms") ?? .distantPast)
        item.id = row.int("id") ?? 0
        item.status = HenanRelayItem.Status(rawValue: row.text("status") ?? "") ?? .pending
        item.attempts = Int(row.int("attempts") ?? 0)
        item.nextAttempt = row.date("next_ms") ?? .distantPast
        (item.lastError, item.sentAt) = (row.text("last_error"), row.date("sent_ms"))
        return item
    }

    /// What the province issued for an enterprise, a gate, a project.
    public func setHenanProvinceSecret(enterprise: String, gate: String?, secret: String) async throws {
        if let gate {
            _ = try await database.execute("UPDATE henan_gates SET province_secret = ? WHERE enterprise = ? AND code = ?", [.text(secret), .text(enterprise), .text(gate)])
        } else {
            _ = try await database.execute("UPDATE henan_enterprises SET province_secret = ? WHERE code = ?", [.text(secret), .text(enterprise)])
        }
    }

    /// The enterprise the province issued `secret` for.
    public func henanEnterprise(provinceSecret secret: String) async throws -> HenanEnterprise? {
        try await database.query("SELECT * FROM henan_enterprises WHERE province_secret = ?", [.text(secret)]).first.map(Self.henanEnterprise)
    }

    public func henanProvinceSecret(enterprise: String, gate: String?) async throws -> String? {
        if let gate {
            return try await database.query("SELECT province_secret FROM henan_gates WHERE enterprise = ? AND code = ?", [.text(enterprise), .text(gate)])
                .first?.text("province_secret")
        }
        return try await database.query("SELECT province_secret FROM henan_enterprises WHERE code = ?", [.text(enterprise)]).first?.text("province_secret")
    }

    public func setHenanProjectProvinceCode(_ code: String, provinceCode: String) async throws {
        _ = try await database.execute("UPDATE henan_projects SET province_code = ? WHERE code = ?", [.text(provinceCode), .text(code)])
    }

    public func henanProjectProvinceCode(_ code: String) async throws -> String? {
        try await database.query("SELECT province_code FROM henan_projects WHERE code = ?", [.text(code)]).first?.text("province_code")
    }
}
