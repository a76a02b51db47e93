import Foundation
import Logging
import ParkGateModel

/// The `Store` over any `SQLDatabase`: the SQL is written once, for both SQLite and PostgreSQL.
public final class SQLStore: Store {
    public let database: any SQLDatabase
    let ids: IDGenerator
    let logger: Logger

    public init(database: any SQLDatabase, ids: IDGenerator = IDGenerator(), logger: Logger = Logger(label: "parkgate.store")) {
        self.database = database
        self.ids = ids
        self.logger = logger
    }

    public var dialect: SQLDialect { database.dialect }

    public func migrate() async throws {
        try await database.migrate(Schema.migrations)
    }

    public func close() async throws {
        try await database.close()
    }

    // MARK: Vendors, tokens, users

    public func seedVendors(_ rows: [SeedVendor], at time: Date) async throws {
        try await database.transaction(rows.map { row in
            SQLStatement(
                """
                INSERT INTO vendors (code, name, category, key_hash, rate_limit, created_ms, updated_ms)
                VALUES (?, ?, ?, NULL, 0, ?, ?) ON CONFLICT (code) DO NOTHING
                """,
                [.text(row.code), .text(row.name), .text(row.category.rawValue), SQLValue(time), SQLValue(time)])
        })
    }

    public func saveVendor(_ vendor: VendorRecord) async throws {
        try await database.execute(
            """
            INSERT INTO vendors (code, name, category, key_hash, rate_limit, strict, created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category,
                key_hash = excluded.key_hash, rate_limit = excluded.rate_limit, strict = excluded.strict,
                updated_ms = excluded.updated_ms
            """,
            [.text(vendor.code), .text(vendor.name), .text(vendor.category.rawValue), SQLValue(vendor.keyHash),
             SQLValue(vendor.rateLimit), SQLValue(vendor.strict), SQLValue(vendor.createdAt), SQLValue(vendor.updatedAt)])
    }

    public func vendor(code: String) async throws -> VendorRecord? {
        try await database.query("SELECT * FROM vendors WHERE code = ?", [.text(code)]).first.flatMap(Self.vendor)
    }

    public func vendors() async throws -> [VendorRecord] {
        try await database.query("SELECT * FROM vendors ORDER BY code").compactMap(Self.vendor)
    }

    static func vendor(_ row: SQLRow) -> VendorRecord? {
        guard let code = row.text("code"), let category = DeviceCategory(rawValue: row.text("category") ?? "") else { return nil }
        return VendorRecord(
            code: code, name: row.text("name") ?? "", category: category, keyHash: row.text("key_hash"),
            rateLimit: Int(row.int("rate_limit") ?? 0), strict: row.bool("strict"), createdAt: row.date("created_ms") ?? .distantPast,
            updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func insertToken(_ token: TokenRecord) async throws {
        try await database.execute(
            "INSERT INTO tokens (token, kind, subject, issued_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
            [.text(token.token), .text(token.kind), .text(token.subject), SQLValue(token.issuedAt), SQLValue(token.expiresAt)])
    }

    public func token(_ value: String) async throws -> TokenRecord? {
        guard let row = try await database.query("SELECT * FROM tokens WHERE token = ?", [.text(value)]).first else { return nil }
        return TokenRecord(
            token: value, kind: row.text("kind") ?? "", subject: row.text("subject") ?? "",
            issuedAt: row.date("issued_ms") ?? .distantPast, expiresAt: row.date("expires_ms") ?? .distantPast)
    }

    public func deleteTokens(expiredBefore time: Date) async throws -> Int {
        try await database.execute("DELETE FROM tokens WHERE expires_ms < ?", [SQLValue(time)])
    }

    public func saveUser(_ user: UserRecord) async throws {
        let scope = try user.scope.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await database.execute(
            """
            INSERT INTO users (username, password_hash, role, scope, created_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, scope = excluded.scope
            """,
            [.text(user.username), .text(user.passwordHash), .text(user.role), SQLValue(scope), SQLValue(user.createdAt)])
    }

    public func user(named username: String) async throws -> UserRecord? {
        try await database.query("SELECT * FROM users WHERE username = ?", [.text(username)]).first.map(Self.user)
    }

    public func users() async throws -> [UserRecord] {
        try await database.query("SELECT * FROM users ORDER BY username").map(Self.user)
    }

    static func user(_ row: SQLRow) -> UserRecord {
        UserRecord(
            username: row.text("username") ?? "", passwordHash: row.text("password_hash") ?? "", role: row.text("role") ?? "",
            scope: row.text("scope").flatMap { try? JSONDecoder().decode(RecordScope.self, from: Data($0.utf8)) },
            createdAt: row.date("created_ms") ?? .distantPast)
    }

    public func deleteUser(named username: String) async throws -> Bool {
        let changed = try await database.transaction([
            SQLStatement("DELETE FROM tokens WHERE kind = 'api' AND subject = ?", [.text(username)]),
            SQLStatement("DELETE FROM users WHERE username = ?", [.text(username)]),
        ])
        return changed[1] > 0
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await database.execute(
            "INSERT INTO audit_log (id, at_ms, username, action, target, before_json, after_json, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [.int(ids.next()), SQLValue(entry.at), .text(entry.username), .text(entry.action), .text(entry.target),
             SQLValue(entry.before), SQLValue(entry.after), .text(entry.channel)])
    }

    // MARK: Ingest

    public func ingest(_ batch: [IngestCommand]) async throws -> [IngestOutcome] {
        guard !batch.isEmpty else { return [] }
        do {
            return try await ingestOnce(batch)
        } catch StoreError.conflict {
            // Another node (PostgreSQL) stored a conflicting row between our read and our write:
            // replay one message at a time, each against fresh state.
            var outcomes: [IngestOutcome] = []
            for command in batch {
                outcomes.append(contentsOf: try await ingestOnce([command]))
            }
            return outcomes
        }
    }

    private func ingestOnce(_ batch: [IngestCommand]) async throws -> [IngestOutcome] {
        func list<T: Hashable>(_ values: some Sequence<T>, _ bind: (T) -> SQLValue) -> (sql: String, binds: [SQLValue]) {
            let distinct = Array(Set(values))
            return (Self.placeholders(distinct.count), distinct.map(bind))
        }
        let messageIds = list(batch.map(\.raw.messageId), SQLValue.text)
        let vendors = list(batch.map(\.event.vendor), SQLValue.text)
        let parks = list(batch.map(\.event.berth.parkCode), SQLValue.text)
        let psCodes = list(batch.map(\.event.berth.psCode), SQLValue.text)
        let devices = list(batch.map(\.event.deviceCode), SQLValue.text)
        let passages = batch.filter { if case .passage = $0.event.observation { true } else { false } }
        let linkKeys = list(passages.map { IngestPlanner.linkKey($0.event.messageId, vendor: $0.event.vendor) }, SQLValue.text)
        // Each read may return more than the batch needs (the IN lists are crossed); the planner
        // only looks up the keys it meets.
        var reads = [
            SQLStatement(
                "SELECT sender, interface, message_id, content_hash FROM raw_messages WHERE message_id IN \(messageIds.sql)", messageIds.binds),
            SQLStatement("SELECT * FROM berths WHERE ps_code IN \(psCodes.sql)", psCodes.binds),
            SQLStatement(
                """
                SELECT id, vendor, park_code, ps_code, plate, entry_ms FROM sessions
                WHERE status = 'open' AND vendor IN \(vendors.sql) AND park_code IN \(parks.sql) AND ps_code IN \(psCodes.sql)
                """,
                vendors.binds + parks.binds + psCodes.binds),
            // Devices with an open device alarm: a normal message clears it.
            SQLStatement(
                """
                SELECT DISTINCT vendor, dev_code FROM alarms
                WHERE status = 'open' AND vendor IN \(vendors.sql) AND dev_code IN \(devices.sql) AND kind IN ('device-offline', 'device-error')
                """,
                vendors.binds + devices.binds),
        ]
        if !passages.isEmpty {
            // Alarms that arrived before their passage: the passage links them.
            reads.append(SQLStatement(
                "SELECT DISTINCT vendor, link_key FROM alarms WHERE vendor IN \(vendors.sql) AND link_key IN \(linkKeys.sql) AND event_id IS NULL",
                vendors.binds + linkKeys.binds))
        }
        let ids = self.ids, dialect = database.dialect, columnTypes = database.columnTypes
        return try await database.readModifyWrite(reads: reads) { rows in
            var planner = IngestPlanner(ids: ids, state: IngestState(
                messages: rows[0], berths: rows[1], openSessions: rows[2], openDeviceAlarms: rows[3], unlinkedAlarms: rows.count > 4 ? rows[4] : []),
                merging: dialect == .postgres, columnTypes: columnTypes)
            for command in batch { planner.plan(command) }
            return (dialect == .postgres ? planner.mergedStatements : planner.statements, planner.outcomes)
        }
    }

    static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: max(count, 1)).joined(separator: ", ") + ")"
    }

    // MARK: Device health

    public func markSilentDevicesOffline(silentSince: Date, now: Date) async throws -> [DeviceRow] {
        let silent = try await database.query(
            "SELECT * FROM devices WHERE online = 1 AND last_seen_ms < ? ORDER BY last_seen_ms LIMIT 1000",
            [SQLValue(silentSince)]
        ).map(Self.device)
        var changed: [DeviceRow] = []
        for device in silent {
            let binds: [SQLValue] = [.text(device.vendor), .text(device.devCode), SQLValue(silentSince)]
            let counts = try await database.transaction([
                SQLStatement(
                    """
                    INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, raised_ms, description, status)
                    SELECT ?, 'device-offline', 'offline', NULL, vendor, dev_code, park_code, ps_code, ?, ?, 'open'
                    FROM devices WHERE vendor = ? AND dev_code = ? AND online = 1 AND last_seen_ms < ?
                    """,
                    [.int(ids.next(now: now)), SQLValue(now), .text("设备离线(超过静默时长未上报)")] + binds),
                SQLStatement(
                    "UPDATE devices SET online = 0 WHERE vendor = ? AND dev_code = ? AND online = 1 AND last_seen_ms < ?",
                    binds),
            ])
            if counts[1] > 0 {
                var offline = device
                offline.online = false
                changed.append(offline)
            }
        }
        return changed
    }
}
