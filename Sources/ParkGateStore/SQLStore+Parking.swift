import Foundation
import ParkGateModel

extension SQLStore {
    public func savePark(_ park: ParkRecord) async throws {
        try await database.execute(
            """
            INSERT INTO parks (code, name, total_spaces, empty_spaces, account, password_hash, secret, signature_on, weather, situation,
                last_heartbeat_ms, created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, total_spaces = excluded.total_spaces, account = excluded.account,
                password_hash = excluded.password_hash, secret = excluded.secret, signature_on = excluded.signature_on,
                updated_ms = excluded.updated_ms
            """,
            [.text(park.code), .text(park.name), SQLValue(park.totalSpaces), SQLValue(park.emptySpaces), .text(park.account),
             .text(park.passwordHash), SQLValue(park.secret), SQLValue(park.signatureOn), SQLValue(park.weather), SQLValue(park.situation),
             SQLValue(park.lastHeartbeat), SQLValue(park.createdAt), SQLValue(park.updatedAt)])
    }

    public func park(code: String) async throws -> ParkRecord? {
        try await database.query("SELECT * FROM parks WHERE code = ?", [.text(code)]).first.map(Self.park)
    }

    public func park(account: String) async throws -> ParkRecord? {
        try await database.query("SELECT * FROM parks WHERE account = ?", [.text(account)]).first.map(Self.park)
    }

    public func parks() async throws -> [ParkRecord] {
        try await database.query(
            """
            SELECT p.*, (SELECT count(*) FROM parking_records r WHERE r.park_code = p.code AND r.status = 'inside') AS inside
            FROM parks p ORDER BY p.code
            """
        ).map { row in
            var park = Self.park(row)
            park.vehiclesInside = row.int("inside").map { Int($0) }
            return park
        }
    }

    public func markSilentParksOffline(silentSince: Date, now: Date) async throws -> [ParkRecord] {
        let silent = try await database.query(
            "SELECT * FROM parks WHERE online = 1 AND last_heartbeat_ms < ? ORDER BY code LIMIT 1000", [SQLValue(silentSince)]
        ).map(Self.park)
        var changed: [ParkRecord] = []
        for park in silent {
            let counts = try await database.transaction([
                SQLStatement(
                    """
                    INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, raised_ms, description, status)
                    SELECT ?, 'park-offline', 'offline', NULL, 'cpmi', code, code, NULL, ?, ?, 'open'
                    FROM parks WHERE code = ? AND online = 1 AND last_heartbeat_ms < ?
                    """,
                    [.int(ids.next(now: now)), SQLValue(now), .text("停车场离线(心跳超时)"), .text(park.code), SQLValue(silentSince)]),
                SQLStatement("UPDATE parks SET online = 0 WHERE code = ? AND online = 1 AND last_heartbeat_ms < ?", [.text(park.code), SQLValue(silentSince)]),
            ])
            if counts[1] > 0 {
                var offline = park
                offline.online = false
                changed.append(offline)
            }
        }
        return changed
    }

    static func park(_ row: SQLRow) -> ParkRecord {
        ParkRecord(
            code: row.text("code") ?? "", name: row.text("name") ?? "", totalSpaces: Int(row.int("total_spaces") ?? 0),
            emptySpaces: row.int("empty_spaces").map { Int($0) }, account: row.text("account") ?? "",
            passwordHash: row.text("password_hash") ?? "", secret: row.text("secret"), signatureOn: row.bool("signature_on"),
            weather: row.text("weather"), situation: row.text("situation"), lastHeartbeat: row.date("last_heartbeat_ms"), online: row.bool("online"),
            createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func replaceParkToken(_ token: TokenRecord) async throws {
        try await database.transaction([
            SQLStatement("DELETE FROM tokens WHERE kind = ? AND subject = ?", [.text(token.kind), .text(token.subject)]),
            SQLStatement(
                "INSERT INTO tokens (token, kind, subject, issued_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                [.text(token.token), .text(token.kind), .text(token.subject), SQLValue(token.issuedAt), SQLValue(token.expiresAt)]),
        ])
    }

    public func recordParking(_ command: ParkingCommand) async throws -> ParkingOutcome {
        try await recordParkingBatch([command])[0]
    }

    /// Several commands in one transaction (none shares a request, record or park state with
    /// another: `ParkingWriter` forms batches so); on a conflict with another node each is
    /// replayed alone.
    public func recordParkingBatch(_ commands: [ParkingCommand]) async throws -> [ParkingOutcome] {
        let columnTypes = database.columnTypes
        let reads = BatchReads(commands, arrays: columnTypes != nil)
        let ids = self.ids
        do {
            return try await database.readModifyWrite(reads: reads.statements) { rows in
                let found = reads.assemble(rows)
                var writes: [[SQLStatement]] = [], outcomes: [ParkingOutcome] = []
                for (command, state) in zip(commands, found) {
                    let (statements, outcome) = ParkingPlanner(command: command, ids: ids, ours: state.ours, invoice: state.invoice)
                        .plan(request: state.request, record: state.record, total: state.total)
                    writes.append(statements)
                    outcomes.append(outcome)
                }
                // SQLite runs each row's statement as cheaply as any other form.
                guard dialect == .postgres else { return (writes.flatMap { $0 }, outcomes) }
                // PostgreSQL plans every statement it is sent: the batch's inserts go as a few
                // multi-row statements. Commands of one batch touch different requests and records
                // (the writer sees to it), but may report the same finding; called without the
                // writer, they may also upsert one picture, order or facility: runs keep those apart.
                // Each column of an insert goes as one array, so its text is the same in every
                // batch and PostgreSQL prepares it once (`SQLStatement.arrayInsert`).
                let keys = commands.map { Set($0.findings.map(IngestPlanner.findingKey)).union($0.conflictKeys) }
                return (SQLStatement.merged(writes, keys: keys, columnTypes: columnTypes), outcomes)
            }
        } catch StoreError.conflict where commands.count > 1 {
            var outcomes: [ParkingOutcome] = []
            for command in commands { outcomes.append(try await recordParking(command)) }
            return outcomes
        }
    }

    public func reconciliations(parkCode: String?) async throws -> [ReconciliationRow] {
        var filter = Filter()
        filter.equal("park_code", parkCode)
        return try await database.query("SELECT * FROM reconciliations \(filter.sql) ORDER BY day DESC, park_code", filter.binds).map { row in
            let reported = [row.int("pay_count"), row.int("pay_fen"), row.int("income_fen"), row.int("discount_fen")].map { $0 ?? 0 }
            let ours = [row.int("ours_count"), row.int("ours_pay_fen"), row.int("ours_income_fen"), row.int("ours_discount_fen")].map { $0 ?? 0 }
            let difference = zip(reported, ours).map { $0 - $1 }
            func totals(_ values: [Int64]) -> ReconciliationRow.Totals {
                ReconciliationRow.Totals(
                    count: values[0], payMoney: Money(fen: values[1]).text, incomeMoney: Money(fen: values[2]).text,
                    discountMoney: Money(fen: values[3]).text)
            }
            return ReconciliationRow(
                parkCode: row.text("park_code") ?? "", day: row.text("day") ?? "", reported: totals(reported), ours: totals(ours),
                difference: totals(difference), matches: difference.allSatisfy { $0 == 0 }, checkTime: row.date("check_ms"),
                receivedAt: row.date("received_ms") ?? .distantPast)
        }
    }

    public func saveMember(_ member: MemberRecord) async throws {
        try await database.execute(
            """
            INSERT INTO members (plate, name, phone, auto_pay, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (plate) DO UPDATE SET name = excluded.name, phone = excluded.phone, auto_pay = excluded.auto_pay, updated_ms = excluded.updated_ms
            """,
            [.text(member.plate), SQLValue(member.name), SQLValue(member.phone), SQLValue(member.autoPay), SQLValue(member.createdAt), SQLValue(member.updatedAt)])
    }

    public func member(plate: String) async throws -> MemberRecord? {
        try await database.query("SELECT * FROM members WHERE plate = ?", [.text(plate)]).first.map(Self.member)
    }

    public func members() async throws -> [MemberRecord] {
        try await database.query("SELECT * FROM members ORDER BY plate").map(Self.member)
    }

    static func member(_ row: SQLRow) -> MemberRecord {
        MemberRecord(
            plate: row.text("plate") ?? "", name: row.text("name"), phone: row.text("phone"), autoPay: row.bool("auto_pay"),
            createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func deleteMember(plate: String) async throws -> Bool {
        try await database.execute("DELETE FROM members WHERE plate = ?", [.text(plate)]) > 0
    }

    public func isPrepaid(parkCode: String, recordCode: String) async throws -> Bool {
        !(try await database.query(
            "SELECT 1 AS x FROM prepayments WHERE park_code = ? AND record_code = ? LIMIT 1", [.text(parkCode), .text(recordCode)]).isEmpty)
    }

    public func prepaidTotal(parkCode: String, recordCode: String) async throws -> Money {
        let rows = try await database.query(
            "SELECT CAST(COALESCE(SUM(real_pay_fen), 0) AS BIGINT) AS total FROM prepayments WHERE park_code = ? AND record_code = ?",
            [.text(parkCode), .text(recordCode)])
        return Money(fen: rows.first?.int("total") ?? 0)
    }

    public func syncEntries(parkCode: String, interface: String?) async throws -> [SyncRow] {
        var filter = Filter()
        filter.equal("park_code", parkCode)
        filter.equal("interface", interface)
        return try await database.query("SELECT * FROM park_sync \(filter.sql) ORDER BY interface, sync_key", filter.binds).map { row in
            SyncRow(
                interface: row.text("interface") ?? "", key: row.text("sync_key") ?? "",
                data: (try? JSONSerialization.jsonObject(with: Data((row.text("data") ?? "{}").utf8))) as? [String: String] ?? [:],
                source: row.text("source") ?? "", updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    public func spaceHistory(parkCode: String, from: Date, to: Date) async throws -> [SpacesRow] {
        try await database.query(
            "SELECT at_ms, empty_num, total_num FROM park_spaces WHERE park_code = ? AND at_ms >= ? AND at_ms <= ? ORDER BY id LIMIT 100000",
            [.text(parkCode), SQLValue(from), SQLValue(to)]
        ).map { SpacesRow(at: $0.date("at_ms") ?? .distantPast, emptyNum: $0.int("empty_num") ?? 0, totalNum: $0.int("total_num") ?? 0) }
    }

    public func facilities(parkCode: String) async throws -> [FacilityRow] {
        try await database.query("SELECT * FROM park_facilities WHERE park_code = ? ORDER BY kind, code", [.text(parkCode)]).map { row in
            FacilityRow(
                kind: row.text("kind") ?? "", code: row.text("code") ?? "", name: row.text("name"), type: row.text("type"),
                pcName: row.text("pc_name"), linked: row.int("linked").map { $0 != 0 }, isExit: row.int("is_exit").map { $0 != 0 },
                changedAt: row.date("changed_ms"), updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    public func settlements(parkCode: String?) async throws -> [SettlementRow] {
        var filter = Filter()
        filter.equal("park_code", parkCode)
        return try await database.query("SELECT * FROM cashier_settlements \(filter.sql) ORDER BY id DESC LIMIT 1000", filter.binds).map { row in
            SettlementRow(
                parkCode: row.text("park_code") ?? "", userId: row.text("user_id"), userName: row.text("user_name"),
                operatorType: row.text("operator_type"), outCross: row.text("out_cross"), start: row.date("start_ms"), end: row.date("end_ms"),
                cashCount: row.int("cash_count") ?? 0, cashSum: Money(fen: row.int("cash_fen") ?? 0).text, couponCount: row.int("coupon_count") ?? 0,
                couponSum: Money(fen: row.int("coupon_fen") ?? 0).text, uploadedAt: row.date("uploaded_ms"), receivedAt: row.date("received_ms") ?? .distantPast)
        }
    }

    public func parksOfBlob(_ name: String) async throws -> [String] {
        try await database.query("SELECT DISTINCT park_code FROM parking_images WHERE blob = ?", [.text(name)]).compactMap { $0.text("park_code") }
    }

    public func parkingImages(parkCode: String, recordCode: String) async throws -> [ParkingImageRow] {
        try await database.query(
            "SELECT * FROM parking_images WHERE park_code = ? AND record_code = ? ORDER BY image_type, image_code",
            [.text(parkCode), .text(recordCode)]
        ).map { row in
            ParkingImageRow(
                recordCode: row.text("record_code") ?? "", imageCode: row.text("image_code") ?? "", imageType: row.text("image_type"),
                blob: row.text("blob") ?? "", bytes: row.int("bytes") ?? 0, receivedAt: row.date("at_ms") ?? .distantPast)
        }
    }

    public func parkingRecord(parkCode: String, recordCode: String) async throws -> ParkingRecordRow? {
        try await parkingRecords(parkCode: parkCode, status: nil, plate: nil, limit: 1, before: nil, recordCode: recordCode).first
    }

    public func parkingRecords(parkCode: String?, status: String?, plate: String?, limit: Int, before: String?) async throws -> [ParkingRecordRow] {
        try await parkingRecords(parkCode: parkCode, status: status, plate: plate, limit: limit, before: before, recordCode: nil)
    }

    func parkingRecords(parkCode: String?, status: String?, plate: String?, limit: Int, before: String?, recordCode: String?) async throws -> [ParkingRecordRow] {
        var filter = Filter()
        filter.equal("park_code", parkCode)
        filter.equal("record_code", recordCode)
        filter.equal("status", status)
        filter.equal("plate", plate)
        return try await database.query(
            "SELECT * FROM parking_records \(filter.sql) ORDER BY updated_ms DESC, record_code LIMIT ?", filter.binds + [.int(Int64(limit))]
        ).map { row in
            func money(_ column: String) -> String? { row.int(column).map { Money(fen: $0).text } }
            return ParkingRecordRow(
                parkCode: row.text("park_code") ?? "", recordCode: row.text("record_code") ?? "", plate: row.text("plate") ?? "",
                entryPlate: row.text("entry_plate"), inCross: row.text("in_cross"), inTime: row.date("in_ms"), inTimeText: row.text("in_text"),
                inIdentity: row.text("in_identity"), carColor: row.text("car_color"), outCross: row.text("out_cross"),
                outTime: row.date("out_ms"), outTimeText: row.text("out_text"), outIdentity: row.text("out_identity"),
                parkMinutes: row.int("park_minutes"), chargeStatus: row.text("charge_status"), payMoney: money("pay_fen"),
                discountMoney: money("discount_fen"), incomeMoney: money("income_fen"), paymentMode: row.text("payment_mode"),
                payOrigin: row.text("pay_origin"), exitType: row.text("exit_type"), operatorName: row.text("operator"),
                status: row.text("status") ?? "", corrections: row.int("corrections") ?? 0,
                createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }
}

/// Turns one uplink report into statements, given what is stored (pure, like `IngestPlanner`).
struct ParkingPlanner {
    let command: ParkingCommand
    let ids: IDGenerator
    /// ParkGate's own totals of a reconciled day.
    var ours: SQLRow? = nil
    /// The invoice the report's record already has.
    var invoice: String? = nil

    func plan(request: SQLRow?, record: SQLRow?, total: Int64?) -> (writes: [SQLStatement], result: ParkingOutcome) {
        let now = command.now
        if let request {
            // B.2.3.6: at most 5 repeats of one request within an hour.
            // The hour starts with the request itself, and again with the first repeat after it.
            let first = request.date("first_ms") ?? request.date("received_ms") ?? now, repeats = request.int("repeats") ?? 0
            let windowOpen = now.timeIntervalSince(first) < 3600
            let bump = SQLStatement(
                """
                INSERT INTO cpmi_repeats (park_code, opr_num, repeats, first_ms, last_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (park_code, opr_num) DO UPDATE SET repeats = excluded.repeats, first_ms = excluded.first_ms, last_ms = excluded.last_ms
                """,
                [.text(command.parkCode), .text(command.oprNum), .int(windowOpen ? repeats + 1 : 1), SQLValue(windowOpen ? first : now), SQLValue(now)])
            if windowOpen && repeats + 1 > Int64(command.repeatLimit) { return ([bump], .tooManyRepeats) }
            return ([bump], .replayed(answer: request.text("answer") ?? ""))
        }
        let entryTime: Date?? = record.map { $0.date("in_ms") }
        if let refusal = ParkingRules.check(command.report, recordEntry: entryTime, totalSpaces: total.map { Int($0) }, invoice: invoice) {
            return ([], .refused(refusal))
        }
        let answer = command.answer()
        var writes = [
            SQLStatement(
                """
                INSERT INTO raw_messages (id, protocol, sender, interface, message_id, content_hash, body, received_ms, findings, answer)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.int(ids.next(now: now)), .text(command.raw.protocolName), .text(command.raw.sender), .text(command.raw.interface),
                 .text(command.raw.messageId), .text(command.raw.contentHash), .text(command.raw.body), SQLValue(command.raw.receivedAt),
                 SQLValue(command.findings.isEmpty ? nil : "[" + command.findings.map {
                     JSONText.object([("field", $0.field), ("rule", $0.rule), ("example", $0.example)]) }.joined(separator: ",") + "]"),
                 .text(answer)]),
        ]
        writes += statements(record: record)
        writes += command.findings.map { IngestPlanner.findingStatement($0, at: now) }
        return (writes, .accepted(answer: answer))
    }

    func statements(record: SQLRow?) -> [SQLStatement] {
        let park = SQLValue.text(command.parkCode), now = SQLValue(command.now)
        switch command.report {
        case .heartbeat:
            return [
                SQLStatement("UPDATE parks SET last_heartbeat_ms = ?, online = 1 WHERE code = ?", [now, park]),
                SQLStatement(
                    "UPDATE alarms SET status = 'cleared', cleared_ms = ? WHERE kind = 'park-offline' AND park_code = ? AND status = 'open'", [now, park]),
            ]
        case .images(let images):
            return images.map { image in
                SQLStatement(
                    """
                    INSERT INTO parking_images (park_code, record_code, image_code, image_type, blob, bytes, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (park_code, record_code, image_code) DO UPDATE SET image_type = excluded.image_type, blob = excluded.blob,
                        bytes = excluded.bytes, at_ms = excluded.at_ms
                    """,
                    [park, .text(image.recordCode), .text(image.imageCode), SQLValue(image.imageType?.rawValue), .text(image.blob),
                     SQLValue(image.bytes), now])
            }
        case .entry(let entry):
            // A record an exit created first gets its entry; otherwise the entry creates it.
            return [SQLStatement(
                """
                INSERT INTO parking_records (park_code, record_code, plate, entry_plate, in_cross, in_ms, in_text, in_identity, car_color,
                    operator, status, corrections, created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'inside', 0, ?, ?)
                ON CONFLICT (park_code, record_code) DO UPDATE SET entry_plate = excluded.entry_plate, in_cross = excluded.in_cross,
                    in_ms = excluded.in_ms, in_text = excluded.in_text, in_identity = excluded.in_identity,
                    car_color = COALESCE(parking_records.car_color, excluded.car_color), updated_ms = excluded.updated_ms
                """,
                [park, .text(entry.recordCode), .text(entry.plate), .text(entry.plate), .text(entry.inCross), SQLValue(entry.inTime),
                 .text(entry.inTimeText), SQLValue(entry.inIdentity?.rawValue), .text(entry.carColor), .text(entry.operatorName), now, now])]
        case .correction(let correction):
            return [
                SQLStatement(
                    "UPDATE parking_records SET plate = ?, corrections = corrections + 1, updated_ms = ? WHERE park_code = ? AND record_code = ?",
                    [.text(correction.correctedPlate), now, park, .text(correction.recordCode)]),
                SQLStatement(
                    "INSERT INTO parking_corrections (id, park_code, record_code, from_plate, to_plate, at_ms, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [.int(ids.next(now: command.now)), park, .text(correction.recordCode), .text(record?.text("plate") ?? correction.plate),
                     .text(correction.correctedPlate), now,
                     .text(JSONText.object(correction.fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))]),
            ]
        case .exit(let exit):
            let minutes = exit.parkMinutes.map { Int64($0) }
                ?? (exit.inTime ?? record?.date("in_ms")).map { Int64(exit.outTime.timeIntervalSince($0) / 60) }
            // The exit carries the corrected plate (B.4.4); an exit with no entry creates the record.
            return [SQLStatement(
                """
                INSERT INTO parking_records (park_code, record_code, plate, in_cross, in_ms, in_text, in_identity, car_color, out_cross, out_ms,
                    out_text, out_identity, park_minutes, charge_status, pay_fen, discount_fen, income_fen, payment_mode, pay_origin,
                    exit_type, operator, status, corrections, created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'exited', 0, ?, ?)
                ON CONFLICT (park_code, record_code) DO UPDATE SET plate = excluded.plate, out_cross = excluded.out_cross,
                    out_ms = excluded.out_ms, out_text = excluded.out_text, out_identity = excluded.out_identity,
                    park_minutes = excluded.park_minutes, charge_status = excluded.charge_status, pay_fen = excluded.pay_fen,
                    discount_fen = excluded.discount_fen, income_fen = excluded.income_fen, payment_mode = excluded.payment_mode,
                    pay_origin = excluded.pay_origin, exit_type = excluded.exit_type, operator = excluded.operator, status = 'exited',
                    in_ms = COALESCE(parking_records.in_ms, excluded.in_ms), in_text = COALESCE(parking_records.in_text, excluded.in_text),
                    updated_ms = excluded.updated_ms
                """,
                [park, .text(exit.recordCode), .text(exit.plate), .text(exit.inCross), SQLValue(exit.inTime), .text(exit.inTimeText),
                 SQLValue(exit.inIdentity?.rawValue), .text(exit.carColor), .text(exit.outCross), SQLValue(exit.outTime), .text(exit.outTimeText),
                 .text(exit.outIdentity), SQLValue(minutes), .text(exit.chargeStatus), .int(exit.payMoney.fen), .int(exit.discountMoney.fen),
                 .int(exit.incomeMoney.fen), SQLValue(exit.paymentMode?.rawValue), SQLValue(exit.payOrigin?.rawValue), .text(exit.exitType),
                 .text(exit.operatorName), now, now])]
        case .supplementaryBill(let bill):
            // The whole stay at once: it creates the record, or completes one whose entry or exit came.
            let exit = bill.exit
            let minutes = exit.parkMinutes.map { Int64($0) } ?? exit.inTime.map { Int64(exit.outTime.timeIntervalSince($0) / 60) }
            var statements = [SQLStatement(
                """
                INSERT INTO parking_records (park_code, record_code, plate, entry_plate, in_cross, in_ms, in_text, car_type, car_color, out_cross,
                    out_ms, out_text, park_minutes, pay_fen, discount_fen, income_fen, in_image, out_image, supplementary, status, corrections,
                    created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'exited', 0, ?, ?)
                ON CONFLICT (park_code, record_code) DO UPDATE SET plate = excluded.plate,
                    in_cross = COALESCE(parking_records.in_cross, excluded.in_cross), in_ms = COALESCE(parking_records.in_ms, excluded.in_ms),
                    in_text = COALESCE(parking_records.in_text, excluded.in_text), car_type = excluded.car_type,
                    out_cross = excluded.out_cross, out_ms = excluded.out_ms, out_text = excluded.out_text, park_minutes = excluded.park_minutes,
                    pay_fen = excluded.pay_fen, discount_fen = excluded.discount_fen, income_fen = excluded.income_fen,
                    in_image = excluded.in_image, out_image = excluded.out_image, supplementary = 1, status = 'exited',
                    updated_ms = excluded.updated_ms
                """,
                [park, .text(exit.recordCode), .text(exit.plate), .text(exit.plate), .text(exit.inCross), SQLValue(exit.inTime), .text(exit.inTimeText),
                 .text(bill.carType), .text(exit.outCross), SQLValue(exit.outTime), .text(exit.outTimeText), SQLValue(minutes), .int(exit.payMoney.fen),
                 .int(exit.discountMoney.fen), .int(exit.incomeMoney.fen), .text(bill.inImage), .text(bill.outImage), now, now])]
            for payment in bill.payments {
                statements.append(SQLStatement(
                    """
                    INSERT INTO parking_payments (park_code, record_code, bill_number, receivable_fen, actual_fen, discount_fen, pay_ms, pay_status,
                        payment_mode, pay_origin, toller) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (park_code, record_code, bill_number) DO UPDATE SET receivable_fen = excluded.receivable_fen,
                        actual_fen = excluded.actual_fen, discount_fen = excluded.discount_fen, pay_ms = excluded.pay_ms,
                        pay_status = excluded.pay_status, payment_mode = excluded.payment_mode, pay_origin = excluded.pay_origin, toller = excluded.toller
                    """,
                    [park, .text(exit.recordCode), .text(payment.billNumber), .int(payment.amountReceivable.fen), .int(payment.actualReceivable.fen),
                     .int(payment.discountAmount.fen), SQLValue(payment.payTime), .text(payment.payStatus), SQLValue(payment.paymentMode?.rawValue),
                     SQLValue(payment.payOrigin?.rawValue), .text(payment.toller)]))
            }
            return statements
        case .settlement(let settlement):
            return [SQLStatement(
                """
                INSERT INTO cashier_settlements (id, park_code, user_id, user_name, operator_type, out_cross, start_ms, end_ms, cash_count, cash_fen,
                    coupon_count, coupon_fen, uploaded_ms, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.int(ids.next(now: command.now)), park, .text(settlement.userId), .text(settlement.userName), .text(settlement.operatorType),
                 .text(settlement.outCross), SQLValue(settlement.start), SQLValue(settlement.end), SQLValue(settlement.cashCount),
                 .int(settlement.cashSum.fen), SQLValue(settlement.couponCount), .int(settlement.couponSum.fen), SQLValue(settlement.uploaded), now])]
        case .reconciliation(let day):
            return [SQLStatement(
                """
                INSERT INTO reconciliations (park_code, day, pay_count, pay_fen, income_fen, discount_fen, ours_count, ours_pay_fen, ours_income_fen,
                    ours_discount_fen, check_ms, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (park_code, day) DO UPDATE SET pay_count = excluded.pay_count, pay_fen = excluded.pay_fen,
                    income_fen = excluded.income_fen, discount_fen = excluded.discount_fen, ours_count = excluded.ours_count,
                    ours_pay_fen = excluded.ours_pay_fen, ours_income_fen = excluded.ours_income_fen, ours_discount_fen = excluded.ours_discount_fen,
                    check_ms = excluded.check_ms, received_ms = excluded.received_ms
                """,
                [park, .text(day.day), SQLValue(day.payCount), .int(day.payMoney.fen), .int(day.incomeMoney.fen), .int(day.discountMoney.fen),
                 .int(ours?.int("n") ?? 0), .int(ours?.int("pay") ?? 0), .int(ours?.int("income") ?? 0), .int(ours?.int("discount") ?? 0),
                 SQLValue(day.checkTime), now])]
        case .invoice(let invoice):
            return [SQLStore.invoiceStatement(park: park, invoice, source: "lot", now: now)]
        case .prepayment(let pay):
            return [SQLStore.prepaymentStatement(park: park, pay, source: "lot", now: now)]
        case .sync(let interface, let key, let values, let removed):
            let identity: [SQLValue] = [park, .text(interface), .text(key)]
            if removed { return [SQLStatement("DELETE FROM park_sync WHERE park_code = ? AND interface = ? AND sync_key = ?", identity)] }
            return [SQLStatement(
                """
                INSERT INTO park_sync (park_code, interface, sync_key, data, source, updated_ms) VALUES (?, ?, ?, ?, 'lot', ?)
                ON CONFLICT (park_code, interface, sync_key) DO UPDATE SET data = excluded.data, source = excluded.source,
                    updated_ms = excluded.updated_ms
                """,
                identity + [.text(JSONText.object(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })), now])]
        case .autoPay(let record, let plate, let decision, let orderCode):
            let (status, amount, reason): (Int64, Int64, String) = switch decision {
            case .charge(let fee): (1, fee.fen, AutoPay.FailReason.none.rawValue)
            case .refuse(let why): (0, 0, why.rawValue)
            }
            return [SQLStatement(
                """
                INSERT INTO autopay_orders (park_code, record_code, order_code, plate, pay_status, amount_fen, fail_reason, at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (park_code, record_code) DO UPDATE SET order_code = excluded.order_code, pay_status = excluded.pay_status,
                    amount_fen = excluded.amount_fen, fail_reason = excluded.fail_reason, at_ms = excluded.at_ms
                """,
                [park, .text(record), .text(orderCode), .text(plate), .int(status), .int(amount), .text(reason), now])]
        case .manualOpen(let open):
            let description = "手动开闸 \(open.openType?.label ?? open.openTypeText) \(open.plate) \(open.operatorName)".trimmingCharacters(in: .whitespaces)
            return [SQLStatement(
                """
                INSERT INTO alarms (id, kind, code, level, vendor, dev_code, park_code, ps_code, message_id, raised_ms, description, status)
                VALUES (?, 'manual-open', ?, NULL, 'cpmi', ?, ?, NULL, ?, ?, ?, 'open')
                """,
                [.int(ids.next(now: command.now)), .text(open.openType?.rawValue ?? open.openTypeText), .text(open.outCross.isEmpty ? open.inCross : open.outCross),
                 park, .text(command.oprNum), SQLValue(open.time ?? command.now), .text(description)])]
        case .facilities(let facilities):
            return facilities.flatMap { facility -> [SQLStatement] in
                let key: [SQLValue] = [park, .text(facility.kind.rawValue), .text(facility.code)]
                let history = SQLStatement(
                    "INSERT INTO park_facility_history (id, park_code, kind, code, linked, operation, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [.int(ids.next(now: command.now))] + key + [facility.linked.map { SQLValue($0) } ?? .null, .text(facility.operation), SQLValue(facility.changedAt ?? command.now)])
                if facility.removed {
                    return [SQLStatement("DELETE FROM park_facilities WHERE park_code = ? AND kind = ? AND code = ?", key), history]
                }
                return [SQLStatement(
                    """
                    INSERT INTO park_facilities (park_code, kind, code, name, type, pc_name, linked, is_exit, changed_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (park_code, kind, code) DO UPDATE SET name = excluded.name, type = excluded.type, pc_name = excluded.pc_name,
                        linked = excluded.linked, is_exit = excluded.is_exit, changed_ms = excluded.changed_ms, updated_ms = excluded.updated_ms
                    """,
                    key + [.text(facility.name), .text(facility.type), .text(facility.pcName), facility.linked.map { SQLValue($0) } ?? .null,
                           facility.isExit.map { SQLValue($0) } ?? .null, SQLValue(facility.changedAt), now]), history]
            }
        case .environment(let total, let weather, let situation):
            return [SQLStatement(
                "UPDATE parks SET total_spaces = ?, weather = ?, situation = ?, updated_ms = ? WHERE code = ?",
                [SQLValue(total), .text(weather), .text(situation), now, park])]
        case .remainingSpaces(let empty):
            return [
                SQLStatement("UPDATE parks SET empty_spaces = ?, updated_ms = ? WHERE code = ?", [SQLValue(empty), now, park]),
                SQLStatement(
                    "INSERT INTO park_spaces (id, park_code, at_ms, empty_num, total_num) SELECT ?, code, ?, ?, total_spaces FROM parks WHERE code = ?",
                    [.int(ids.next(now: command.now)), now, SQLValue(empty), park]),
            ]
        }
    }
}

extension SQLStore {
    /// A stay's invoice (31), from the lot or accepted by it from the platform; the first one stays.
    static func invoiceStatement(park: SQLValue, _ invoice: InvoiceIssued, source: String, now: SQLValue) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO parking_invoices (park_code, record_code, invoice_code, payment_fen, source, at_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (park_code, record_code) DO NOTHING
            """,
            [park, .text(invoice.recordCode), .text(invoice.invoiceCode), .int(invoice.payment.fen), .text(source), now])
    }

    /// A prepayment (10), from the lot or pushed by the platform and accepted; by `orderCode`.
    static func prepaymentStatement(park: SQLValue, _ pay: Prepayment, source: String, now: SQLValue) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO prepayments (park_code, order_code, record_code, plate, car_color, entry_ms, predicted_exit_ms, order_fen, real_pay_fen,
                discount_fen, discount_type, coupon_name, discount_detail, cashier, terminal_code, phone, pay_type, source, at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (park_code, order_code) DO UPDATE SET real_pay_fen = excluded.real_pay_fen, discount_fen = excluded.discount_fen,
                order_fen = excluded.order_fen, at_ms = excluded.at_ms
            """,
            [park, .text(pay.orderCode), .text(pay.recordCode), .text(pay.plate), .text(pay.carColor), SQLValue(pay.entryTime),
             SQLValue(pay.predictedExit), .int(pay.orderMoney.fen), .int(pay.realPayMoney.fen), .int(pay.discountMoney.fen),
             .text(pay.discountType), .text(pay.couponName), .text(pay.discountDetail), .text(pay.cashier), .text(pay.terminalCode),
             .text(pay.phoneNumber), .text(pay.payType), .text(source), now])
    }

    public func savePlatformPrepayment(parkCode: String, _ pay: Prepayment, at: Date) async throws {
        let statement = Self.prepaymentStatement(park: .text(parkCode), pay, source: "platform", now: SQLValue(at))
        try await database.execute(statement.sql, statement.binds)
    }

    public func savePlatformInvoice(parkCode: String, _ invoice: InvoiceIssued, at: Date) async throws {
        let statement = Self.invoiceStatement(park: .text(parkCode), invoice, source: "platform", now: SQLValue(at))
        try await database.execute(statement.sql, statement.binds)
    }
}

/// What a batch of parking reports needs to know before it is planned, in a few queries for the
/// whole batch (one per table and park) instead of four per report: the stored answer of each
/// `oprNum`, each record, each record's invoice, the parks' totals, and for a reconciliation
/// ParkGate's own figures of its day.
struct BatchReads {
    struct Found {
        var request: SQLRow?
        var record: SQLRow?
        var total: Int64?
        var invoice: String?
        var ours: SQLRow?
    }

    let commands: [ParkingCommand]
    private(set) var statements: [SQLStatement] = []
    /// Per park (sorted): the indexes of its request, record and invoice queries.
    private var perPark: [(park: String, requests: Int, records: Int?, invoices: Int?)] = []
    /// With `arrays`: the indexes of the one request, record and invoice query of all parks,
    /// whose rows name their park.
    private var allParks: (requests: Int, records: Int, invoices: Int?)?
    private var parksQuery: Int?
    /// Per command: the index of its reconciliation query.
    private var reconciliation: [Int: Int] = [:]

    /// With `arrays` (PostgreSQL) the requests, records and invoices of all parks are read by
    /// (park, key) pairs bound as two arrays: one text whatever the batch, prepared once per
    /// connection; the requests and records through functions whose plans are made once (see
    /// migration 0024), where the lists of values cost PostgreSQL a plan per batch (the largest
    /// planning cost of a T/CPMI batch in `pg_stat_statements`, ~0.35 ms a call).
    init(_ commands: [ParkingCommand], arrays: Bool = false) {
        self.commands = commands
        if arrays {
            readByArrays()
        } else {
            readByLists()
        }
        addParkSizesAndReconciliations()
    }

    private mutating func readByArrays() {
        func pairs(_ keyed: [(park: String, key: String)]) -> [SQLValue] {
            let unique = Array(Set(keyed.map { [$0.park, $0.key] }))
            return [SQLStatement.arrayLiteral(unique.map { .text($0[0]) }, type: "text"),
                    SQLStatement.arrayLiteral(unique.map { .text($0[1]) }, type: "text")].map { .text($0 ?? "{}") }
        }
        // Functions of migration 0024 (their plans are made once per connection).
        let requests = statements.count
        statements.append(Self.prepared(
            "SELECT * FROM parkgate_cpmi_requests(?::text[], ?::text[])", pairs(commands.map { ($0.parkCode, $0.oprNum) })))
        let records = statements.count
        statements.append(Self.prepared(
            "SELECT * FROM parkgate_cpmi_records(?::text[], ?::text[])",
            pairs(commands.compactMap { command in
                guard Self.readsRecord(command.report), let code = command.recordCode else { return nil }
                return (command.parkCode, code)
            })))
        let invoiced = commands.compactMap { command -> (park: String, key: String)? in
            guard case .invoice = command.report, let code = command.recordCode else { return nil }
            return (command.parkCode, code)
        }
        var invoices: Int?
        if !invoiced.isEmpty {
            invoices = statements.count
            statements.append(Self.prepared(
                """
                SELECT i.park_code, i.record_code, i.invoice_code FROM unnest(?::text[], ?::text[]) AS k(park, code)
                JOIN parking_invoices i ON i.park_code = k.park AND i.record_code = k.code
                """, pairs(invoiced)))
        }
        allParks = (requests, records, invoices)
    }

    static func prepared(_ sql: String, _ binds: [SQLValue]) -> SQLStatement {
        var statement = SQLStatement(sql, binds)
        statement.prepared = true
        return statement
    }

    private mutating func readByLists() {
        let parks = Set(commands.map(\.parkCode)).sorted()
        for park in parks {
            let mine = commands.filter { $0.parkCode == park }
            let requests = statements.count
            // The stored answer of an oprNum is its raw message's (the raw_messages_key index
            // leads with message_id), with its repeats if it was repeated before.
            statements.append(Self.select(
                """
                SELECT m.message_id AS opr_num, m.answer, m.received_ms, r.repeats, r.first_ms
                FROM raw_messages m LEFT JOIN cpmi_repeats r ON r.park_code = m.sender AND r.opr_num = m.message_id
                WHERE m.sender = ? AND m.protocol = 'cpmi' AND m.answer IS NOT NULL AND m.message_id
                """, park, mine.map(\.oprNum)))
            // Only what the rules and the statements consult: an entry upserts its record without
            // looking at it, and only an e-invoice (31) asks whether its record has an invoice.
            let codes = Array(Set(mine.filter { Self.readsRecord($0.report) }.compactMap(\.recordCode)))
            let invoiced = Array(Set(mine.compactMap { command -> String? in
                if case .invoice = command.report { return command.recordCode }
                return nil
            }))
            var records: Int?, invoices: Int?
            if !codes.isEmpty {
                records = statements.count
                // Joined to the codes rather than `record_code IN (…)`: without statistics (a young
                // table) PostgreSQL took parking_records_inside (park_code, status) for that and
                // filtered every record of the park; the join looks each code up by primary key.
                statements.append(SQLStatement(
                    "SELECT r.* FROM (VALUES " + codes.map { _ in "(?)" }.joined(separator: ", ")
                        + ") AS k JOIN parking_records r ON r.park_code = ? AND r.record_code = k.column1",
                    codes.map { .text($0) } + [.text(park)]))
            }
            if !invoiced.isEmpty {
                invoices = statements.count
                statements.append(Self.select(
                    "SELECT record_code, invoice_code FROM parking_invoices WHERE park_code = ? AND record_code", park, invoiced))
            }
            perPark.append((park, requests, records, invoices))
        }
    }

    private mutating func addParkSizesAndReconciliations() {
        // The parks' sizes, for remaining spaces (7) only.
        let counted = Set(commands.compactMap { command -> String? in
            if case .remainingSpaces = command.report { return command.parkCode }
            return nil
        }).sorted()
        if !counted.isEmpty {
            parksQuery = statements.count
            statements.append(SQLStatement(
                "SELECT code, total_spaces FROM parks WHERE code IN \(SQLStore.placeholders(counted.count))", counted.map { .text($0) }))
        }
        for (index, command) in commands.enumerated() {
            guard case .reconciliation(let day) = command.report else { continue }
            reconciliation[index] = statements.count
            statements.append(SQLStatement(
                """
                SELECT count(*) AS n, CAST(COALESCE(SUM(pay_fen), 0) AS BIGINT) AS pay,
                    CAST(COALESCE(SUM(income_fen), 0) AS BIGINT) AS income, CAST(COALESCE(SUM(discount_fen), 0) AS BIGINT) AS discount
                FROM parking_records WHERE park_code = ? AND status = 'exited' AND out_ms >= ? AND out_ms < ?
                """, [.text(command.parkCode), SQLValue(day.dayStart), SQLValue(day.dayEnd)]))
        }
    }

    /// Whether the rules or the statements of this report consult its stored record.
    static func readsRecord(_ report: ParkingReport) -> Bool {
        switch report {
        case .entry, .images: false
        default: true
        }
    }

    /// `prefix IN (?, …)` with the park first.
    static func select(_ prefix: String, _ park: String, _ keys: [String]) -> SQLStatement {
        SQLStatement(prefix + " IN (" + keys.map { _ in "?" }.joined(separator: ", ") + ")", [.text(park)] + keys.map { .text($0) })
    }

    /// Each command's rows, in the commands' order.
    func assemble(_ rows: [[SQLRow]]) -> [Found] {
        var requests: [String: [String: SQLRow]] = [:], records: [String: [String: SQLRow]] = [:], invoices: [String: [String: String]] = [:]
        if let allParks {
            for row in rows[allParks.requests] { requests[row.text("park_code") ?? "", default: [:]][row.text("opr_num") ?? ""] = row }
            for row in rows[allParks.records] { records[row.text("park_code") ?? "", default: [:]][row.text("record_code") ?? ""] = row }
            for row in allParks.invoices.map({ rows[$0] }) ?? [] {
                invoices[row.text("park_code") ?? "", default: [:]][row.text("record_code") ?? ""] = row.text("invoice_code") ?? ""
            }
        }
        for entry in perPark {
            requests[entry.park] = Dictionary(rows[entry.requests].map { ($0.text("opr_num") ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            if let index = entry.records {
                records[entry.park] = Dictionary(rows[index].map { ($0.text("record_code") ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            }
            if let index = entry.invoices {
                invoices[entry.park] = Dictionary(
                    rows[index].map { ($0.text("record_code") ?? "", $0.text("invoice_code") ?? "") }, uniquingKeysWith: { first, _ in first })
            }
        }
        let totals = Dictionary(
            (parksQuery.map { rows[$0] } ?? []).map { ($0.text("code") ?? "", $0.int("total_spaces")) }, uniquingKeysWith: { first, _ in first })
        return commands.enumerated().map { index, command in
            let code = command.recordCode
            return Found(
                request: requests[command.parkCode]?[command.oprNum],
                record: code.flatMap { records[command.parkCode]?[$0] },
                total: totals[command.parkCode] ?? nil,
                invoice: code.flatMap { invoices[command.parkCode]?[$0] },
                ours: reconciliation[index].flatMap { rows[$0].first })
        }
    }
}
