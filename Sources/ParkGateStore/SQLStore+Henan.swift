import Foundation

/// The Henan platforms' registry: the accounts enterprises' gate systems use to call the city
/// platform (`organ`), the enterprises and their gates, and for the provincial role the city
/// platforms that report to it.
public struct HenanOrgan: Sendable, Hashable, Encodable {
    /// The `organ` of the city platform's envelope (组织机构唯一编码标识, 10 digits).
    public var organ: String
    public var username: String
    /// Slow salted hash of the password; never shown.
    public var passwordHash: String
    public var createdAt, updatedAt: Date

    public init(organ: String, username: String, passwordHash: String, createdAt: Date, updatedAt: Date) {
        (self.organ, self.username, self.passwordHash, self.createdAt, self.updatedAt) = (organ, username, passwordHash, createdAt, updatedAt)
    }

    enum CodingKeys: String, CodingKey { case organ, username, createdAt, updatedAt }
}

public struct HenanEnterprise: Sendable, Hashable, Encodable {
    /// 6.2 code.
    public var code: String
    public var name: String
    /// 7.16 industry and sub-industry, 7.21 control type.
    public var industry, subIndustry, controlType: String?
    public var createdAt, updatedAt: Date

    public init(code: String, name: String, industry: String? = nil, subIndustry: String? = nil, controlType: String? = nil, createdAt: Date, updatedAt: Date) {
        (self.code, self.name, self.industry, self.subIndustry, self.controlType) = (code, name, industry, subIndustry, controlType)
        (self.createdAt, self.updatedAt) = (createdAt, updatedAt)
    }
}

public struct HenanGate: Sendable, Hashable, Encodable {
    public var enterprise: String
    /// 6.3 code (`01` …).
    public var code: String
    /// 7.15: `A` exit only, `B` entry only, `C` both.
    public var type: String
    public var createdAt, updatedAt: Date

    public init(enterprise: String, code: String, type: String, createdAt: Date, updatedAt: Date) {
        (self.enterprise, self.code, self.type, self.createdAt, self.updatedAt) = (enterprise, code, type, createdAt, updatedAt)
    }
}

/// A city platform allowed to report to this provincial platform (`GetAuthorizationOrg`).
public struct HenanCity: Sendable, Hashable, Encodable {
    /// 6.1 code of its bureau.
    public var organ: String
    public var username: String
    public var passwordHash: String
    /// `orgSecret`, kept as given: the city presents it to be authorised.
    public var orgSecret: String
    public var createdAt, updatedAt: Date

    public init(organ: String, username: String, passwordHash: String, orgSecret: String, createdAt: Date, updatedAt: Date) {
        (self.organ, self.username, self.passwordHash, self.orgSecret, self.createdAt, self.updatedAt) = (organ, username, passwordHash, orgSecret, createdAt, updatedAt)
    }

    enum CodingKeys: String, CodingKey { case organ, username, createdAt, updatedAt }
}

/// A vehicle's filing (`shareVehInfo`, 车辆备案信息): what the control decision reads.
public struct HenanVehicle: Sendable, Hashable, Encodable {
    public var license: String
    /// 7.1
    public var licenseColor: String
    /// 7.7, 7.8, 7.6, 7.12 as sent (the filing has no fuel; other sources may add it).
    public var vehicleType, useCharacter, emissionStandard, fuelType: String?
    public var vin, engineNo, owner, address, model, registerDate, issueDate: String?
    /// Blob names of the driving licence and the vehicle list pictures.
    public var drivingLicenseImage, vehicleListImage: String?
    /// The organ that filed it.
    public var filedBy: String
    /// 车辆备案唯一识别编码 (`licensePK`): `HenanNumbering.recordKey` of the plate and colour.
    public var licensePK: String?
    public var createdAt, updatedAt: Date

    public init(license: String, licenseColor: String, filedBy: String, createdAt: Date, updatedAt: Date) {
        (self.license, self.licenseColor, self.filedBy, self.createdAt, self.updatedAt) = (license, licenseColor, filedBy, createdAt, updatedAt)
    }
}

/// A vehicle through an enterprise's gate (`shareDrivingRecord`), with the control decision in
/// force at its passing time.
public struct HenanPassage: Sendable, Hashable, Encodable {
    /// 6.4 serial number: the idempotency key.
    public var lsh: String
    public var organ, enterprise: String
    public var enterpriseName: String?
    public var gate, license, licenseColor: String
    /// `tgzt` 1 进门 (true) / 2 出门.
    public var entering: Bool
    public var passedFrom: Date
    public var passedTo: Date?
    /// `bgzt` 1: the barrier lifted (the vehicle went through).
    public var barrierLifted: Bool
    public var isControl: Bool
    public var controlReason: String
    public var project: String?
    public var receivedAt: Date

    public init(lsh: String, organ: String, enterprise: String, enterpriseName: String?, gate: String, license: String, licenseColor: String, entering: Bool,
                passedFrom: Date, passedTo: Date?, barrierLifted: Bool, isControl: Bool, controlReason: String, project: String?, receivedAt: Date) {
        (self.lsh, self.organ, self.enterprise, self.enterpriseName, self.gate) = (lsh, organ, enterprise, enterpriseName, gate)
        (self.license, self.licenseColor, self.entering, self.passedFrom, self.passedTo) = (license, licenseColor, entering, passedFrom, passedTo)
        (self.barrierLifted, self.isControl, self.controlReason, self.project, self.receivedAt) = (barrierLifted, isControl, controlReason, project, receivedAt)
    }
}

/// A heavy-pollution control project (重污染应急管控方案) as the city runs it (4.2.22–4.2.24).
public struct HenanProject: Sendable, Hashable, Encodable {
    public var code, name: String
    /// 7.18, 7.19, `controlType` (1 industries, 2 control types, 3 both), 7.20.
    public var level, area, scope, strategy: String
    /// 7.16 industries and 7.21 control types it covers.
    public var industries, companyTypes: [String]
    public var start: Date
    /// `controlEndTime`, nil when open-ended; `closedAt` when it was closed early.
    public var end, closedAt: Date?
    public var remark: String?
    /// The city that reported it (RunControlProject); nil for this platform's own.
    public var city: String?
    public var createdAt, updatedAt: Date

    public init(code: String, name: String, level: String, area: String, scope: String, strategy: String, industries: [String], companyTypes: [String],
                start: Date, end: Date?, closedAt: Date? = nil, remark: String? = nil, city: String? = nil, createdAt: Date, updatedAt: Date) {
        (self.code, self.name, self.level, self.area, self.scope, self.strategy) = (code, name, level, area, scope, strategy)
        (self.industries, self.companyTypes, self.start, self.end, self.closedAt, self.remark) = (industries, companyTypes, start, end, closedAt, remark)
        (self.city, self.createdAt, self.updatedAt) = (city, createdAt, updatedAt)
    }
}

extension SQLStore {
    public func saveHenanProject(_ p: HenanProject, relay: [HenanRelayItem]) async throws {
        let upsert = SQLStatement(
            """
            INSERT INTO henan_projects (code, name, level, area, scope, strategy, industries, company_types, start_ms, end_ms, closed_ms, remark, created_ms, updated_ms, city)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, area = excluded.area, scope = excluded.scope,
                strategy = excluded.strategy, industries = excluded.industries, company_types = excluded.company_types, start_ms = excluded.start_ms,
                end_ms = excluded.end_ms, closed_ms = excluded.closed_ms, remark = excluded.remark, updated_ms = excluded.updated_ms
            """,
            [.text(p.code), .text(p.name), .text(p.level), .text(p.area), .text(p.scope), .text(p.strategy), .text(p.industries.joined(separator: ",")),
             .text(p.companyTypes.joined(separator: ",")), SQLValue(p.start), SQLValue(p.end), SQLValue(p.closedAt), SQLValue(p.remark),
             SQLValue(p.createdAt), SQLValue(p.updatedAt), SQLValue(p.city)])
        _ = try await database.transaction([upsert] + relay.map(relayStatement))
    }

    public func henanProjects() async throws -> [HenanProject] {
        try await database.query("SELECT * FROM henan_projects ORDER BY start_ms DESC, code").map { row in
            func list(_ column: String) -> [String] { (row.text(column) ?? "").split(separator: ",").map(String.init) }
            return HenanProject(
                code: row.text("code") ?? "", name: row.text("name") ?? "", level: row.text("level") ?? "", area: row.text("area") ?? "",
                scope: row.text("scope") ?? "", strategy: row.text("strategy") ?? "", industries: list("industries"), companyTypes: list("company_types"),
                start: row.date("start_ms") ?? .distantPast, end: row.date("end_ms"), closedAt: row.date("closed_ms"), remark: row.text("remark"),
                city: row.text("city"), createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    /// Stores a passage with what it owes the province, in one transaction; false when its
    /// `lsh` is already stored (a repeat: nothing new, nothing queued).
    public func saveHenanPassage(_ p: HenanPassage, relay: [HenanRelayItem]) async throws -> Bool {
        try await saveHenanPassages([HenanPassageCommand(passage: p, relay: relay)])[0]
    }

    /// Many passages and their relay calls in one transaction (the batch writer's commit).
    public func saveHenanPassages(_ commands: [HenanPassageCommand]) async throws -> [Bool] {
        var statements: [SQLStatement] = [], inserts: [Int] = []
        for command in commands {
            inserts.append(statements.count)
            statements.append(Self.passageInsert(command.passage))
            // A repeated lsh queues nothing either: the relay row's own key is the lsh.
            statements += command.relay.map(relayStatement)
        }
        let counts = try await database.transaction(statements)
        return inserts.map { counts[$0] > 0 }
    }

    static func passageInsert(_ p: HenanPassage) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO henan_passages (lsh, organ, enterprise, enterprise_name, gate, license, license_color, entering, passed_from_ms, passed_to_ms,
                barrier_lifted, is_control, control_reason, project, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lsh) DO NOTHING
            """,
            [.text(p.lsh), .text(p.organ), .text(p.enterprise), SQLValue(p.enterpriseName), .text(p.gate), .text(p.license), .text(p.licenseColor),
             SQLValue(p.entering), SQLValue(p.passedFrom), SQLValue(p.passedTo), SQLValue(p.barrierLifted), SQLValue(p.isControl), .text(p.controlReason),
             SQLValue(p.project), SQLValue(p.receivedAt)])
    }

    /// Entering passages with the barrier lifted of an enterprise in `[from, to)` (its transport).
    public func henanEnteringCount(enterprise: String, from: Date, to: Date) async throws -> Int {
        Int(try await database.query(
            "SELECT COUNT(*) AS n FROM henan_passages WHERE enterprise = ? AND entering = 1 AND barrier_lifted = 1 AND passed_from_ms >= ? AND passed_from_ms < ?",
            [.text(enterprise), SQLValue(from), SQLValue(to)]).first?.int("n") ?? 0)
    }

    /// Passages that passed in `[from, to)`, oldest first (a day's figures).
    public func henanPassages(from: Date, to: Date) async throws -> [HenanPassage] {
        try await database.query(
            "SELECT * FROM henan_passages WHERE passed_from_ms >= ? AND passed_from_ms < ? ORDER BY passed_from_ms, lsh", [SQLValue(from), SQLValue(to)]
        ).map(Self.henanPassage)
    }

    /// Passages newest first, of one enterprise or all.
    public func henanPassages(enterprise: String?, limit: Int) async throws -> [HenanPassage] {
        var filter = Filter()
        filter.equal("enterprise", enterprise)
        return try await database.query("SELECT * FROM henan_passages \(filter.sql) ORDER BY passed_from_ms DESC, lsh DESC LIMIT ?", filter.binds + [.int(Int64(limit))])
            .map(Self.henanPassage)
    }

    static func henanPassage(_ row: SQLRow) -> HenanPassage {
        HenanPassage(
            lsh: row.text("lsh") ?? "", organ: row.text("organ") ?? "", enterprise: row.text("enterprise") ?? "", enterpriseName: row.text("enterprise_name"),
            gate: row.text("gate") ?? "", license: row.text("license") ?? "", licenseColor: row.text("license_color") ?? "", entering: row.bool("entering"),
            passedFrom: row.date("passed_from_ms") ?? .distantPast, passedTo: row.date("passed_to_ms"), barrierLifted: row.bool("barrier_lifted"),
            isControl: row.bool("is_control"), controlReason: row.text("control_reason") ?? "", project: row.text("project"),
            receivedAt: row.date("received_ms") ?? .distantPast)
    }

    public func saveHenanVehicle(_ v: HenanVehicle, relay: [HenanRelayItem]) async throws {
        let upsert = SQLStatement(
            """
            INSERT INTO henan_vehicles (license, license_color, vehicle_type, use_character, emission_standard, fuel_type, vin, engine_no, owner,
                address, model, register_date, issue_date, licence_image, list_image, filed_by, created_ms, updated_ms, license_pk)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (license, license_color) DO UPDATE SET vehicle_type = excluded.vehicle_type, use_character = excluded.use_character,
                emission_standard = excluded.emission_standard, fuel_type = excluded.fuel_type, vin = excluded.vin, engine_no = excluded.engine_no,
                owner = excluded.owner, address = excluded.address, model = excluded.model, register_date = excluded.register_date,
                issue_date = excluded.issue_date, licence_image = excluded.licence_image, list_image = excluded.list_image,
                filed_by = excluded.filed_by, updated_ms = excluded.updated_ms, license_pk = COALESCE(excluded.license_pk, henan_vehicles.license_pk)
            """,
            [.text(v.license), .text(v.licenseColor), SQLValue(v.vehicleType), SQLValue(v.useCharacter), SQLValue(v.emissionStandard), SQLValue(v.fuelType),
             SQLValue(v.vin), SQLValue(v.engineNo), SQLValue(v.owner), SQLValue(v.address), SQLValue(v.model), SQLValue(v.registerDate),
             SQLValue(v.issueDate), SQLValue(v.drivingLicenseImage), SQLValue(v.vehicleListImage), .text(v.filedBy), SQLValue(v.createdAt),
             SQLValue(v.updatedAt), SQLValue(v.licensePK)])
        _ = try await database.transaction([upsert] + relay.map(relayStatement))
    }

    public func henanVehicle(licensePK: String) async throws -> HenanVehicle? {
        try await database.query("SELECT * FROM henan_vehicles WHERE license_pk = ?", [.text(licensePK)]).first.map(Self.henanVehicle)
    }

    public func henanVehicle(license: String, color: String) async throws -> HenanVehicle? {
        try await database.query("SELECT * FROM henan_vehicles WHERE license = ? AND license_color = ?", [.text(license), .text(color)]).first.map(Self.henanVehicle)
    }

    /// Filings, newest first, of one plate or all.
    public func henanVehicles(plate: String?, limit: Int) async throws -> [HenanVehicle] {
        var filter = Filter()
        filter.equal("license", plate)
        return try await database.query("SELECT * FROM henan_vehicles \(filter.sql) ORDER BY updated_ms DESC LIMIT ?", filter.binds + [.int(Int64(limit))])
            .map(Self.henanVehicle)
    }

    static func henanVehicle(_ row: SQLRow) -> HenanVehicle {
        var v = HenanVehicle(license: row.text("license") ?? "", licenseColor: row.text("license_color") ?? "", filedBy: row.text("filed_by") ?? "",
                             createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        (v.vehicleType, v.useCharacter, v.emissionStandard, v.fuelType) = (row.text("vehicle_type"), row.text("use_character"), row.text("emission_standard"), row.text("fuel_type"))
        (v.vin, v.engineNo, v.owner, v.address, v.model) = (row.text("vin"), row.text("engine_no"), row.text("owner"), row.text("address"), row.text("model"))
        (v.registerDate, v.issueDate, v.drivingLicenseImage, v.vehicleListImage) = (row.text("register_date"), row.text("issue_date"), row.text("licence_image"), row.text("list_image"))
        v.licensePK = row.text("license_pk")
        return v
    }

    public func saveHenanOrgan(_ organ: HenanOrgan) async throws {
        try await database.execute(
            """
            INSERT INTO henan_organs (organ, username, password_hash, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (organ) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash, updated_ms = excluded.updated_ms
            """,
            [.text(organ.organ), .text(organ.username), .text(organ.passwordHash), SQLValue(organ.createdAt), SQLValue(organ.updatedAt)])
    }

    public func henanOrgans() async throws -> [HenanOrgan] {
        try await database.query("SELECT * FROM henan_organs ORDER BY organ").map(Self.henanOrgan)
    }

    public func henanOrgan(_ organ: String) async throws -> HenanOrgan? {
        try await database.query("SELECT * FROM henan_organs WHERE organ = ?", [.text(organ)]).first.map(Self.henanOrgan)
    }

    static func henanOrgan(_ row: SQLRow) -> HenanOrgan {
        HenanOrgan(organ: row.text("organ") ?? "", username: row.text("username") ?? "", passwordHash: row.text("password_hash") ?? "",
                   createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func saveHenanEnterprise(_ enterprise: HenanEnterprise, relay: [HenanRelayItem]) async throws {
        let upsert = SQLStatement(
            """
            INSERT INTO henan_enterprises (code, name, industry, sub_industry, control_type, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, industry = excluded.industry, sub_industry = excluded.sub_industry,
                control_type = excluded.control_type, updated_ms = excluded.updated_ms
            """,
            [.text(enterprise.code), .text(enterprise.name), SQLValue(enterprise.industry), SQLValue(enterprise.subIndustry), SQLValue(enterprise.controlType),
             SQLValue(enterprise.createdAt), SQLValue(enterprise.updatedAt)])
        _ = try await database.transaction([upsert] + relay.map(relayStatement))
    }

    public func henanEnterprises() async throws -> [HenanEnterprise] {
        try await database.query("SELECT * FROM henan_enterprises ORDER BY code").map(Self.henanEnterprise)
    }

    public func henanEnterprise(code: String) async throws -> HenanEnterprise? {
        try await database.query("SELECT * FROM henan_enterprises WHERE code = ?", [.text(code)]).first.map(Self.henanEnterprise)
    }

    static func henanEnterprise(_ row: SQLRow) -> HenanEnterprise {
        HenanEnterprise(code: row.text("code") ?? "", name: row.text("name") ?? "", industry: row.text("industry"), subIndustry: row.text("sub_industry"),
                        controlType: row.text("control_type"), createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func saveHenanGate(_ gate: HenanGate, relay: [HenanRelayItem]) async throws {
        let upsert = SQLStatement(
            """
            INSERT INTO henan_gates (enterprise, code, type, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (enterprise, code) DO UPDATE SET type = excluded.type, updated_ms = excluded.updated_ms
            """,
            [.text(gate.enterprise), .text(gate.code), .text(gate.type), SQLValue(gate.createdAt), SQLValue(gate.updatedAt)])
        _ = try await database.transaction([upsert] + relay.map(relayStatement))
    }

    public func henanGates(enterprise: String?) async throws -> [HenanGate] {
        var filter = Filter()
        filter.equal("enterprise", enterprise)
        return try await database.query("SELECT * FROM henan_gates \(filter.sql) ORDER BY enterprise, code", filter.binds).map { row in
            HenanGate(enterprise: row.text("enterprise") ?? "", code: row.text("code") ?? "", type: row.text("type") ?? "",
                      createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    public func saveHenanCity(_ city: HenanCity) async throws {
        try await database.execute(
            """
            INSERT INTO henan_cities (organ, username, password_hash, org_secret, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (organ) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash, org_secret = excluded.org_secret,
                updated_ms = excluded.updated_ms
            """,
            [.text(city.organ), .text(city.username), .text(city.passwordHash), .text(city.orgSecret), SQLValue(city.createdAt), SQLValue(city.updatedAt)])
    }

    public func henanCities() async throws -> [HenanCity] {
        try await database.query("SELECT * FROM henan_cities ORDER BY organ").map { row in
            HenanCity(organ: row.text("organ") ?? "", username: row.text("username") ?? "", passwordHash: row.text("password_hash") ?? "",
                      orgSecret: row.text("org_secret") ?? "", createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }
}
