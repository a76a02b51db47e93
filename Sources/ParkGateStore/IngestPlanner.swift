import Foundation
import ParkGateModel

/// What a batch of ingest commands needs to know of the database before it is planned.
struct IngestState {
    struct MessageKey: Hashable {
        var sender: String, interface: String, messageId: String
    }
    struct SessionKey: Hashable {
        var vendor: String, berth: BerthKey
    }
    struct DeviceKey: Hashable {
        var vendor: String, deviceCode: String
    }
    struct LinkKey: Hashable {
        var vendor: String, linkKey: String
    }

    var seen: [MessageKey: String] = [:]
    var berths: [BerthKey: BerthSnapshot] = [:]
    var openSessions: [SessionKey: OpenSession] = [:]
    /// Devices with an open device alarm (offline, reported error): only their messages need
    /// the statement that clears it.
    var openDeviceAlarms: Set<DeviceKey> = []
    /// Alarms not yet linked to a passage: only a passage with one of these keys needs the
    /// statement that links them.
    var unlinkedAlarms: Set<LinkKey> = []

    /// From the rows of the store's reads: messages by id, berths, open sessions, devices with
    /// an open device alarm, alarms waiting for their passage.
    init(messages: [SQLRow], berths berthRows: [SQLRow], openSessions sessionRows: [SQLRow], openDeviceAlarms alarmRows: [SQLRow],
         unlinkedAlarms unlinkedRows: [SQLRow]) {
        openDeviceAlarms = Set(alarmRows.map { DeviceKey(vendor: $0.text("vendor") ?? "", deviceCode: $0.text("dev_code") ?? "") })
        unlinkedAlarms = Set(unlinkedRows.map { LinkKey(vendor: $0.text("vendor") ?? "", linkKey: $0.text("link_key") ?? "") })
        for row in messages {
            let key = MessageKey(sender: row.text("sender") ?? "", interface: row.text("interface") ?? "", messageId: row.text("message_id") ?? "")
            seen[key] = row.text("content_hash") ?? ""
        }
        for row in berthRows {
            let key = BerthKey(parkCode: row.text("park_code") ?? "", psCode: row.text("ps_code") ?? "")
            berths[key] = BerthSnapshot(
                occupied: row.bool("occupied"), plate: row.text("plate"), since: row.date("since_ms") ?? .distantPast,
                lastEventTime: row.date("last_event_ms") ?? .distantPast, deviceCode: row.text("dev_code") ?? "",
                vendor: row.text("vendor") ?? "")
        }
        for row in sessionRows {
            let key = SessionKey(
                vendor: row.text("vendor") ?? "", berth: BerthKey(parkCode: row.text("park_code") ?? "", psCode: row.text("ps_code") ?? ""))
            openSessions[key] = OpenSession(id: row.int("id") ?? 0, plate: row.text("plate"), entryTime: row.date("entry_ms") ?? .distantPast)
        }
    }
}

/// Turns a batch of accepted messages into the SQL that stores them and their consequences,
/// applying the model's rules (berth state, sessions) in order, as one transaction would see them.
struct IngestPlanner {
    let ids: IDGenerator
    var state: IngestState
    private(set) var statements: [SQLStatement] = []
    private(set) var outcomes: [IngestOutcome] = []
    /// Each message's statements (a range of `statements`, together all of them) and the rows
    /// they upsert by key (its device, its berth, its findings; a repeat's finding alone).
    private(set) var commands: [(statements: Range<Int>, keys: Set<String>)] = []
    private var now = Date()
    /// Whether `commands` is kept (for `mergedStatements`; SQLite runs `statements` as they are).
    let merging: Bool
    /// False once a message's statements depend on each other beyond their order in a
    /// transaction (a superseded session must be closed before the new one opens: the open
    /// sessions' unique index), so the batch may not go as one statement.
    private var foldable = true

    /// PostgreSQL's column types: with them, the merged statements bind arrays (`merged`).
    let columnTypes: ColumnTypes?

    init(ids: IDGenerator, state: IngestState, merging: Bool, columnTypes: ColumnTypes? = nil) {
        self.ids = ids
        self.state = state
        self.merging = merging
        self.columnTypes = columnTypes
    }

    mutating func plan(_ command: IngestCommand) {
        now = command.raw.receivedAt
        let raw = command.raw
        let key = IngestState.MessageKey(sender: raw.sender, interface: raw.interface, messageId: raw.messageId)
        if let firstHash = state.seen[key] {
            let same = firstHash == raw.contentHash
            if !same {
                let finding = Finding(
                    protocolName: raw.protocolName, sender: raw.sender, interface: raw.interface,
                    field: "flowId", rule: "message id reused with different content; first copy kept",
                    example: raw.messageId)
                let first = statements.count
                addFinding(finding)
                if merging { commands.append((first..<statements.count, [Self.findingKey(finding)])) }
            }
            outcomes.append(.duplicate(sameContent: same))
            return
        }
        state.seen[key] = raw.contentHash
        let first = statements.count
        defer {
            if merging {
                var keys: Set<String> = ["d\u{1}\(command.event.vendor)\u{1}\(command.event.deviceCode)",
                                         "b\u{1}\(command.event.berth.parkCode)\u{1}\(command.event.berth.psCode)"]
                for finding in command.findings { keys.insert(Self.findingKey(finding)) }
                commands.append((first..<statements.count, keys))
            }
        }
        let rawId = ids.next(now: raw.receivedAt)
        let eventId = ids.next(now: raw.receivedAt)
        let findingsJSON = command.findings.isEmpty
            ? nil : "[" + command.findings.map { JSONText.object([("field", $0.field), ("rule", $0.rule), ("example", $0.example)]) }.joined(separator: ",") + "]"
        statements.append(SQLStatement(
            """
            INSERT INTO raw_messages (id, protocol, sender, interface, message_id, content_hash, body, received_ms, findings)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.int(rawId), .text(raw.protocolName), .text(raw.sender), .text(raw.interface), .text(raw.messageId),
             .text(raw.contentHash), .text(raw.body), SQLValue(raw.receivedAt), SQLValue(findingsJSON)]))
        insertEvent(command.event, id: eventId, rawId: rawId, interface: raw.interface)
        applyConsequences(of: command.event, eventId: eventId)
        for finding in command.findings { addFinding(finding) }
        outcomes.append(.stored(eventId: eventId))
    }

    private mutating func insertEvent(_ event: DetectionEvent, id: Int64, rawId: Int64, interface: String) {
        var data = event.attributes
        if !event.images.isEmpty { data["images"] = event.images.joined(separator: "\n") }
        if let type = event.vehicleType { data["vehType"] = type }
        if let color = event.bodyColor { data["vehColor"] = color }
        if let battery = event.batteryLevel { data["devElec"] = battery }
        switch event.observation {
        case .parkingAlarm(let code, let level):
            data["alarmCode"] = code
            if let level { data["alarmLevel"] = level }
        case .deviceError(let code):
            data["alarmCode"] = code
        default: break
        }
        statements.append(SQLStatement(
            """
            INSERT INTO events (id, raw_id, protocol, interface, kind, vendor, dev_code, park_code, ps_code, message_id,
                link_key, plate, plate_kind, confidence, event_ms, event_text, entry_ms, received_ms, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.int(id), .int(rawId), .text(event.protocolName), .text(interface), .text(event.kind), .text(event.vendor),
             .text(event.deviceCode), .text(event.berth.parkCode), .text(event.berth.psCode), .text(event.messageId),
             .text(Self.linkKey(event.messageId, vendor: event.vendor)), SQLValue(event.plate?.number),
             SQLValue(event.plate?.kind), SQLValue(event.confidence), SQLValue(event.eventTime),
             .text(event.eventTimeText), SQLValue(event.entryTime), SQLValue(event.receivedAt),
             .text(JSONText.object(data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))]))
    }

    private mutating func applyConsequences(of event: DetectionEvent, eventId: Int64) {
        let linkKey = Self.linkKey(event.messageId, vendor: event.vendor)
        let isDeviceError: Bool
        switch event.observation {
        case .passage:
            isDeviceError = false
            if state.unlinkedAlarms.remove(IngestState.LinkKey(vendor: event.vendor, linkKey: linkKey)) != nil {
                statements.append(SQLStatement(
                    "UPDATE alarms SET event_id = ? WHERE vendor = ? AND link_key = ? AND event_id IS NULL",
                    [.int(eventId), .text(event.vendor), .text(linkKey)]))
            }
        case .occupancy:
            isDeviceError = false
        case .parkingAlarm(let code, let level):
            isDeviceError = false
            insertAlarm(event, kind: "parking", code: code, level: level,
                        description: ParkingAlarmCode(code: code)?.label ?? "未定义异常 \(code)", linkKey: linkKey)
        case .deviceError(let code):
            isDeviceError = true
            insertAlarm(event, kind: "device-error", code: code, level: nil,
                        description: DeviceErrorCode(code: code)?.label ?? "设备异常 \(code)", linkKey: linkKey)
        }
        let device = IngestState.DeviceKey(vendor: event.vendor, deviceCode: event.deviceCode)
        if isDeviceError {
            state.openDeviceAlarms.insert(device)
        } else if state.openDeviceAlarms.remove(device) != nil {
            // The device speaks normally again: its device alarms (offline, reported errors) clear.
            statements.append(SQLStatement(
                """
                UPDATE alarms SET status = 'cleared', cleared_ms = ?
                WHERE vendor = ? AND dev_code = ? AND status = 'open' AND kind IN ('device-offline', 'device-error')
                """,
                [SQLValue(now), .text(event.vendor), .text(event.deviceCode)]))
        }
        let offlineReport: Bool = if case .deviceError(let code) = event.observation { code == DeviceErrorCode.offline.rawValue } else { false }
        statements.append(SQLStatement(
            """
            INSERT INTO devices (vendor, dev_code, park_code, ps_code, first_seen_ms, last_seen_ms, battery, online, messages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT (vendor, dev_code) DO UPDATE SET park_code = excluded.park_code, ps_code = excluded.ps_code,
                last_seen_ms = excluded.last_seen_ms, battery = COALESCE(excluded.battery, devices.battery),
                online = excluded.online, messages = devices.messages + 1
            """,
            [.text(event.vendor), .text(event.deviceCode), .text(event.berth.parkCode), .text(event.berth.psCode),
             SQLValue(now), SQLValue(now), SQLValue(event.batteryLevel), SQLValue(!offlineReport)]))
        applyBerth(event)
        applySession(event, eventId: eventId)
    }

    private mutating func insertAlarm(_ event: DetectionEvent, kind: String, code: String, level: String?, description: String, linkKey: String) {
        // Its passage may be in the store already (the subquery links it) or still to come.
        state.unlinkedAlarms.insert(IngestState.LinkKey(vendor: event.vendor, linkKey: linkKey))
        statements.append(SQLStatement(
            """
            INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, message_id, link_key, event_id,
                raised_ms, description, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                (SELECT max(id) FROM events WHERE vendor = ? AND link_key = ? AND kind IN ('entry', 'exit')), ?, ?, 'open')
            """,
            [.int(ids.next(now: now)), .text(kind), .text(code), SQLValue(level), .text(event.vendor), .text(event.deviceCode),
             .text(event.berth.parkCode), .text(event.berth.psCode), .text(event.messageId), .text(linkKey),
             .text(event.vendor), .text(linkKey), SQLValue(event.eventTime), .text(description)]))
    }

    private mutating func applyBerth(_ event: DetectionEvent) {
        guard let next = BerthRules.apply(event, to: state.berths[event.berth]) else { return }
        state.berths[event.berth] = next
        statements.append(SQLStatement(
            """
            INSERT INTO berths (park_code, ps_code, occupied, plate, since_ms, last_event_ms, dev_code, vendor, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (park_code, ps_code) DO UPDATE SET occupied = excluded.occupied, plate = excluded.plate,
                since_ms = excluded.since_ms, last_event_ms = excluded.last_event_ms, dev_code = excluded.dev_code,
                vendor = excluded.vendor, updated_ms = excluded.updated_ms
            WHERE excluded.last_event_ms >= berths.last_event_ms
            """,
            [.text(event.berth.parkCode), .text(event.berth.psCode), SQLValue(next.occupied), SQLValue(next.plate),
             SQLValue(next.since), SQLValue(next.lastEventTime), .text(next.deviceCode), .text(next.vendor), SQLValue(now)]))
    }

    private mutating func applySession(_ event: DetectionEvent, eventId: Int64) {
        let key = IngestState.SessionKey(vendor: event.vendor, berth: event.berth)
        switch SessionRules.decide(event, open: state.openSessions[key]) {
        case .none:
            break
        case .open(let entryTime, let plate, let supersedes):
            if let supersedes {
                foldable = false
                statements.append(SQLStatement("UPDATE sessions SET status = 'superseded' WHERE id = ?", [.int(supersedes)]))
            }
            let id = ids.next(now: now)
            state.openSessions[key] = OpenSession(id: id, plate: plate, entryTime: entryTime)
            statements.append(SQLStatement(
                """
                INSERT INTO sessions (id, vendor, park_code, ps_code, plate, entry_ms, status, entry_event_id)
                VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
                """,
                [.int(id), .text(event.vendor), .text(event.berth.parkCode), .text(event.berth.psCode), SQLValue(plate),
                 SQLValue(entryTime), .int(eventId)]))
        case .close(let id, let exitTime, let entryTime):
            state.openSessions[key] = nil
            var close = SQLStatement(
                """
                UPDATE sessions SET status = 'closed', entry_ms = ?, exit_ms = ?, duration_s = ?, exit_event_id = ?,
                    plate = COALESCE(plate, ?)
                WHERE id = ?
                """,
                [SQLValue(entryTime), SQLValue(exitTime), .int(Int64(exitTime.timeIntervalSince(entryTime))), .int(eventId),
                 SQLValue(event.plate?.number), .int(id)])
            close.arrayForm = Self.closeSessions
            statements.append(close)
        case .closedWithoutEntry(let entryTime, let exitTime, let plate):
            statements.append(SQLStatement(
                """
                INSERT INTO sessions (id, vendor, park_code, ps_code, plate, entry_ms, exit_ms, duration_s, status, exit_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'closed', ?)
                """,
                [.int(ids.next(now: now)), .text(event.vendor), .text(event.berth.parkCode), .text(event.berth.psCode),
                 SQLValue(plate), SQLValue(entryTime), SQLValue(exitTime),
                 SQLValue(entryTime.map { Int64(exitTime.timeIntervalSince($0)) }), .int(eventId)]))
        }
    }

    /// The statements for PostgreSQL, which plans every statement it is sent: the messages'
    /// inserts as multi-row statements (`SQLStatement.merged`), over runs of messages that upsert
    /// no row twice (one multi-row upsert may not touch a row twice); runs keep their order.
    var mergedStatements: [SQLStatement] {
        let merged = SQLStatement.merged(
            commands.map { Array(statements[$0.statements]) }, keys: commands.map(\.keys), columnTypes: columnTypes)
        // One run (no row upserted twice in the batch): the merged statements touch distinct
        // rows, and may go as one statement when nothing in them reads another's rows.
        let keys = commands.reduce(0) { $0 + $1.keys.count }
        guard foldable, keys == Set(commands.flatMap(\.keys)).count, let folded = SQLStatement.folded(merged) else { return merged }
        return [folded]
    }

    /// The batch's closed sessions as one update (each session is closed by one message of a
    /// run: its berth is one of the message's keys).
    static let closeSessions = ArrayInsertForm(
        sql: """
            UPDATE sessions SET status = 'closed', entry_ms = u.c0, exit_ms = u.c1, duration_s = u.c2, exit_event_id = u.c3,
                plate = COALESCE(sessions.plate, u.c4)
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[]) AS u(c0, c1, c2, c3, c4, c5)
            WHERE sessions.id = u.c5
            """,
        types: ["bigint", "bigint", "bigint", "bigint", "text", "bigint"])

    static func findingKey(_ finding: Finding) -> String {
        ["f", finding.protocolName, finding.sender, finding.interface, finding.field, finding.rule].joined(separator: "\u{1}")
    }

    private mutating func addFinding(_ finding: Finding) {
        statements.append(Self.findingStatement(finding, at: now))
    }

    static func findingStatement(_ finding: Finding, at time: Date) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO findings (protocol, sender, interface, field, rule, example, count, first_ms, last_ms)
            VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
            ON CONFLICT (protocol, sender, interface, field, rule) DO UPDATE SET count = findings.count + 1,
                last_ms = excluded.last_ms, example = excluded.example
            """,
            [.text(finding.protocolName), .text(finding.sender), .text(finding.interface), .text(finding.field),
             .text(finding.rule), .text(String(finding.example.prefix(200))), SQLValue(time), SQLValue(time)])
    }

    /// The key that ties an alarm to the passage it is about: the vendor's serial with the
    /// message-type digit removed when the id follows the 3+1+16 rule, else the id itself.
    static func linkKey(_ messageId: String, vendor: String) -> String {
        let utf8 = messageId.utf8
        if utf8.count == 20, messageId.hasPrefix(vendor), utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return String(messageId.prefix(3)) + String(messageId.suffix(16))
        }
        return messageId
    }
}
