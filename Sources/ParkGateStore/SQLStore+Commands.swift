import Foundation
import ParkGateModel

/// A platform request to a park over the downlink (T/CPMI B.3) and what became of it.
public struct ParkCommandRecord: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Durable, waiting for the park to be online (or for its next attempt).
        case queued
        /// On the wire, waiting for the reply.
        case sent
        /// The park answered 0000.
        case succeeded
        /// The park answered another code, or the reply's signature was wrong.
        case failed
        /// No reply in time.
        case timeout
        /// Refused at once: the park was not connected (requests that are not queued).
        case offline
        /// Its validity passed before it could be sent.
        case expired
    }

    public var id: Int64
    public var parkCode: String
    public var code: String
    public var oprNum: String
    /// The exact `data` text sent.
    public var data: String
    public var durable: Bool
    public var status: Status
    public var requestedBy: String
    public var requestedAt: Date
    public var expiresAt: Date?
    public var nextAttemptAt: Date?
    public var attempts: Int
    public var sentAt: Date?
    public var repliedAt: Date?
    public var resultCode: String?
    public var resultMessage: String?
    /// The reply's `data` text.
    public var replyData: String?
    public var error: String?
    /// ParkGate's check of the reply (fee query 9: its own computation and the differences), JSON.
    public var checked: String?

    public init(id: Int64, parkCode: String, code: String, oprNum: String, data: String, durable: Bool, status: Status,
                requestedBy: String, requestedAt: Date, expiresAt: Date? = nil, nextAttemptAt: Date? = nil) {
        (self.id, self.parkCode, self.code, self.oprNum, self.data, self.durable) = (id, parkCode, code, oprNum, data, durable)
        (self.status, self.requestedBy, self.requestedAt, self.expiresAt, self.nextAttemptAt) = (status, requestedBy, requestedAt, expiresAt, nextAttemptAt)
        attempts = 0
    }
}

/// A plate the platform keeps out of its parks (黑名单, B.32).
public struct BlacklistEntry: Sendable, Hashable, Encodable {
    public var plate: String
    public var oweMoney: Money
    /// B.32 `carType`: 1 欠费车辆, 2 逃逸车辆, 3 涉案车辆, 4 其他车辆.
    public var carType: String
    /// 1 未补缴, 2 已补缴.
    public var paymentStatus: String
    public var paymentTime: Date?
    /// `rule` (ParkGate's unpaid-fee rule) or the username who added it.
    public var source: String
    public var note: String?
    /// false once removed (the removal is sent as `Type` 2 and the entry kept for the record).
    public var active: Bool
    public var createdAt, updatedAt: Date

    public init(plate: String, oweMoney: Money, carType: String, paymentStatus: String, paymentTime: Date? = nil, source: String,
                note: String? = nil, active: Bool = true, createdAt: Date, updatedAt: Date) {
        (self.plate, self.oweMoney, self.carType, self.paymentStatus, self.paymentTime) = (plate, oweMoney, carType, paymentStatus, paymentTime)
        (self.source, self.note, self.active, self.createdAt, self.updatedAt) = (source, note, active, createdAt, updatedAt)
    }
}

extension SQLStore {
    public func newCommandId(now: Date) -> Int64 { ids.next(now: now) }

    public func saveCommand(_ command: ParkCommandRecord) async throws {
        try await database.execute(
            """
            INSERT INTO park_commands (id, park_code, code, opr_num, data, durable, status, requested_by, requested_ms, expires_ms, next_ms,
                attempts, sent_ms, replied_ms, result_code, result_message, reply_data, error, checked)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_ms = excluded.next_ms, attempts = excluded.attempts,
                sent_ms = excluded.sent_ms, replied_ms = excluded.replied_ms, result_code = excluded.result_code,
                result_message = excluded.result_message, reply_data = excluded.reply_data, error = excluded.error, checked = excluded.checked
            """,
            [.int(command.id), .text(command.parkCode), .text(command.code), .text(command.oprNum), .text(command.data), SQLValue(command.durable),
             .text(command.status.rawValue), .text(command.requestedBy), SQLValue(command.requestedAt), SQLValue(command.expiresAt),
             SQLValue(command.nextAttemptAt), .int(Int64(command.attempts)), SQLValue(command.sentAt), SQLValue(command.repliedAt),
             SQLValue(command.resultCode), SQLValue(command.resultMessage), SQLValue(command.replyData), SQLValue(command.error), SQLValue(command.checked)])
    }

    public func command(id: Int64) async throws -> ParkCommandRecord? {
        try await database.query("SELECT * FROM park_commands WHERE id = ?", [.int(id)]).first.map(Self.command)
    }

    /// Newest first; `before` pages by id.
    public func commands(parkCode: String?, status: String?, limit: Int, before: Int64?) async throws -> [ParkCommandRecord] {
        var filter = Filter()
        filter.equal("park_code", parkCode)
        filter.equal("status", status)
        if let before { filter.add("id < ?", .int(before)) }
        return try await database.query(
            "SELECT * FROM park_commands \(filter.sql) ORDER BY id DESC LIMIT ?", filter.binds + [.int(Int64(limit))]).map(Self.command)
    }

    /// Queued commands whose time has come, oldest first (the order they were asked for).
    public func dueCommands(parkCode: String?, now: Date, limit: Int) async throws -> [ParkCommandRecord] {
        var filter = Filter()
        filter.equal("status", ParkCommandRecord.Status.queued.rawValue)
        filter.equal("park_code", parkCode)
        filter.add("(next_ms IS NULL OR next_ms <= ?)", SQLValue(now))
        return try await database.query(
            "SELECT * FROM park_commands \(filter.sql) ORDER BY id LIMIT ?", filter.binds + [.int(Int64(limit))]).map(Self.command)
    }

    /// Commands left `sent` by a stopped process go back to the queue (durable) or time out.
    public func requeueInterruptedCommands(now: Date) async throws {
        try await database.execute(
            "UPDATE park_commands SET status = 'queued', next_ms = ? WHERE status = 'sent' AND durable = 1", [SQLValue(now)])
        try await database.execute(
            "UPDATE park_commands SET status = 'timeout', error = 'the platform stopped before the reply' WHERE status = 'sent'")
    }

    static func command(_ row: SQLRow) -> ParkCommandRecord {
        var command = ParkCommandRecord(
            id: row.int("id") ?? 0, parkCode: row.text("park_code") ?? "", code: row.text("code") ?? "", oprNum: row.text("opr_num") ?? "",
            data: row.text("data") ?? "{}", durable: row.bool("durable"),
            status: ParkCommandRecord.Status(rawValue: row.text("status") ?? "") ?? .failed, requestedBy: row.text("requested_by") ?? "",
            requestedAt: row.date("requested_ms") ?? .distantPast, expiresAt: row.date("expires_ms"), nextAttemptAt: row.date("next_ms"))
        command.attempts = Int(row.int("attempts") ?? 0)
        (command.sentAt, command.repliedAt) = (row.date("sent_ms"), row.date("replied_ms"))
        (command.resultCode, command.resultMessage, command.replyData) = (row.text("result_code"), row.text("result_message"), row.text("reply_data"))
        (command.error, command.checked) = (row.text("error"), row.text("checked"))
        return command
    }

    public func savePlatformSyncEntry(parkCode: String, interface: String, key: String, values: [String: String], removed: Bool, at: Date) async throws {
        let identity: [SQLValue] = [.text(parkCode), .text(interface), .text(key)]
        if removed {
            try await database.execute("DELETE FROM park_sync WHERE park_code = ? AND interface = ? AND sync_key = ?", identity)
            return
        }
        try await database.execute(
            """
            INSERT INTO park_sync (park_code, interface, sync_key, data, source, updated_ms) VALUES (?, ?, ?, ?, 'platform', ?)
            ON CONFLICT (park_code, interface, sync_key) DO UPDATE SET data = excluded.data, source = excluded.source,
                updated_ms = excluded.updated_ms
            """,
            identity + [.text(JSONText.object(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })), SQLValue(at)])
    }

    public func raiseParkAlarm(kind: String, code: String, parkCode: String, subject: String, messageId: String, description: String, at: Date) async throws {
        try await database.execute(
            """
            INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, message_id, raised_ms, description, status)
            VALUES (?, ?, ?, NULL, 'cpmi', ?, ?, NULL, ?, ?, ?, 'open')
            """,
            [.int(ids.next(now: at)), .text(kind), .text(code), .text(subject), .text(parkCode), .text(messageId), SQLValue(at), .text(description)])
    }

    // MARK: blacklist

    public func saveBlacklistEntry(_ entry: BlacklistEntry) async throws {
        try await database.execute(
            """
            INSERT INTO blacklist (plate, owe_fen, car_type, payment_status, payment_ms, source, note, active, created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (plate) DO UPDATE SET owe_fen = excluded.owe_fen, car_type = excluded.car_type, payment_status = excluded.payment_status,
                payment_ms = excluded.payment_ms, source = excluded.source, note = excluded.note, active = excluded.active,
                updated_ms = excluded.updated_ms
            """,
            [.text(entry.plate), .int(entry.oweMoney.fen), .text(entry.carType), .text(entry.paymentStatus), SQLValue(entry.paymentTime),
             .text(entry.source), SQLValue(entry.note), SQLValue(entry.active), SQLValue(entry.createdAt), SQLValue(entry.updatedAt)])
    }

    public func blacklist(activeOnly: Bool) async throws -> [BlacklistEntry] {
        try await database.query("SELECT * FROM blacklist \(activeOnly ? "WHERE active = 1" : "") ORDER BY plate").map(Self.blacklistEntry)
    }

    public func blacklistEntry(plate: String) async throws -> BlacklistEntry? {
        try await database.query("SELECT * FROM blacklist WHERE plate = ?", [.text(plate)]).first.map(Self.blacklistEntry)
    }

    static func blacklistEntry(_ row: SQLRow) -> BlacklistEntry {
        BlacklistEntry(
            plate: row.text("plate") ?? "", oweMoney: Money(fen: row.int("owe_fen") ?? 0), carType: row.text("car_type") ?? "4",
            paymentStatus: row.text("payment_status") ?? "1", paymentTime: row.date("payment_ms"), source: row.text("source") ?? "",
            note: row.text("note"), active: row.bool("active"), createdAt: row.date("created_ms") ?? .distantPast,
            updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    /// Plates whose exited records leave more than `threshold` unpaid (应收 − 优惠 − 实收), with
    /// the amount owed.
    public func unpaidPlates(above threshold: Money) async throws -> [(plate: String, owed: Money)] {
        try await database.query(
            """
            SELECT plate, CAST(SUM(pay_fen - COALESCE(discount_fen, 0) - COALESCE(income_fen, 0)) AS BIGINT) AS owed FROM parking_records
            WHERE status = 'exited' AND pay_fen IS NOT NULL AND pay_fen - COALESCE(discount_fen, 0) - COALESCE(income_fen, 0) > 0 AND plate <> ''
            GROUP BY plate HAVING SUM(pay_fen - COALESCE(discount_fen, 0) - COALESCE(income_fen, 0)) > ? ORDER BY plate
            """,
            [.int(threshold.fen)]
        ).map { (plate: $0.text("plate") ?? "", owed: Money(fen: $0.int("owed") ?? 0)) }
    }
}
