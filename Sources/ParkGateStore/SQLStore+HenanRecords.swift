import Foundation

/// A passage's picture (`sharePhotoInfo`): serial number and photo number (7.2) are its key.
public struct HenanPhoto: Sendable, Hashable, Encodable {
    public var lsh: String
    /// 7.2 `zpbh` (1 front, 2 rear) and 7.3 `zplx` (1 entering, 2 leaving, 3 running the gate).
    public var number, kind: String
    public var organ, enterprise: String
    public var enterpriseName: String?
    public var gate, license, licenseColor: String
    /// Blob name of the JPEG.
    public var blob: String
    public var takenAt, receivedAt: Date

    public init(lsh: String, number: String, kind: String, organ: String, enterprise: String, enterpriseName: String?, gate: String,
                license: String, licenseColor: String, blob: String, takenAt: Date, receivedAt: Date) {
        (self.lsh, self.number, self.kind, self.organ, self.enterprise, self.enterpriseName) = (lsh, number, kind, organ, enterprise, enterpriseName)
        (self.gate, self.license, self.licenseColor, self.blob, self.takenAt, self.receivedAt) = (gate, license, licenseColor, blob, takenAt, receivedAt)
    }
}

/// What a passage carried (`shareGoodsRecord`): serial number and goods name are its key.
public struct HenanGoods: Sendable, Hashable, Encodable {
    public var lsh: String
    /// `hwmc`.
    public var goods: String
    public var organ, enterprise: String
    public var enterpriseName: String?
    public var gate, license, licenseColor: String
    /// `ysl`, tonnes, as sent (a number of at most 4 characters).
    public var tons: String
    public var registeredAt, receivedAt: Date

    public init(lsh: String, goods: String, organ: String, enterprise: String, enterpriseName: String?, gate: String, license: String,
                licenseColor: String, tons: String, registeredAt: Date, receivedAt: Date) {
        (self.lsh, self.goods, self.organ, self.enterprise, self.enterpriseName, self.gate) = (lsh, goods, organ, enterprise, enterpriseName, gate)
        (self.license, self.licenseColor, self.tons, self.registeredAt, self.receivedAt) = (license, licenseColor, tons, registeredAt, receivedAt)
    }
}

/// An entry of an enterprise's in-plant ledgers: a vehicle (`shareInnerVehInfo`, item
/// `license/colour`) or a non-road machine (`shareInnerMHYElec`, item `mhyPlate`).
public struct HenanLedgerEntry: Sendable, Hashable, Encodable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case vehicle, machinery }

    public var kind: Kind
    public var enterprise: String
    public var item: String
    /// `carStatus` / `mhyStatus`: 1 in use, 2 laid up, 3 retired.
    public var status: String
    /// The fields as sent, pictures left out.
    public var fields: [String: String]
    /// Blob names of the pictures, by field.
    public var images: [String: String]
    public var filedBy: String
    /// `licensePK` the provincial role issues for the entry (`HenanNumbering.recordKey`).
    public var licensePK: String?
    public var createdAt, updatedAt: Date

    public init(kind: Kind, enterprise: String, item: String, status: String, fields: [String: String], images: [String: String],
                filedBy: String, licensePK: String? = nil, createdAt: Date, updatedAt: Date) {
        (self.kind, self.enterprise, self.item, self.status, self.fields, self.images) = (kind, enterprise, item, status, fields, images)
        (self.filedBy, self.licensePK, self.createdAt, self.updatedAt) = (filedBy, licensePK, createdAt, updatedAt)
    }
}

/// A vehicle's blacklist (7.4) and exemption (7.14) as operators set them: the control
/// engine reads them for the city's checks and the province's VehVerifyEx.
public struct HenanVehicleMark: Sendable, Hashable, Encodable {
    public var license, licenseColor: String
    public var blacklist, exemption: String?
    public var reason: String?
    public var updatedAt: Date

    public init(license: String, licenseColor: String, blacklist: String?, exemption: String?, reason: String?, updatedAt: Date) {
        (self.license, self.licenseColor, self.blacklist, self.exemption, self.reason, self.updatedAt) = (license, licenseColor, blacklist, exemption, reason, updatedAt)
    }
}

extension SQLStore {
    /// Sets a vehicle's marks; neither a blacklist nor an exemption removes the entry.
    public func saveHenanVehicleMark(_ m: HenanVehicleMark) async throws {
        if m.blacklist == nil && m.exemption == nil {
            _ = try await database.execute("DELETE FROM henan_vehicle_marks WHERE license = ? AND license_color = ?", [.text(m.license), .text(m.licenseColor)])
            return
        }
        _ = try await database.execute(
            """
            INSERT INTO henan_vehicle_marks (license, license_color, blacklist, exemption, reason, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (license, license_color) DO UPDATE SET blacklist = excluded.blacklist, exemption = excluded.exemption, reason = excluded.reason,
                updated_ms = excluded.updated_ms
            """,
            [.text(m.license), .text(m.licenseColor), SQLValue(m.blacklist), SQLValue(m.exemption), SQLValue(m.reason), SQLValue(m.updatedAt)])
    }

    /// One vehicle's marks, or all (`license` nil).
    public func henanVehicleMarks(license: String?, color: String?) async throws -> [HenanVehicleMark] {
        var filter = Filter()
        filter.equal("license", license)
        filter.equal("license_color", color)
        return try await database.query("SELECT * FROM henan_vehicle_marks \(filter.sql) ORDER BY license, license_color", filter.binds).map { row in
            HenanVehicleMark(license: row.text("license") ?? "", licenseColor: row.text("license_color") ?? "", blacklist: row.text("blacklist"),
                             exemption: row.text("exemption"), reason: row.text("reason"), updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    /// Stores a photo; false when its serial and photo number are already stored (a repeat).
    @discardableResult
    public func saveHenanPhoto(_ p: HenanPhoto) async throws -> Bool {
        let inserted = try await database.execute(
            """
            INSERT INTO henan_photos (lsh, number, kind, organ, enterprise, enterprise_name, gate, license, license_color, blob, taken_ms, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lsh, number) DO NOTHING
            """,
            [.text(p.lsh), .text(p.number), .text(p.kind), .text(p.organ), .text(p.enterprise), SQLValue(p.enterpriseName), .text(p.gate),
             .text(p.license), .text(p.licenseColor), .text(p.blob), SQLValue(p.takenAt), SQLValue(p.receivedAt)])
        return inserted > 0
    }

    /// The photos of one passage, or the newest of all.
    public func henanPhotos(lsh: String?, limit: Int) async throws -> [HenanPhoto] {
        var filter = Filter()
        filter.equal("lsh", lsh)
        return try await database.query("SELECT * FROM henan_photos \(filter.sql) ORDER BY taken_ms DESC, lsh, number LIMIT ?", filter.binds + [.int(Int64(limit))]).map { row in
            HenanPhoto(
                lsh: row.text("lsh") ?? "", number: row.text("number") ?? "", kind: row.text("kind") ?? "", organ: row.text("organ") ?? "",
                enterprise: row.text("enterprise") ?? "", enterpriseName: row.text("enterprise_name"), gate: row.text("gate") ?? "",
                license: row.text("license") ?? "", licenseColor: row.text("license_color") ?? "", blob: row.text("blob") ?? "",
                takenAt: row.date("taken_ms") ?? .distantPast, receivedAt: row.date("received_ms") ?? .distantPast)
        }
    }

    /// Stores a goods record with what it owes the province, in one transaction; false when
    /// its serial and goods are already stored (a repeat).
    public func saveHenanGoods(_ g: HenanGoods, relay: [HenanRelayItem]) async throws -> Bool {
        let insert = SQLStatement(
            """
            INSERT INTO henan_goods (lsh, goods, organ, enterprise, enterprise_name, gate, license, license_color, tons, registered_ms, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lsh, goods) DO NOTHING
            """,
            [.text(g.lsh), .text(g.goods), .text(g.organ), .text(g.enterprise), SQLValue(g.enterpriseName), .text(g.gate), .text(g.license),
             .text(g.licenseColor), .text(g.tons), SQLValue(g.registeredAt), SQLValue(g.receivedAt)])
        return try await database.transaction([insert] + relay.map(relayStatement)).first ?? 0 > 0
    }

    /// Goods records newest first, of one enterprise or all.
    public func henanGoods(enterprise: String?, limit: Int) async throws -> [HenanGoods] {
        var filter = Filter()
        filter.equal("enterprise", enterprise)
        return try await database.query("SELECT * FROM henan_goods \(filter.sql) ORDER BY registered_ms DESC, lsh LIMIT ?", filter.binds + [.int(Int64(limit))]).map { row in
            HenanGoods(
                lsh: row.text("lsh") ?? "", goods: row.text("goods") ?? "", organ: row.text("organ") ?? "", enterprise: row.text("enterprise") ?? "",
                enterpriseName: row.text("enterprise_name"), gate: row.text("gate") ?? "", license: row.text("license") ?? "",
                licenseColor: row.text("license_color") ?? "", tons: row.text("tons") ?? "", registeredAt: row.date("registered_ms") ?? .distantPast,
                receivedAt: row.date("received_ms") ?? .distantPast)
        }
    }

    /// Adds or replaces a ledger entry (the latest report of an item is its state).
    public func saveHenanLedgerEntry(_ e: HenanLedgerEntry) async throws {
        try await database.execute(
            """
            INSERT INTO henan_ledgers (kind, enterprise, item, status, fields, images, filed_by, created_ms, updated_ms, license_pk)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (kind, enterprise, item) DO UPDATE SET status = excluded.status, fields = excluded.fields, images = excluded.images,
                filed_by = excluded.filed_by, updated_ms = excluded.updated_ms, license_pk = COALESCE(excluded.license_pk, henan_ledgers.license_pk)
            """,
            [.text(e.kind.rawValue), .text(e.enterprise), .text(e.item), .text(e.status), .text(Self.jsonText(e.fields)), .text(Self.jsonText(e.images)),
             .text(e.filedBy), SQLValue(e.createdAt), SQLValue(e.updatedAt), SQLValue(e.licensePK)])
    }

    /// Ledger entries of one kind, of one enterprise or all, by enterprise and item.
    public func henanLedger(kind: HenanLedgerEntry.Kind, enterprise: String?, limit: Int) async throws -> [HenanLedgerEntry] {
        var filter = Filter()
        filter.equal("kind", kind.rawValue)
        filter.equal("enterprise", enterprise)
        return try await database.query("SELECT * FROM henan_ledgers \(filter.sql) ORDER BY enterprise, item LIMIT ?", filter.binds + [.int(Int64(limit))])
            .map(Self.ledgerEntry)
    }

    public func henanLedgerEntry(licensePK: String) async throws -> HenanLedgerEntry? {
        try await database.query("SELECT * FROM henan_ledgers WHERE license_pk = ?", [.text(licensePK)]).first.map(Self.ledgerEntry)
    }

    static func ledgerEntry(_ row: SQLRow) -> HenanLedgerEntry {
        HenanLedgerEntry(
            kind: HenanLedgerEntry.Kind(rawValue: row.text("kind") ?? "") ?? .vehicle, enterprise: row.text("enterprise") ?? "", item: row.text("item") ?? "",
            status: row.text("status") ?? "", fields: jsonMap(row.text("fields")), images: jsonMap(row.text("images")),
            filedBy: row.text("filed_by") ?? "", licensePK: row.text("license_pk"), createdAt: row.date("created_ms") ?? .distantPast,
            updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    static func jsonText(_ map: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: map, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func jsonMap(_ text: String?) -> [String: String] {
        text.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String] } ?? [:]
    }
}
