import Foundation
import ParkGateModel

extension SQLStore {
    public func createCampaign(_ campaign: CampaignRecord, truth: [TruthEvent]) async throws {
        var statements = [SQLStatement(
            """
            INSERT INTO campaigns (name, park_code, berths, devices, from_ms, to_ms, tolerance_ms, reference, created_ms, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(campaign.name), .text(campaign.parkCode), .text(campaign.berths.joined(separator: ",")),
             .text(campaign.devices.joined(separator: ",")), SQLValue(campaign.from), SQLValue(campaign.to),
             .int(Int64((campaign.tolerance * 1000).rounded())), SQLValue(campaign.reference), SQLValue(campaign.createdAt),
             .text(campaign.createdBy)])]
        for (sequence, event) in truth.enumerated() {
            statements.append(SQLStatement(
                "INSERT INTO campaign_truth (campaign, seq, ps_code, event, at_ms, plate) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(campaign.name), .int(Int64(sequence)), .text(event.psCode), .text(event.event.rawValue),
                 SQLValue(event.time), SQLValue(event.plate)]))
        }
        do {
            try await database.transaction(statements)
        } catch StoreError.conflict {
            throw StoreError.conflict("a campaign named \(campaign.name) exists")
        }
    }

    public func campaigns() async throws -> [CampaignRecord] {
        try await database.query(
            """
            SELECT c.*, (SELECT count(*) FROM campaign_truth t WHERE t.campaign = c.name) AS truth_events
            FROM campaigns c ORDER BY c.created_ms DESC, c.name
            """
        ).map(Self.campaign)
    }

    public func campaign(named name: String) async throws -> CampaignRecord? {
        try await database.query(
            """
            SELECT c.*, (SELECT count(*) FROM campaign_truth t WHERE t.campaign = c.name) AS truth_events
            FROM campaigns c WHERE c.name = ?
            """, [.text(name)]
        ).first.map(Self.campaign)
    }

    static func campaign(_ row: SQLRow) -> CampaignRecord {
        func list(_ column: String) -> [String] { (row.text(column) ?? "").split(separator: ",").map(String.init) }
        return CampaignRecord(
            name: row.text("name") ?? "", parkCode: row.text("park_code") ?? "", berths: list("berths"), devices: list("devices"),
            from: row.date("from_ms") ?? .distantPast, to: row.date("to_ms") ?? .distantPast,
            tolerance: Double(row.int("tolerance_ms") ?? 0) / 1000, reference: row.text("reference"),
            truthEvents: Int(row.int("truth_events") ?? 0), createdAt: row.date("created_ms") ?? .distantPast,
            createdBy: row.text("created_by") ?? "")
    }

    public func campaignTruth(named name: String) async throws -> [TruthEvent] {
        try await database.query("SELECT * FROM campaign_truth WHERE campaign = ? ORDER BY seq", [.text(name)]).compactMap { row in
            guard let event = BerthChange(rawValue: row.text("event") ?? "") else { return nil }
            return TruthEvent(psCode: row.text("ps_code") ?? "", event: event, time: row.date("at_ms") ?? .distantPast, plate: row.text("plate"))
        }
    }

    public func deleteCampaign(named name: String) async throws -> Bool {
        let changed = try await database.transaction([
            SQLStatement("DELETE FROM campaign_truth WHERE campaign = ?", [.text(name)]),
            SQLStatement("DELETE FROM campaigns WHERE name = ?", [.text(name)]),
        ])
        return (changed.last ?? 0) > 0
    }

    /// Events whose device time or receipt time falls in `from...to` (a device with a far-off
    /// clock is still found by when it spoke).
    public func evaluationEvents(parkCode: String, devCodes: [String], from: Date, to: Date) async throws -> [EvaluationEventRow] {
        guard !devCodes.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: devCodes.count).joined(separator: ", ")
        let rows = try await database.query(
            """
            SELECT e.vendor, e.dev_code, e.kind, e.ps_code, e.message_id, e.event_ms, e.received_ms, e.plate, e.confidence,
                e.data, r.findings
            FROM events e JOIN raw_messages r ON r.id = e.raw_id
            WHERE e.park_code = ? AND e.dev_code IN (\(placeholders))
                AND ((e.event_ms >= ? AND e.event_ms <= ?) OR (e.received_ms >= ? AND e.received_ms <= ?))
            ORDER BY e.event_ms, e.id
            """,
            [.text(parkCode)] + devCodes.map(SQLValue.text) + [SQLValue(from), SQLValue(to), SQLValue(from), SQLValue(to)])
        return rows.map { row in
            let data = (try? JSONSerialization.jsonObject(with: Data((row.text("data") ?? "{}").utf8))) as? [String: String] ?? [:]
            let findings = (row.text("findings").flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [Any])?.count ?? 0
            let images = data["images"].map { $0.split(separator: "\n").count } ?? 0
            return EvaluationEventRow(
                vendor: row.text("vendor") ?? "", devCode: row.text("dev_code") ?? "",
                event: ReportedEvent(
                    kind: row.text("kind") ?? "", psCode: row.text("ps_code") ?? "", flowId: row.text("message_id") ?? "",
                    eventTime: row.date("event_ms") ?? .distantPast, receivedAt: row.date("received_ms") ?? .distantPast,
                    plate: row.text("plate"), confidence: row.int("confidence").map { Int($0) }, imageCount: images,
                    findings: findings, battery: data["devElec"], code: data["alarmCode"]))
        }
    }
}
