import Foundation
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The `Store` contract, run unchanged against SQLite and PostgreSQL.
extension Backend: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

@Suite struct StoreContractTests {
    static let base = Date(timeIntervalSince1970: 1_700_000_000)

    static func command(
        _ flowId: String, kind: Observation, ps: String = "P1", plate: String? = nil, at offset: TimeInterval = 0,
        vendor: String = "109", dev: String = "D1", entry: Date? = nil, hash: String? = nil
    ) -> IngestCommand {
        let event = DetectionEvent(
            protocolName: "roadside", messageId: flowId, vendor: vendor, deviceCode: dev,
            berth: BerthKey(parkCode: "PK", psCode: ps), observation: kind, plate: plate.map { Plate(number: $0, kind: "02") },
            eventTime: base.addingTimeInterval(offset), eventTimeText: "x", entryTime: entry, receivedAt: base.addingTimeInterval(offset))
        let raw = RawMessage(
            protocolName: "roadside", sender: vendor, interface: "/park/camera", messageId: flowId,
            contentHash: hash ?? flowId, body: "{}", receivedAt: base.addingTimeInterval(offset))
        return IngestCommand(raw: raw, event: event, findings: [])
    }

    @Test(arguments: Backend.available)
    func vendorsSeedAndUpdate(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await store.seedVendors(RoadsideVendorTable.rows, at: Self.base)
            try await store.seedVendors(RoadsideVendorTable.rows, at: Self.base)
            var vendors = try await store.vendors()
            #expect(vendors.count == 12)
            #expect(vendors.allSatisfy { $0.keyHash == nil })
            var vendor = try #require(try await store.vendor(code: "102"))
            #expect(vendor.category == .geomagnetic)
            vendor.keyHash = "abc"
            vendor.rateLimit = 5
            vendor.strict = true
            try await store.saveVendor(vendor)
            vendors = try await store.vendors()
            let saved = try #require(vendors.first { $0.code == "102" })
            #expect(saved.keyHash == "abc" && saved.rateLimit == 5 && saved.strict)
        }
    }

    @Test(arguments: Backend.available)
    func tokensAndUsers(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let token = TokenRecord(token: "T1", kind: "roadside", subject: "102", issuedAt: Self.base, expiresAt: Self.base.addingTimeInterval(60))
            try await store.insertToken(token)
            #expect(try await store.token("T1") == token)
            #expect(try await store.token("T2") == nil)
            #expect(try await store.deleteTokens(expiredBefore: Self.base.addingTimeInterval(61)) == 1)
            #expect(try await store.token("T1") == nil)
            try await store.saveUser(UserRecord(username: "a", passwordHash: "h", role: "admin", createdAt: Self.base))
            #expect(try await store.user(named: "a")?.role == "admin")
        }
    }

    @Test(arguments: Backend.available)
    func ingestIsIdempotentAndBuildsSessions(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let outcomes = try await store.ingest([
                Self.command("F1", kind: .passage(entering: true), plate: "京A12345"),
                Self.command("F1", kind: .passage(entering: true), plate: "京A12345"),
                Self.command("F2", kind: .passage(entering: false), plate: "京A12345", at: 600),
            ])
            #expect(outcomes.count == 3)
            guard case .stored = outcomes[0], case .duplicate(sameContent: true) = outcomes[1], case .stored = outcomes[2] else {
                Issue.record("unexpected outcomes \(outcomes)")
                return
            }
            // A repeat in a later batch, with different content, keeps the first copy.
            let again = try await store.ingest([Self.command("F1", kind: .passage(entering: false), hash: "other")])
            #expect(again == [.duplicate(sameContent: false)])
            let events = try await store.events(EventQuery())
            #expect(events.items.count == 2)
            let sessions = try await store.sessions(SessionQuery())
            #expect(sessions.items.count == 1)
            let session = try #require(sessions.items.first)
            #expect(session.status == "closed")
            #expect(session.durationSeconds == 600)
            #expect(session.plate == "京A12345")
            let findings = try await store.findings(sender: "109", protocolName: "roadside")
            #expect(findings.map(\.rule).contains { $0.contains("reused") })
            let berth = try #require(try await store.berths(BerthQuery(parkCode: "PK")).first)
            #expect(!berth.occupied)
        }
    }

    /// Batches of distinct berths go to PostgreSQL as one statement (`SQLStatement.folded`);
    /// one with a superseded session may not (the open sessions' unique index needs the old one
    /// closed first). Both must end as they would one message at a time.
    @Test(arguments: Backend.available)
    func batchesOfDistinctBerthsAndASupersededSession(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let entries = (1...8).map { Self.command("N\($0)", kind: .passage(entering: true), ps: "P\($0)", plate: "京A0000\($0)", dev: "D\($0)") }
            #expect(try await store.ingest(entries).allSatisfy { if case .stored = $0 { true } else { false } })
            // Another vehicle on P1 (its exit unseen) and exits on P2…P8, one batch.
            let next = [Self.command("M1", kind: .passage(entering: true), ps: "P1", plate: "京B99999", at: 60, dev: "D1")]
                + (2...8).map { Self.command("X\($0)", kind: .passage(entering: false), ps: "P\($0)", plate: "京A0000\($0)", at: 120, dev: "D\($0)") }
            #expect(try await store.ingest(next).allSatisfy { if case .stored = $0 { true } else { false } })
            let sessions = try await store.sessions(SessionQuery()).items
            #expect(sessions.count == 9)
            #expect(sessions.filter { $0.status == "superseded" }.map(\.plate) == ["京A00001"])
            #expect(sessions.filter { $0.status == "open" }.map(\.plate) == ["京B99999"])
            #expect(sessions.filter { $0.status == "closed" }.allSatisfy { $0.durationSeconds == 120 })
            let devices = try await store.devices(DeviceQuery())
            #expect(devices.count == 8 && devices.allSatisfy { $0.messages == 2 })
            let berths = try await store.berths(BerthQuery(parkCode: "PK"))
            #expect(berths.filter(\.occupied).map(\.psCode) == ["P1"])
            #expect(try await store.events(EventQuery()).items.count == 16)
        }
    }

    /// A batch that closes several sessions and opens none over them (on PostgreSQL one
    /// statement: the closes as one update of arrays): each session gets its own exit, and keeps
    /// its entry's plate or, having none, takes its exit's.
    @Test(arguments: Backend.available)
    func aBatchOfExitsClosesEachSessionWithItsOwnValues(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let plates: [String?] = ["京A00001", nil, "京A00003", nil]
            let entries = (1...4).map { Self.command("N\($0)", kind: .passage(entering: true), ps: "P\($0)", plate: plates[$0 - 1], dev: "D\($0)") }
            #expect(try await store.ingest(entries).allSatisfy { if case .stored = $0 { true } else { false } })
            let exits = (1...4).map {
                Self.command("X\($0)", kind: .passage(entering: false), ps: "P\($0)", plate: $0 % 2 == 0 ? "沪B0000\($0)" : nil,
                             at: TimeInterval(60 * $0), dev: "D\($0)")
            }
            #expect(try await store.ingest(exits).allSatisfy { if case .stored = $0 { true } else { false } })
            let sessions = try await store.sessions(SessionQuery()).items.sorted { $0.psCode < $1.psCode }
            #expect(sessions.map(\.status) == ["closed", "closed", "closed", "closed"])
            #expect(sessions.map(\.plate) == ["京A00001", "沪B00002", "京A00003", "沪B00004"])
            #expect(sessions.map(\.durationSeconds) == [60, 120, 180, 240])
            #expect(sessions.map(\.exitTime) == (1...4).map { Self.base.addingTimeInterval(TimeInterval(60 * $0)) })
            #expect(sessions.allSatisfy { $0.entryTime == Self.base })
            let berths = try await store.berths(BerthQuery(parkCode: "PK"))
            #expect(berths.count == 4 && berths.allSatisfy { !$0.occupied })
        }
    }

    @Test(arguments: Backend.available)
    func exitCarryingInTimeWithoutEntryRecordsClosedSession(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            _ = try await store.ingest([
                Self.command("E1", kind: .passage(entering: false), plate: "沪B1", at: 3600, entry: Self.base)
            ])
            let session = try #require(try await store.sessions(SessionQuery()).items.first)
            #expect(session.status == "closed")
            #expect(session.durationSeconds == 3600)
            #expect(session.entryTime == Self.base)
        }
    }

    @Test(arguments: Backend.available)
    func lateEventsDoNotTurnBerthBack(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            _ = try await store.ingest([Self.command("M2", kind: .occupancy(occupied: true), at: 100)])
            _ = try await store.ingest([Self.command("M1", kind: .occupancy(occupied: false), at: 50)])
            let berth = try #require(try await store.berths(BerthQuery()).first)
            #expect(berth.occupied)
            #expect(try await store.events(EventQuery()).items.count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func alarmsLinkToPassagesAndDevicesGoOfflineAndBack(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            _ = try await store.ingest([
                Self.command("10910000000000000007", kind: .passage(entering: true), plate: "A1"),
                Self.command("10940000000000000007", kind: .parkingAlarm(code: "1", level: "2"), at: 5),
            ])
            let parking = try #require(try await store.alarms(AlarmQuery(kind: "parking")).items.first)
            let entry = try #require(try await store.events(EventQuery(kind: "entry")).items.first)
            #expect(parking.eventId == entry.id)

            let offline = try await store.markSilentDevicesOffline(silentSince: Self.base.addingTimeInterval(10), now: Self.base.addingTimeInterval(20))
            #expect(offline.map(\.devCode) == ["D1"])
            #expect(try await store.devices(DeviceQuery(online: false)).count == 1)
            #expect(try await store.alarms(AlarmQuery(kind: "device-offline", status: "open")).items.count == 1)
            // Repeating the sweep raises nothing new.
            #expect(try await store.markSilentDevicesOffline(silentSince: Self.base.addingTimeInterval(10), now: Self.base.addingTimeInterval(30)).isEmpty)

            _ = try await store.ingest([Self.command("X3", kind: .occupancy(occupied: true), at: 40)])
            #expect(try await store.devices(DeviceQuery(online: true)).count == 1)
            #expect(try await store.alarms(AlarmQuery(kind: "device-offline", status: "open")).items.isEmpty)
            #expect(try await store.alarms(AlarmQuery(kind: "device-offline", status: "cleared")).items.count == 1)

            // An alarm that comes before its passage is linked when the passage comes, in a later
            // batch or later in the same one (on another berth: a passage only links its own).
            _ = try await store.ingest([Self.command("10940000000000000008", kind: .parkingAlarm(code: "1", level: "2"), ps: "P2", at: 50)])
            let eventOf = { (flowId: String) in
                try await store.alarms(AlarmQuery(kind: "parking")).items.first { $0.flowId == flowId }?.eventId
            }
            #expect(try await eventOf("10940000000000000008") == nil)
            _ = try await store.ingest([Self.command("10910000000000000008", kind: .passage(entering: true), ps: "P2", plate: "A2", at: 51)])
            let linked = try await store.events(EventQuery(flowId: "10910000000000000008")).items.first?.id
            let linkedAlarm = try await eventOf("10940000000000000008")
            #expect(linked != nil && linkedAlarm == linked)
            _ = try await store.ingest([
                Self.command("10940000000000000009", kind: .parkingAlarm(code: "1", level: "2"), ps: "P3", at: 52),
                Self.command("10910000000000000009", kind: .passage(entering: true), ps: "P3", plate: "A3", at: 53),
            ])
            let linkedInBatch = try await store.events(EventQuery(flowId: "10910000000000000009")).items.first?.id
            let linkedInBatchAlarm = try await eventOf("10940000000000000009")
            #expect(linkedInBatch != nil && linkedInBatchAlarm == linkedInBatch)

            // A device error and a normal message of the device in one batch: the message clears it.
            _ = try await store.ingest([
                Self.command("X5", kind: .deviceError(code: "0"), at: 60, dev: "D2"),
                Self.command("X6", kind: .occupancy(occupied: false), ps: "P4", at: 61, dev: "D2"),
            ])
            #expect(try await store.alarms(AlarmQuery(kind: "device-error", status: "open")).items.isEmpty)
            #expect(try await store.alarms(AlarmQuery(kind: "device-error", status: "cleared")).items.count == 1)
            // And one that stays: an error with no later message.
            _ = try await store.ingest([Self.command("X7", kind: .deviceError(code: "0"), at: 70, dev: "D3")])
            #expect(try await store.alarms(AlarmQuery(kind: "device-error", status: "open")).items.map(\.devCode) == ["D3"])
        }
    }

    /// One batch in which messages repeat a device, a berth and a finding (on PostgreSQL the batch's
    /// inserts and upserts become multi-row statements, which may not touch a row twice).
    @Test(arguments: Backend.available)
    func aBatchThatRepeatsDevicesBerthsAndFindings(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let finding = Finding(protocolName: "roadside", sender: "109", interface: "/park/camera", field: "flowId", rule: "short", example: "x")
            func withFinding(_ command: IngestCommand) -> IngestCommand {
                var command = command
                command.findings = [finding]
                return command
            }
            let outcomes = try await store.ingest([
                withFinding(Self.command("B1", kind: .occupancy(occupied: true), ps: "P1", at: 1)),
                Self.command("B2", kind: .occupancy(occupied: true), ps: "P2", at: 1, dev: "D2"),
                withFinding(Self.command("B3", kind: .occupancy(occupied: false), ps: "P1", at: 2)),
                Self.command("B1", kind: .occupancy(occupied: false), ps: "P1", at: 3, hash: "other"),
                withFinding(Self.command("B4", kind: .occupancy(occupied: true), ps: "P1", at: 4)),
                Self.command("B5", kind: .occupancy(occupied: false), ps: "P2", at: 5, dev: "D2"),
            ])
            #expect(outcomes.filter { if case .stored = $0 { true } else { false } }.count == 5)
            let devices = try await store.devices(DeviceQuery()).sorted { $0.devCode < $1.devCode }
            #expect(devices.map(\.devCode) == ["D1", "D2"] && devices.map(\.messages) == [3, 2])
            let berths = try await store.berths(BerthQuery()).sorted { $0.psCode < $1.psCode }
            #expect(berths.map(\.occupied) == [true, false], "P1 occupied again by B4, P2 left by B5")
            let sessions = try await store.sessions(SessionQuery()).items
            #expect(sessions.filter { $0.psCode == "P1" }.map(\.status).sorted() == ["closed", "open"])
            #expect(sessions.filter { $0.psCode == "P2" }.map(\.status) == ["closed"])
            let findings = try await store.findings(sender: "109", protocolName: "roadside")
            #expect(findings.first { $0.rule == "short" }?.count == 3)
            #expect(findings.contains { $0.rule.contains("message id reused") }, "B1 again with other content")
        }
    }

    /// Park P1 (10 spaces, no signature), for the T/CPMI store tests.
    static func saveParkP1(_ store: SQLStore) async throws {
        try await store.savePark(ParkRecord(
            code: "P1", name: "一号", totalSpaces: 10, account: "lot", passwordHash: "x", secret: nil, signatureOn: false,
            createdAt: base, updatedAt: base))
    }

    /// Two reports of one batch with the same finding (a lenient lot repeating a nonconforming
    /// value): both stored, the finding counted twice.
    @Test(arguments: Backend.available)
    func parkingReportsOfABatchMayShareAFinding(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await Self.saveParkP1(store)
            let finding = Finding(protocolName: "cpmi", sender: "P1", interface: "8", field: "x", rule: "not in the code list", example: "9")
            let commands = (1...3).map { index in
                var command = ParkingCommand(
                    parkCode: "P1", oprNum: "H\(index)", code: "8", report: .heartbeat,
                    raw: RawMessage(protocolName: "cpmi", sender: "P1", interface: "8", messageId: "H\(index)", contentHash: "h\(index)",
                                    body: "{}", receivedAt: Self.base),
                    now: Self.base.addingTimeInterval(Double(index))) { "{}" }
                command.findings = [finding]
                return command
            }
            let outcomes = try await store.recordParkingBatch(commands)
            #expect(outcomes == Array(repeating: .accepted(answer: "{}"), count: 3))
            #expect(try await store.findings(sender: "P1", protocolName: "cpmi").first?.count == 3)
        }
    }

    /// Batches of entries and exits (on PostgreSQL as multi-row statements, split into runs where
    /// reports share a finding): every record, raw message and answer as if each report had come
    /// alone, and repeats replayed from the stored answers.
    @Test(arguments: Backend.available)
    func batchesOfEntriesAndExits(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await Self.saveParkP1(store)
            func command(_ opr: String, _ report: ParkingReport, finding: Bool = false) -> ParkingCommand {
                var command = ParkingCommand(
                    parkCode: "P1", oprNum: opr, code: "2", report: report,
                    raw: RawMessage(protocolName: "cpmi", sender: "P1", interface: "2", messageId: opr, contentHash: opr, body: "{'\(opr)'}",
                                    receivedAt: Self.base),
                    now: Self.base) { "answer of \(opr)" }
                if finding {
                    command.findings = [Finding(protocolName: "cpmi", sender: "P1", interface: "2", field: "carColor", rule: "not in the code list", example: "紫")]
                }
                return command
            }
            func entry(_ record: String, minute: Double) -> ParkingReport {
                .entry(ParkingEntry(recordCode: record, plate: "京A\(record)", inCross: "IN1", inTime: Self.base.addingTimeInterval(minute * 60),
                                    inTimeText: "t", inIdentity: nil, carColor: "蓝", operatorName: "o"))
            }
            func exit(_ record: String) -> ParkingReport {
                .exit(ParkingExit(recordCode: record, plate: "京A\(record)", inCross: "IN1", outCross: "OUT1", inTime: nil, inTimeText: "",
                                  outTime: Self.base.addingTimeInterval(3_600), outTimeText: "t2", inIdentity: nil, outIdentity: "2",
                                  parkMinutes: nil, carColor: "蓝", chargeStatus: "1", payMoney: Money(fen: 500), discountMoney: Money(fen: 0),
                                  incomeMoney: Money(fen: 500), paymentMode: nil, payOrigin: nil, exitType: "0", operatorName: "o"))
            }
            let first = try await store.recordParkingBatch((1...4).map { command("E\($0)", entry("R\($0)", minute: Double($0))) })
            #expect(first == (1...4).map { .accepted(answer: "answer of E\($0)") })
            // Exits of two of them with two new entries; then a batch whose entries share a finding.
            let second = try await store.recordParkingBatch([
                command("X1", exit("R1")), command("E5", entry("R5", minute: 5)), command("X2", exit("R2")), command("E6", entry("R6", minute: 6)),
            ])
            #expect(second == ["X1", "E5", "X2", "E6"].map { .accepted(answer: "answer of \($0)") })
            let third = try await store.recordParkingBatch([
                command("E7", entry("R7", minute: 7), finding: true), command("E8", entry("R8", minute: 8), finding: true), command("X3", exit("R3")),
            ])
            #expect(third == ["E7", "E8", "X3"].map { .accepted(answer: "answer of \($0)") })
            let records = try await store.parkingRecords(parkCode: "P1", status: nil, plate: nil, limit: 100, before: nil)
            #expect(records.count == 8)
            #expect(Set(records.filter { $0.status == "exited" }.map(\.recordCode)) == ["R1", "R2", "R3"])
            let r2 = try await store.parkingRecord(parkCode: "P1", recordCode: "R2")
            #expect(r2?.parkMinutes == 58 && r2?.incomeMoney == "5.00", "minutes from the stored entry (minute 2) to the exit (minute 60)")
            #expect(try await store.findings(sender: "P1", protocolName: "cpmi").first?.count == 2)
            #expect(try await store.counts().rawMessages == 11)
            // Each request's answer was stored with it: repeats replay it, alone or in a batch.
            let again = try await store.recordParkingBatch([command("E5", entry("R5", minute: 5)), command("X3", exit("R3"))])
            #expect(again == [.replayed(answer: "answer of E5"), .replayed(answer: "answer of X3")])
            #expect(try await store.counts().rawMessages == 11)
        }
    }

    /// A batch of two parks whose lots use the same oprNums and record codes (both are only unique
    /// within a park): each report reads its own park's request and record (PostgreSQL reads all
    /// parks at once by (park, key) pairs), a repeat replays its own park's answer, and an exit
    /// takes its own park's entry time.
    @Test(arguments: Backend.available)
    func aBatchOfTwoParksReadsEachParksOwn(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await Self.saveParkP1(store)
            try await store.savePark(ParkRecord(
                code: "P2", name: "二号", totalSpaces: 10, account: "lot2", passwordHash: "x", secret: nil, signatureOn: false,
                createdAt: Self.base, updatedAt: Self.base))
            func command(_ park: String, _ opr: String, _ report: ParkingReport) -> ParkingCommand {
                ParkingCommand(
                    parkCode: park, oprNum: opr, code: "2", report: report,
                    raw: RawMessage(protocolName: "cpmi", sender: park, interface: "2", messageId: opr, contentHash: park + opr, body: "{}",
                                    receivedAt: Self.base),
                    now: Self.base) { "answer of \(park) \(opr)" }
            }
            func entry(minute: Double) -> ParkingReport {
                .entry(ParkingEntry(recordCode: "R1", plate: "京A1", inCross: "IN1", inTime: Self.base.addingTimeInterval(minute * 60),
                                    inTimeText: "t", inIdentity: nil, carColor: "蓝", operatorName: "o"))
            }
            let exit = ParkingReport.exit(ParkingExit(
                recordCode: "R1", plate: "京A1", inCross: "IN1", outCross: "OUT1", inTime: nil, inTimeText: "",
                outTime: Self.base.addingTimeInterval(3_600), outTimeText: "t2", inIdentity: nil, outIdentity: "2", parkMinutes: nil,
                carColor: "蓝", chargeStatus: "1", payMoney: Money(fen: 500), discountMoney: Money(fen: 0), incomeMoney: Money(fen: 500),
                paymentMode: nil, payOrigin: nil, exitType: "0", operatorName: "o"))
            let first = try await store.recordParkingBatch([command("P1", "A", entry(minute: 0)), command("P2", "A", entry(minute: 30))])
            #expect(first == [.accepted(answer: "answer of P1 A"), .accepted(answer: "answer of P2 A")])
            let second = try await store.recordParkingBatch([command("P1", "B", exit), command("P2", "A", entry(minute: 30)), command("P2", "C", exit)])
            #expect(second == [.accepted(answer: "answer of P1 B"), .replayed(answer: "answer of P2 A"), .accepted(answer: "answer of P2 C")])
            #expect(try await store.parkingRecord(parkCode: "P1", recordCode: "R1")?.parkMinutes == 60)
            #expect(try await store.parkingRecord(parkCode: "P2", recordCode: "R1")?.parkMinutes == 30)
            #expect(try await store.counts().rawMessages == 4)
        }
    }

    /// Reports of one batch that upsert the same row by a key of their own (a lot sending one
    /// picture, prepayment or device status twice, concurrently under two `oprNum`s): all
    /// accepted, the later one's values kept. On PostgreSQL one multi-row upsert may not touch a
    /// row twice (SQLSTATE 21000), which failed the whole batch before their keys were conflict
    /// keys; the writer also keeps such reports in separate batches.
    @Test(arguments: Backend.available)
    func reportsOfABatchThatUpsertOneRow(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await Self.saveParkP1(store)
            func command(_ opr: String, _ code: String, _ report: ParkingReport, at second: Double) -> ParkingCommand {
                ParkingCommand(
                    parkCode: "P1", oprNum: opr, code: code, report: report,
                    raw: RawMessage(protocolName: "cpmi", sender: "P1", interface: code, messageId: opr, contentHash: opr, body: "{}",
                                    receivedAt: Self.base),
                    now: Self.base.addingTimeInterval(second)) { "answer of \(opr)" }
            }
            func image(_ blob: String) -> ParkingReport {
                .images([ParkingImage(recordCode: "R1", imageCode: "I1", imageType: nil, blob: blob, bytes: blob.count)])
            }
            func prepayment(_ fen: Int64) -> ParkingReport {
                .prepayment(Prepayment(orderCode: "O1", recordCode: "R1", plate: "京A1", carColor: "蓝", entryTime: nil, predictedExit: nil,
                                       orderMoney: Money(fen: fen), realPayMoney: Money(fen: fen), discountMoney: Money(fen: 0), discountType: "",
                                       couponName: "", discountDetail: "", cashier: "c", terminalCode: "t", phoneNumber: "", payType: "1"))
            }
            func equipment(_ linked: Bool) -> ParkingReport {
                .facilities([Facility(kind: .equipment, code: "EQ1", name: "道闸", type: "1", pcName: "PC1", linked: linked, changedAt: nil,
                                      removed: false, operation: "1")])
            }
            let commands = [
                command("A", "5", image("blob-a"), at: 1), command("B", "5", image("blob-b"), at: 2),
                command("C", "10", prepayment(300), at: 3), command("D", "10", prepayment(500), at: 4),
                command("E", "24", equipment(false), at: 5), command("F", "24", equipment(true), at: 6),
            ]
            for pair in stride(from: 0, to: commands.count, by: 2) {
                #expect(Set(commands[pair].conflictKeys).intersection(commands[pair + 1].conflictKeys).count == 1,
                        "the writer puts \(commands[pair].oprNum) and \(commands[pair + 1].oprNum) in different batches")
            }
            let outcomes = try await store.recordParkingBatch(commands)
            #expect(outcomes == commands.map { .accepted(answer: "answer of \($0.oprNum)") })
            #expect(try await store.parkingImages(parkCode: "P1", recordCode: "R1").map(\.blob) == ["blob-b"])
            #expect(try await store.prepaidTotal(parkCode: "P1", recordCode: "R1") == Money(fen: 500))
            #expect(try await store.facilities(parkCode: "P1").map(\.linked) == [true])
            #expect(try await store.counts().rawMessages == 6)
        }
    }

    /// Answers stored before migration 0023 (in `cpmi_requests`) move to their raw messages:
    /// a repeat still gets its first answer, and the repeats counted so far still count.
    @Test(arguments: Backend.available)
    func cpmiAnswersOfTheOldSchemaStillReplay(backend: Backend) async throws {
        try await TestDatabases.withUnmigrated(backend) { database in
            try await database.migrate(Array(Schema.migrations.prefix { $0.name != "0023-cpmi-answers" }))
            let store = SQLStore(database: database, logger: TestDatabases.logger)
            try await Self.saveParkP1(store)
            let ms = Int64(Self.base.timeIntervalSince1970 * 1000)
            try await database.transaction([
                SQLStatement(
                    """
                    INSERT INTO raw_messages (id, protocol, sender, interface, message_id, content_hash, body, received_ms)
                    VALUES (1, 'cpmi', 'P1', '8', 'H1', 'h1', '{}', ?), (2, 'cpmi', 'P1', '8', 'H2', 'h2', '{}', ?)
                    """, [.int(ms), .int(ms)]),
                SQLStatement(
                    """
                    INSERT INTO cpmi_requests (park_code, opr_num, code, answer, repeats, first_ms, last_ms)
                    VALUES ('P1', 'H1', '8', 'first answer of H1', 4, ?, ?), ('P1', 'H2', '8', 'first answer of H2', 0, ?, ?)
                    """, [.int(ms), .int(ms + 60_000), .int(ms), .int(ms)]),
            ])
            try await store.migrate()
            func heartbeat(_ opr: String, after seconds: Double) -> ParkingCommand {
                ParkingCommand(
                    parkCode: "P1", oprNum: opr, code: "8", report: .heartbeat,
                    raw: RawMessage(protocolName: "cpmi", sender: "P1", interface: "8", messageId: opr, contentHash: "h", body: "{}",
                                    receivedAt: Self.base.addingTimeInterval(seconds)),
                    now: Self.base.addingTimeInterval(seconds)) { "a new answer" }
            }
            // H1 was repeated 4 times within the hour: the fifth repeat is answered, the sixth is not.
            #expect(try await store.recordParking(heartbeat("H1", after: 120)) == .replayed(answer: "first answer of H1"))
            #expect(try await store.recordParking(heartbeat("H1", after: 130)) == .tooManyRepeats)
            #expect(try await store.recordParking(heartbeat("H2", after: 140)) == .replayed(answer: "first answer of H2"))
            #expect(try await store.rawMessage(id: 2)?.answer == "first answer of H2")
            // A new request is stored with its answer; nothing else was.
            #expect(try await store.recordParking(heartbeat("H3", after: 150)) == .accepted(answer: "a new answer"))
            #expect(try await store.recordParking(heartbeat("H3", after: 160)) == .replayed(answer: "a new answer"))
            #expect(try await store.counts().rawMessages == 3)
            // An hour after the first repeat, the count starts again.
            #expect(try await store.recordParking(heartbeat("H1", after: 3_700)) == .replayed(answer: "first answer of H1"))
        }
    }

    @Test(arguments: Backend.available)
    func eventPagingAndFilters(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let batch = (0..<25).map { Self.command("P\($0)", kind: .occupancy(occupied: $0 % 2 == 0), ps: "S\($0 % 5)", at: Double($0)) }
            _ = try await store.ingest(batch)
            var seen: [String] = []
            var cursor: Int64?
            repeat {
                let page = try await store.events(EventQuery(limit: 10, before: cursor))
                seen += page.items.map(\.flowId)
                cursor = page.nextCursor.flatMap(Int64.init)
            } while cursor != nil
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
            #expect(try await store.events(EventQuery(psCode: "S3")).items.count == 5)
            #expect(try await store.events(EventQuery(flowId: "P7")).items.map(\.flowId) == ["P7"])
            let window = try await store.events(EventQuery(from: Self.base.addingTimeInterval(5), to: Self.base.addingTimeInterval(9)))
            #expect(window.items.count == 5)
            let counts = try await store.counts()
            #expect(counts.events == 25 && counts.rawMessages == 25)
        }
    }

    @Test(arguments: Backend.available)
    func hostileTextIsStoredExactly(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let nasty = "x'); DROP TABLE events; -- $pg$ $$ \\' \\n 京A·测试 ? ??"
            _ = try await store.ingest([Self.command("H1", kind: .passage(entering: true), ps: nasty, plate: nasty, dev: nasty)])
            let event = try #require(try await store.events(EventQuery()).items.first)
            #expect(event.psCode == nasty && event.plate == nasty && event.devCode == nasty)
            #expect(try await store.devices(DeviceQuery()).first?.devCode == nasty)
            #expect(try await store.berths(BerthQuery()).first?.psCode == nasty)
            // In a batch (PostgreSQL: one array parameter per column, in PostgreSQL's array text).
            let texts = [nasty, "{a,b}", "\"quoted\"", "back\\slash\\", "NULL", "", " spaced ", "comma, and }", "line\nbreak", "😀 emoji"]
            let batch = texts.enumerated().map { index, text in
                Self.command("B\(index)", kind: .passage(entering: true), ps: "Q\(index)", plate: text, dev: text.isEmpty ? "E" : text + "D")
            }
            #expect(try await store.ingest(batch).allSatisfy { if case .stored = $0 { true } else { false } })
            for (index, text) in texts.enumerated() {
                let stored = try await store.events(EventQuery(flowId: "B\(index)")).items
                #expect(stored.map(\.plate) == [text], "\(text)")
                #expect(stored.map(\.devCode) == [text.isEmpty ? "E" : text + "D"])
            }
        }
    }

    @Test(arguments: Backend.available)
    func downlinkCommandsAndBlacklist(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            var first = ParkCommandRecord(
                id: store.newCommandId(now: t), parkCode: "P1", code: "28", oprNum: "OPR-1", data: #"{"plate":"京A12345"}"#, durable: true,
                status: .queued, requestedBy: "admin", requestedAt: t)
            let second = ParkCommandRecord(
                id: store.newCommandId(now: t), parkCode: "P1", code: "16", oprNum: "OPR-2", data: "{}", durable: true,
                status: .queued, requestedBy: "admin", requestedAt: t, nextAttemptAt: t.addingTimeInterval(60))
            let other = ParkCommandRecord(
                id: store.newCommandId(now: t), parkCode: "P2", code: "21", oprNum: "OPR-3", data: "{}", durable: false,
                status: .sent, requestedBy: "op", requestedAt: t, expiresAt: t.addingTimeInterval(2))
            for command in [first, second, other] { try await store.saveCommand(command) }
            #expect(try await store.command(id: first.id) == first)
            // Due: in request order, not before their next attempt.
            #expect(try await store.dueCommands(parkCode: nil, now: t, limit: 10).map(\.oprNum) == ["OPR-1"])
            #expect(try await store.dueCommands(parkCode: "P1", now: t.addingTimeInterval(61), limit: 10).map(\.oprNum) == ["OPR-1", "OPR-2"])
            #expect(try await store.dueCommands(parkCode: "P2", now: t.addingTimeInterval(61), limit: 10).isEmpty)
            // The reply updates the same row.
            first.status = .succeeded
            first.attempts = 1
            (first.sentAt, first.repliedAt) = (t.addingTimeInterval(1), t.addingTimeInterval(2))
            (first.resultCode, first.resultMessage, first.replyData, first.checked) = ("0000", "成功", #"{"a":"1"}"#, "{}")
            try await store.saveCommand(first)
            #expect(try await store.command(id: first.id) == first)
            #expect(try await store.commands(parkCode: "P1", status: nil, limit: 10, before: nil).map(\.oprNum) == ["OPR-2", "OPR-1"])
            #expect(try await store.commands(parkCode: nil, status: "succeeded", limit: 10, before: nil).map(\.oprNum) == ["OPR-1"])
            #expect(try await store.commands(parkCode: nil, status: nil, limit: 10, before: second.id).map(\.oprNum) == ["OPR-1"])
            // A stopped process: durable `sent` goes back to the queue, the rest time out.
            var interrupted = second
            interrupted.status = .sent
            try await store.saveCommand(interrupted)
            try await store.requeueInterruptedCommands(now: t.addingTimeInterval(100))
            #expect(try await store.command(id: second.id)?.status == .queued)
            let timedOut = try #require(try await store.command(id: other.id))
            #expect(timedOut.status == .timeout && timedOut.error != nil)

            let entry = BlacklistEntry(
                plate: "京A12345", oweMoney: Money(fen: 1250), carType: "1", paymentStatus: "1", source: "rule", note: "欠费",
                createdAt: t, updatedAt: t)
            try await store.saveBlacklistEntry(entry)
            #expect(try await store.blacklistEntry(plate: "京A12345") == entry)
            var removed = entry
            removed.active = false
            removed.updatedAt = t.addingTimeInterval(5)
            try await store.saveBlacklistEntry(removed)
            #expect(try await store.blacklist(activeOnly: true).isEmpty)
            #expect(try await store.blacklist(activeOnly: false) == [removed])
        }
    }

    @Test(arguments: Backend.available)
    func videoLedgerAndAccounts(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            let node = VideoDevice(id: "35020000002000000001", role: "node", kind: "node", name: "节点", createdAt: t, updatedAt: t)
            var camera = VideoDevice(
                id: "35020000001320000001", role: "device", kind: "car", name: "环岛路卡口", nodeId: node.id, place: "环岛路", longitude: "118.1",
                latitude: "24.4", owner: "交警", installed: "2026-01-02", channels: 2, createdAt: t, updatedAt: t)
            try await store.saveVideoDevice(node)
            try await store.saveVideoDevice(camera)
            #expect(try await store.videoDevice(id: camera.id) == camera)
            camera.name = "环岛路卡口 2"
            camera.updatedAt = t.addingTimeInterval(1)
            try await store.saveVideoDevice(camera)
            #expect(try await store.videoDevices() == [camera, node])
            let account = VideoAccount(username: "lpt", realm: "r", ha1MD5: "a", ha1SHA256: "b", createdAt: t, updatedAt: t)
            try await store.saveVideoAccount(account)
            #expect(try await store.videoAccount(username: "lpt") == account)
            #expect(try await store.videoAccount(username: "nobody") == nil)

            var capture = VideoCapture(
                id: store.newCaptureId(now: t), family: "car", deviceId: camera.id, recordId: "GC1", capturedAt: t, capturedText: "20231115063320",
                data: "{}", receivedAt: t, images: [VideoImage(role: "vehicle", blob: "a.jpg", bytes: 10, box: "{}"), VideoImage(role: "driver", blob: "b.jpg", bytes: 5, width: 1080, height: 1920)])
            capture.plate = "闽D12345"
            #expect(try await store.saveVideoCapture(capture))
            var repeated = capture
            repeated.id = store.newCaptureId(now: t)
            #expect(try await !store.saveVideoCapture(repeated), "the same record of the same device is stored once")
            #expect(try await store.videoCaptures(deviceId: nil, plate: "闽D12345", from: t, to: t.addingTimeInterval(1), limit: 10) == [capture])
            #expect(try await store.videoCaptures(deviceId: nil, plate: nil, from: t.addingTimeInterval(1), to: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func videoDeviceLog(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            let camera = VideoDevice(id: "35020000001320000001", role: "device", kind: "car", name: "卡口", createdAt: t, updatedAt: t)
            try await store.saveVideoDevice(camera)
            try await store.appendVideoDeviceEvent(VideoDeviceEvent(id: 0, deviceId: camera.id, at: t, kind: "authenticate", detail: "digest account lpt"))
            try await store.touchVideoDevice(id: camera.id, at: t.addingTimeInterval(1))
            _ = try await store.markSilentVideoDevicesOffline(silentSince: t.addingTimeInterval(100), now: t.addingTimeInterval(200))
            try await store.appendVideoDeviceEvent(VideoDeviceEvent(id: 0, deviceId: "35020000001320000009", at: t.addingTimeInterval(300), kind: "error",
                                                                    detail: "keepAlive: EC000 \u{0027}quoted\u{0027}"))
            let all = try await store.videoDeviceLog(VideoDeviceLogQuery())
            #expect(all.map(\.kind) == ["error", "offline", "online", "authenticate"], "newest first, events and state changes together")
            #expect(all[0].detail == "keepAlive: EC000 'quoted'" && all[1].detail == nil && all[3].at == t)
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(deviceId: camera.id)).count == 3)
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(kind: "offline")).map(\.at) == [t.addingTimeInterval(200)])
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(from: t.addingTimeInterval(1), to: t.addingTimeInterval(200))).map(\.kind) == ["offline", "online"])
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(scope: RecordScope())).isEmpty, "a scope without devices sees none")
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(scope: RecordScope(areas: ["350200"]))).count == 4, "an area sees its devices")
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(scope: RecordScope(areas: ["350203"]))).isEmpty)
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(scope: RecordScope(devices: [camera.id]))).count == 3)
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(limit: 1)).count == 1)
            // Retention removes old events, never the state history the availability rate needs.
            #expect(try await store.deleteVideoDeviceEvents(before: t.addingTimeInterval(250), limit: 10) == 1)
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery()).map(\.kind) == ["error", "offline", "online"])
            // The keep-alive writer's batch: the same offline device twice comes back once, its alarm cleared.
            try await store.touchVideoDevices([VideoTouch(id: camera.id, at: t.addingTimeInterval(400)), VideoTouch(id: camera.id, at: t.addingTimeInterval(401))])
            #expect(try await store.videoDeviceLog(VideoDeviceLogQuery(deviceId: camera.id, kind: "online")).map(\.at) == [t.addingTimeInterval(400), t.addingTimeInterval(1)])
            #expect(try await store.videoDevice(id: camera.id)?.lastSeen == t.addingTimeInterval(401))
            #expect(try await store.alarms(AlarmQuery(status: "open", vendor: "video", devCode: camera.id)).items.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func henanPassageBatchesAndTheRelay(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            func passage(_ lsh: String) -> HenanPassageCommand {
                let p = HenanPassage(lsh: lsh, organ: "4110020001", enterprise: "4110020001", enterpriseName: nil, gate: "01", license: "豫K1", licenseColor: "1",
                                     entering: true, passedFrom: t, passedTo: nil, barrierLifted: true, isControl: false, controlReason: "", project: nil, receivedAt: t)
                return HenanPassageCommand(passage: p, relay: [HenanRelayItem(method: "SendEnterExitDataEx", item: lsh, company: "4110020001", payload: ["serialNum": lsh], createdAt: t)])
            }
            let stored = try await store.saveHenanPassages([passage("L1"), passage("L2"), passage("L1")])
            #expect(stored == [true, true, false], "a serial twice in one batch is stored once")
            #expect(try await store.saveHenanPassages([passage("L2")]) == [false])
            let due = try await store.dueHenanRelay(now: t, limit: 10)
            #expect(due.map(\.item) == ["L1", "L2"] && due.first?.payload == ["serialNum": "L1"], "queued once each, oldest first")
            try await store.markHenanRelay(ids: [due[0].id], status: .sent, error: nil, next: t, now: t)
            try await store.markHenanRelay(ids: [due[1].id], status: .refused, error: "list[0]: bad", next: t, now: t)
            #expect(try await store.dueHenanRelay(now: t, limit: 10).isEmpty)
            let backlog = try #require(try await store.henanRelayBacklog().first)
            #expect(backlog.method == "SendEnterExitDataEx" && backlog.sent == 1 && backlog.refused == 1 && backlog.pending == 0 && backlog.lastError == "list[0]: bad")
            #expect(try await store.retryHenanRelay(method: nil, now: t) == 1)
            #expect(try await store.dueHenanRelay(now: t, limit: 10).map(\.item) == ["L2"])
            try await store.markHenanRelay(ids: [due[1].id], status: .pending, error: "down", next: t.addingTimeInterval(60), now: t)
            #expect(try await store.dueHenanRelay(now: t.addingTimeInterval(30), limit: 10).isEmpty, "backing off")
            #expect(try await store.dueHenanRelay(now: t.addingTimeInterval(60), limit: 10).first?.attempts == 2)
        }
    }

    @Test(arguments: Backend.available)
    func henanPhotosGoodsAndLedgers(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            let photo = HenanPhoto(lsh: "411002000101A261201083000", number: "1", kind: "1", organ: "4110020001", enterprise: "4110020001",
                                   enterpriseName: "焦化厂", gate: "01", license: "豫K1", licenseColor: "1", blob: "ab.jpg", takenAt: t, receivedAt: t)
            #expect(try await store.saveHenanPhoto(photo))
            var again = photo
            again.blob = "cd.jpg"
            #expect(try await store.saveHenanPhoto(again) == false, "a repeat keeps the first copy")
            #expect(try await store.henanPhotos(lsh: photo.lsh, limit: 10) == [photo])
            let goods = HenanGoods(lsh: photo.lsh, goods: "焦炭", organ: "4110020001", enterprise: "4110020001", enterpriseName: nil, gate: "01",
                                   license: "豫K1", licenseColor: "1", tons: "32.5", registeredAt: t, receivedAt: t)
            #expect(try await store.saveHenanGoods(goods))
            #expect(try await store.saveHenanGoods(goods) == false)
            #expect(try await store.henanGoods(enterprise: "4110020001", limit: 10) == [goods])
            #expect(try await store.henanGoods(enterprise: "4110020002", limit: 10).isEmpty)
            var entry = HenanLedgerEntry(kind: .vehicle, enterprise: "4110020001", item: "豫K1/1", status: "1", fields: ["owner": "张三", "vin": "L1"],
                                         images: ["drivingLicenseImg": "ab.jpg"], filedBy: "4110020001", createdAt: t, updatedAt: t)
            try await store.saveHenanLedgerEntry(entry)
            entry.status = "3"
            entry.updatedAt = t.addingTimeInterval(60)
            var replaced = entry
            replaced.createdAt = t.addingTimeInterval(60)
            try await store.saveHenanLedgerEntry(replaced)
            #expect(try await store.henanLedger(kind: .vehicle, enterprise: "4110020001", limit: 10) == [entry], "replaced, first createdAt kept")
            #expect(try await store.henanLedger(kind: .machinery, enterprise: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func henanRegistry(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let t = Self.base
            try await store.saveHenanOrgan(HenanOrgan(organ: "4110020001", username: "test", passwordHash: "h1", createdAt: t, updatedAt: t))
            try await store.saveHenanOrgan(HenanOrgan(organ: "4110020001", username: "test", passwordHash: "h2", createdAt: t, updatedAt: t.addingTimeInterval(1)))
            #expect(try await store.henanOrgan("4110020001")?.passwordHash == "h2")
            #expect(try await store.henanOrgans().count == 1)
            let enterprise = HenanEnterprise(code: "4110020001", name: "焦化厂", industry: "4", subIndustry: "A401", controlType: "1", createdAt: t, updatedAt: t)
            try await store.saveHenanEnterprise(enterprise)
            #expect(try await store.henanEnterprise(code: "4110020001") == enterprise)
            #expect(try await store.henanEnterprise(code: "4110020002") == nil)
            try await store.saveHenanGate(HenanGate(enterprise: "4110020001", code: "01", type: "C", createdAt: t, updatedAt: t))
            try await store.saveHenanGate(HenanGate(enterprise: "4110020001", code: "02", type: "B", createdAt: t, updatedAt: t))
            try await store.saveHenanGate(HenanGate(enterprise: "4110020001", code: "02", type: "A", createdAt: t, updatedAt: t))
            #expect(try await store.henanGates(enterprise: "4110020001").map(\.type) == ["C", "A"])
            #expect(try await store.henanGates(enterprise: nil).count == 2)
            try await store.saveHenanCity(HenanCity(organ: "4110000000", username: "xc", passwordHash: "h", orgSecret: "S", createdAt: t, updatedAt: t))
            #expect(try await store.henanCities().map(\.orgSecret) == ["S"])
            var project = HenanProject(code: "CP1", name: "应急", level: "2", area: "1", scope: "3", strategy: "6", industries: ["4", "15"],
                                       companyTypes: ["1"], start: t, end: t.addingTimeInterval(86_400), createdAt: t, updatedAt: t)
            try await store.saveHenanProject(project)
            project.closedAt = t.addingTimeInterval(3600)
            try await store.saveHenanProject(project)
            #expect(try await store.henanProjects() == [project])
            var filing = HenanVehicle(license: "豫K12345", licenseColor: "1", filedBy: "4110020001", createdAt: t, updatedAt: t)
            (filing.vehicleType, filing.emissionStandard, filing.owner) = ("H11", "4", "it's \"quoted\"")
            try await store.saveHenanVehicle(filing)
            #expect(try await store.henanVehicle(license: "豫K12345", color: "1") == filing)
            #expect(try await store.henanVehicle(license: "豫K12345", color: "0") == nil)
            let passage = HenanPassage(lsh: "411002000101A240301083000", organ: "4110020001", enterprise: "4110020001", enterpriseName: nil, gate: "01",
                                       license: "豫K12345", licenseColor: "1", entering: true, passedFrom: t, passedTo: nil, barrierLifted: true, isControl: true,
                                       controlReason: "管控", project: "CP1", receivedAt: t)
            #expect(try await store.saveHenanPassage(passage))
            var again = passage
            again.barrierLifted = false
            #expect(try await !store.saveHenanPassage(again), "the lsh is stored once")
            #expect(try await store.henanPassages(enterprise: "4110020001", limit: 10) == [passage])
            #expect(try await store.henanPassages(enterprise: "4110020009", limit: 10).isEmpty)
        }
    }
}

