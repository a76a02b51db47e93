import Foundation

/// An enterprise a city registered with the provincial platform (AddCompany): the
/// `companySecretCode` issued for it and its fields as last accepted.
public struct HenanProvinceCompany: Sendable, Hashable, Encodable {
    public var code: String
    /// The city bureau (6.1) that registered it.
    public var city: String
    public var secret: String
    public var fields: [String: String]
    public var createdAt, updatedAt: Date

    public init(code: String, city: String, secret: String, fields: [String: String], createdAt: Date, updatedAt: Date) {
        (self.code, self.city, self.secret, self.fields, self.createdAt, self.updatedAt) = (code, city, secret, fields, createdAt, updatedAt)
    }

    enum CodingKeys: String, CodingKey { case code, city, fields, createdAt, updatedAt }
}

/// A gate a city registered (AddGate), with the `gateSecretCode` and account issued for it.
public struct HenanProvinceGate: Sendable, Hashable, Encodable {
    public var company, code: String
    public var secret: String
    public var username: String
    public var passwordHash: String
    public var fields: [String: String]
    public var createdAt, updatedAt: Date

    public init(company: String, code: String, secret: String, username: String, passwordHash: String, fields: [String: String], createdAt: Date, updatedAt: Date) {
        (self.company, self.code, self.secret, self.username, self.passwordHash) = (company, code, secret, username, passwordHash)
        (self.fields, self.createdAt, self.updatedAt) = (fields, createdAt, updatedAt)
    }

    enum CodingKeys: String, CodingKey { case company, code, username, fields, createdAt, updatedAt }
}

/// A report a city sent the province (a passage, goods, daily figures, a gate's status, a
/// seasonal measure, a check's feedback): stored once by its key within its method.
public struct HenanProvinceRecord: Sendable, Hashable, Encodable {
    public var method: String
    public var item: String
    public var city: String
    public var company: String?
    public var fields: [String: String]
    public var receivedAt: Date

    public init(method: String, item: String, city: String, company: String?, fields: [String: String], receivedAt: Date) {
        (self.method, self.item, self.city, self.company, self.fields, self.receivedAt) = (method, item, city, company, fields, receivedAt)
    }
}

/// A city's heavy diesel truck ban zone (ElectronicFenceAdd/Modify): `areaCollection` as sent.
public struct HenanFence: Sendable, Hashable, Encodable {
    public var id: String
    public var city: String
    public var name: String
    public var area: String
    public var remark: String?
    public var createdAt, updatedAt: Date

    public init(id: String, city: String, name: String, area: String, remark: String?, createdAt: Date, updatedAt: Date) {
        (self.id, self.city, self.name, self.area, self.remark, self.createdAt, self.updatedAt) = (id, city, name, area, remark, createdAt, updatedAt)
    }
}

extension SQLStore {
    public func saveHenanProvinceCompany(_ c: HenanProvinceCompany) async throws {
        try await database.execute(
            """
            INSERT INTO henan_province_companies (code, city, secret, fields, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET fields = excluded.fields, updated_ms = excluded.updated_ms
            """,
            [.text(c.code), .text(c.city), .text(c.secret), .text(Self.jsonText(c.fields)), SQLValue(c.createdAt), SQLValue(c.updatedAt)])
    }

    /// By code, or by its secret.
    public func henanProvinceCompany(code: String? = nil, secret: String? = nil) async throws -> HenanProvinceCompany? {
        var filter = Filter()
        filter.equal("code", code)
        filter.equal("secret", secret)
        guard !filter.binds.isEmpty else { return nil }
        return try await database.query("SELECT * FROM henan_province_companies \(filter.sql)", filter.binds).first.map(Self.provinceCompany)
    }

    public func henanProvinceCompanies(city: String?) async throws -> [HenanProvinceCompany] {
        var filter = Filter()
        filter.equal("city", city)
        return try await database.query("SELECT * FROM henan_province_companies \(filter.sql) ORDER BY code", filter.binds).map(Self.provinceCompany)
    }

    static func provinceCompany(_ row: SQLRow) -> HenanProvinceCompany {
        HenanProvinceCompany(code: row.text("code") ?? "", city: row.text("city") ?? "", secret: row.text("secret") ?? "", fields: jsonMap(row.text("fields")),
                             createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
    }

    public func saveHenanProvinceGate(_ g: HenanProvinceGate) async throws {
        try await database.execute(
            """
            INSERT INTO henan_province_gates (company, code, secret, username, password_hash, fields, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company, code) DO UPDATE SET fields = excluded.fields, updated_ms = excluded.updated_ms
            """,
            [.text(g.company), .text(g.code), .text(g.secret), .text(g.username), .text(g.passwordHash), .text(Self.jsonText(g.fields)),
             SQLValue(g.createdAt), SQLValue(g.updatedAt)])
    }

    /// A company's gates (all, or those of `codes`), or the gate holding `secret`.
    public func henanProvinceGates(company: String?, secret: String? = nil) async throws -> [HenanProvinceGate] {
        var filter = Filter()
        filter.equal("company", company)
        filter.equal("secret", secret)
        return try await database.query("SELECT * FROM henan_province_gates \(filter.sql) ORDER BY company, code", filter.binds).map { row in
            HenanProvinceGate(
                company: row.text("company") ?? "", code: row.text("code") ?? "", secret: row.text("secret") ?? "", username: row.text("username") ?? "",
                passwordHash: row.text("password_hash") ?? "", fields: Self.jsonMap(row.text("fields")), createdAt: row.date("created_ms") ?? .distantPast,
                updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }

    /// Stores a report once; false when its method already holds its key (a repeat: nothing new).
    @discardableResult
    public func saveHenanProvinceRecord(_ r: HenanProvinceRecord) async throws -> Bool {
        try await database.execute(
            """
            INSERT INTO henan_province_records (method, item, city, company, fields, received_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (method, item) DO NOTHING
            """,
            [.text(r.method), .text(r.item), .text(r.city), SQLValue(r.company), .text(Self.jsonText(r.fields)), SQLValue(r.receivedAt)]) > 0
    }

    /// Reports of one method, newest first, of one city (and enterprise) or all.
    public func henanProvinceRecords(method: String, city: String?, company: String?, limit: Int) async throws -> [HenanProvinceRecord] {
        var filter = Filter()
        filter.equal("method", method)
        filter.equal("city", city)
        filter.equal("company", company)
        return try await database.query(
            "SELECT * FROM henan_province_records \(filter.sql) ORDER BY received_ms DESC, item LIMIT ?", filter.binds + [.int(Int64(limit))]
        ).map { row in
            HenanProvinceRecord(method: row.text("method") ?? "", item: row.text("item") ?? "", city: row.text("city") ?? "", company: row.text("company"),
                                fields: Self.jsonMap(row.text("fields")), receivedAt: row.date("received_ms") ?? .distantPast)
        }
    }

    /// Reports of one method and enterprise received in `[from, to)`.
    public func henanProvinceRecordCount(method: String, company: String, from: Date, to: Date) async throws -> Int {
        Int(try await database.query(
            "SELECT COUNT(*) AS n FROM henan_province_records WHERE method = ? AND company = ? AND received_ms >= ? AND received_ms < ?",
            [.text(method), .text(company), SQLValue(from), SQLValue(to)]).first?.int("n") ?? 0)
    }

    public func saveHenanFence(_ f: HenanFence) async throws {
        try await database.execute(
            """
            INSERT INTO henan_fences (id, city, name, area, remark, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, area = excluded.area, remark = excluded.remark, updated_ms = excluded.updated_ms
            """,
            [.text(f.id), .text(f.city), .text(f.name), .text(f.area), SQLValue(f.remark), SQLValue(f.createdAt), SQLValue(f.updatedAt)])
    }

    public func henanFences(city: String?) async throws -> [HenanFence] {
        var filter = Filter()
        filter.equal("city", city)
        return try await database.query("SELECT * FROM henan_fences \(filter.sql) ORDER BY id", filter.binds).map { row in
            HenanFence(id: row.text("id") ?? "", city: row.text("city") ?? "", name: row.text("name") ?? "", area: row.text("area") ?? "",
                       remark: row.text("remark"), createdAt: row.date("created_ms") ?? .distantPast, updatedAt: row.date("updated_ms") ?? .distantPast)
        }
    }
}
