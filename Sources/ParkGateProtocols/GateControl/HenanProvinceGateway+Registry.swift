import Foundation
import ParkGateModel
import ParkGateStore

extension HenanProvinceGateway {
    /// ModifyCompany's fields marked 省平台按要求修改: a city may not change them.
    static let provinceOnly = ["uscc", "companyName", "industryType", "industrySubType", "controlType", "cityCode", "lng", "lat"]

    static let companyCodes: [String: CodeCheck] = [
        "industryType": ("7.16", { HenanIndustry.name(of: $0) != nil }), "industrySubType": ("7.16", { HenanIndustry.industry(ofSubIndustry: $0) != nil }),
        "controlType": ("7.21", { HenanCompanyControlType(code: $0) != nil }), "companyStatus": status,
    ]
    static let companyLengths = ["uscc": 32, "companyName": 300, "address": 300, "legalPerson": 32, "contact": 32, "phone": 32]

    /// Checks an enterprise's fields; returns them as stored (a pair of coordinates that only
    /// makes sense swapped is swapped, and says so in `coordinatesSwapped`).
    func companyFields(_ data: HenanFields, city: String, required: [String]) throws -> [String: String] {
        try Self.check(data, required: required, codes: Self.companyCodes, lengths: Self.companyLengths)
        if let industry = data.text("industryType"), let sub = data.text("industrySubType"), HenanIndustry.industry(ofSubIndustry: sub) != industry {
            throw Fail("industrySubType \(sub) does not belong to industryType \(industry)")
        }
        if let total = data.text("gateTotal"), Int(total) == nil { throw Fail("gateTotal \(total) is not a number") }
        var fields = Self.texts(data)
        if let pair = try Self.coordinates(lng: data.text("lng"), lat: data.text("lat")) {
            (fields["lng"], fields["lat"]) = (pair.lng, pair.lat)
            if pair.swapped { fields["coordinatesSwapped"] = "1" }
        }
        return fields
    }

    /// `lng`/`lat` as decimal degrees (BD-09). The company methods describe them the wrong way
    /// round (README), so a pair that only makes sense swapped is taken swapped.
    static func coordinates(lng: String?, lat: String?) throws -> (lng: String, lat: String, swapped: Bool)? {
        guard lng != nil || lat != nil else { return nil }
        guard let lngText = lng, let latText = lat, let x = Double(lngText), let y = Double(latText) else {
            throw Fail("lng and lat must both be decimal degrees")
        }
        if abs(x) <= 180, abs(y) <= 90 { return (lngText, latText, false) }
        if abs(y) <= 180, abs(x) <= 90 { return (latText, lngText, true) }
        throw Fail("lng \(lngText), lat \(latText) are not coordinates")
    }

    /// 4.2.5: registers an enterprise of the city and issues its `companySecretCode`. A repeat
    /// of a registered code answers the secret issued the first time and keeps the first copy.
    func addCompany(_ data: HenanFields, city: String, now: Date) async throws -> String {
        guard let code = data.text("companyCode") else { throw Fail("data.companyCode is required") }
        if let problem = HenanNumbering.enterpriseProblem(code) { throw Fail(problem) }
        guard HenanNumbering.city(ofEnterprise: code) == city else {
            throw Fail("enterprise \(code) is in city \(HenanNumbering.city(ofEnterprise: code)), not \(city)")
        }
        let fields = try companyFields(data, city: city, required: ["companyName", "industryType", "controlType"])
        if let existing = try await store.henanProvinceCompany(code: code, secret: nil) {
            guard existing.city == city else { throw Fail("enterprise \(code) belongs to another city") }
            return Self.success(["companySecretCode": existing.secret])
        }
        let company = HenanProvinceCompany(code: code, city: city, secret: SecureToken.hex(), fields: fields, createdAt: now, updatedAt: now)
        try await store.saveHenanProvinceCompany(company)
        try await mirrorEnterprise(company, now: now)
        return Self.success(["companySecretCode": company.secret])
    }

    /// The registry the control engine reads (industry, control type) follows the registration.
    func mirrorEnterprise(_ company: HenanProvinceCompany, now: Date) async throws {
        let existing = try await store.henanEnterprise(code: company.code)
        try await store.saveHenanEnterprise(HenanEnterprise(
            code: company.code, name: company.fields["companyName"] ?? company.code, industry: company.fields["industryType"],
            subIndustry: company.fields["industrySubType"], controlType: company.fields["controlType"], createdAt: existing?.createdAt ?? now, updatedAt: now))
    }

    /// 4.2.9: the city changes what it may; the fields marked 省平台按要求修改 stay as registered.
    func modifyCompany(_ data: HenanFields, city: String, now: Date) async throws -> String {
        guard data.text("companyCode") != nil else { throw Fail("data.companyCode is required and cannot be changed (不能为空，不可修改)") }
        var company = try await company(code: data.text("companyCode"), city: city)
        let fields = try companyFields(data, city: city, required: [])
        for key in Self.provinceOnly {
            if let value = fields[key], value != company.fields[key] {
                throw Fail("\(key) can only be changed by the provincial platform on request (省平台按要求修改): registered \(company.fields[key] ?? "empty"), sent \(value)")
            }
        }
        for (key, value) in fields where key != "coordinatesSwapped" { company.fields[key] = value }
        company.updatedAt = now
        try await store.saveHenanProvinceCompany(company)
        return Self.success()
    }

    /// 4.2.7: the city's registered enterprises of `list`.
    func companyInfo(_ fields: HenanFields, city: String) async throws -> String {
        var found: [[String: String]] = []
        for item in try Self.list(fields, "list") {
            guard let code = item.text("companyCode"), let company = try await store.henanProvinceCompany(code: code, secret: nil), company.city == city else { continue }
            if let uscc = item.text("uscc"), let registered = company.fields["uscc"], uscc != registered { continue }
            var answer = company.fields
            answer.removeValue(forKey: "coordinatesSwapped")
            answer["companyCode"] = company.code
            found.append(answer)
        }
        guard !found.isEmpty else { throw Fail("none of the enterprises listed is registered for this city") }
        return Self.success(found)
    }

    static let gateCodes: [String: CodeCheck] = [
        "gateEnterExitType": ("7.15", { HenanGateDirection(code: $0) != nil }), "gateStatus": status,
    ]
    static let gateLengths = ["address": 300, "contact": 32, "phone": 32, "gateMaintainCompany": 300, "gateMaintainCompanyContact": 32, "gateName": 32]

    func gateFields(_ item: HenanFields, required: [String]) throws -> [String: String] {
        try Self.check(item, required: required, codes: Self.gateCodes, lengths: Self.gateLengths)
        var fields = Self.texts(item)
        if let pair = try Self.coordinates(lng: item.text("lng"), lat: item.text("lat")) { (fields["lng"], fields["lat"]) = (pair.lng, pair.lat) }
        return fields
    }

    /// 4.2.6: registers gates of a registered enterprise; each gets a `gateSecretCode` and an
    /// account (`username` = enterprise + gate code, `pwd` shown once). A repeat of a registered
    /// gate answers its secret and username with an empty `pwd` and keeps the first copy.
    func addGate(_ fields: HenanFields, city: String, now: Date) async throws -> String {
        let company = try await company(code: fields.text("companyCode"), city: city)
        if let uscc = fields.text("uscc"), let registered = company.fields["uscc"], uscc != registered {
            throw Fail("uscc \(uscc) is not the registered one of enterprise \(company.code)")
        }
        let items = try Self.list(fields, "list")
        // Every gate is checked before any is stored.
        var checked: [(code: String, fields: [String: String])] = []
        for item in items {
            guard let code = item.text("gateCode") else { throw Fail("gateCode is required") }
            if let problem = HenanNumbering.gateProblem(code) { throw Fail(problem) }
            checked.append((code, try gateFields(item, required: ["gateEnterExitType"])))
        }
        let existing = try await store.henanProvinceGates(company: company.code, secret: nil)
        var answers: [[String: String]] = []
        for (code, gateFields) in checked {
            if let registered = existing.first(where: { $0.code == code }) {
                answers.append(["gateCode": code, "gateSecretCode": registered.secret, "username": registered.username, "pwd": ""])
                continue
            }
            let password = SecureToken.hex(bytes: 6)
            let gate = HenanProvinceGate(company: company.code, code: code, secret: SecureToken.hex(), username: company.code + code,
                                         passwordHash: try await PasswordHash.hashed(password), fields: gateFields, createdAt: now, updatedAt: now)
            try await store.saveHenanProvinceGate(gate)
            try await store.saveHenanGate(HenanGate(enterprise: company.code, code: code, type: gateFields["gateEnterExitType"] ?? "C", createdAt: now, updatedAt: now))
            answers.append(["gateCode": code, "gateSecretCode": gate.secret, "username": gate.username, "pwd": password])
        }
        return Self.success(answers)
    }

    /// 4.2.10: `companyCode` and `data.gateCode` name the gate and cannot change.
    func modifyGate(_ fields: HenanFields, city: String, now: Date) async throws -> String {
        let company = try await company(code: fields.text("companyCode"), city: city)
        let data = fields.object("data")
        guard let code = data.text("gateCode") else { throw Fail("data.gateCode is required and cannot be changed (不能为空，不可修改)") }
        guard var gate = try await store.henanProvinceGates(company: company.code, secret: nil).first(where: { $0.code == code }) else {
            throw Fail("gate \(code) of enterprise \(company.code) is not registered (AddGate)")
        }
        for (key, value) in try gateFields(data, required: []) { gate.fields[key] = value }
        gate.updatedAt = now
        try await store.saveHenanProvinceGate(gate)
        if let type = gate.fields["gateEnterExitType"] {
            try await store.saveHenanGate(HenanGate(enterprise: company.code, code: code, type: type, createdAt: gate.createdAt, updatedAt: now))
        }
        return Self.success()
    }

    /// 4.2.8: an enterprise's gates, all or those named (`gateCode` "01,02").
    func gateInfo(_ fields: HenanFields, city: String) async throws -> String {
        let company = try await company(code: fields.text("companyCode"), city: city)
        let wanted = fields.text("gateCode").map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        let gates = try await store.henanProvinceGates(company: company.code, secret: nil).filter { wanted?.contains($0.code) ?? true }
        guard !gates.isEmpty else { throw Fail("no registered gate of enterprise \(company.code) matches") }
        return Self.success(gates.map { gate -> [String: String] in
            var answer = gate.fields
            (answer["companyCode"], answer["gateCode"], answer["gateSecretCode"]) = (company.code, gate.code, gate.secret)
            return answer
        })
    }
}
