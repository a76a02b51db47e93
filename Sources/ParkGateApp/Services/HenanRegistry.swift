import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The Henan platforms' registry as the CLI (and later the API and console) change it: organ
/// accounts, enterprises (6.2 codes, 7.16 industries, 7.21 control types), their gates (6.3,
/// 7.15) and, for a provincial platform, the cities that report to it (6.1).
public struct HenanRegistry: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// An account an enterprise's gate system uses with the city platform's `getAccessToken`.
    public func saveOrgan(organ: String, username: String, password: String, now: Date = Date()) async throws -> HenanOrgan {
        guard organ.count == 10, organ.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw Invalid(description: "organ \(organ) must be 10 digits") }
        guard !username.isEmpty, !password.isEmpty else { throw Invalid(description: "a username and a password are required") }
        if let other = try await store.henanOrgans().first(where: { $0.username == username && $0.organ != organ }) {
            throw Invalid(description: "username \(username) already belongs to organ \(other.organ)")
        }
        let existing = try await store.henanOrgan(organ)
        let saved = HenanOrgan(organ: organ, username: username, passwordHash: try await PasswordHash.hashed(password), createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveHenanOrgan(saved)
        return saved
    }

    public func saveEnterprise(code: String, name: String, industry: String?, subIndustry: String?, controlType: String?, now: Date = Date()) async throws -> HenanEnterprise {
        if let problem = HenanNumbering.enterpriseProblem(code) { throw Invalid(description: problem) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw Invalid(description: "a name is required") }
        if let industry, HenanIndustry.name(of: industry) == nil { throw Invalid(description: "industry \(industry) is not in 7.16") }
        if let subIndustry {
            guard let owner = HenanIndustry.industry(ofSubIndustry: subIndustry) else { throw Invalid(description: "sub-industry \(subIndustry) is not in 7.16") }
            if let industry, owner != industry { throw Invalid(description: "sub-industry \(subIndustry) belongs to industry \(owner), not \(industry)") }
        }
        if let controlType, HenanCompanyControlType(code: controlType) == nil { throw Invalid(description: "control type \(controlType) is not in 7.21 (1–9)") }
        let existing = try await store.henanEnterprise(code: code)
        let saved = HenanEnterprise(
            code: code, name: name, industry: industry ?? subIndustry.flatMap(HenanIndustry.industry(ofSubIndustry:)), subIndustry: subIndustry,
            controlType: controlType, createdAt: existing?.createdAt ?? now, updatedAt: now)
        // A new enterprise is registered with the province (the relay sends it when one is configured).
        try await store.saveHenanEnterprise(saved, relay: existing == nil ? [HenanRelayPayloads.company(saved, now: now)] : [])
        return saved
    }

    public func saveGate(enterprise: String, code: String, type: String, now: Date = Date()) async throws -> HenanGate {
        guard try await store.henanEnterprise(code: enterprise) != nil else {
            throw Invalid(description: "enterprise \(enterprise) is not registered (parkgate enterprise add first)")
        }
        if let problem = HenanNumbering.gateProblem(code) { throw Invalid(description: problem) }
        guard HenanGateDirection(code: type) != nil else { throw Invalid(description: "gate type \(type) must be A (exit only), B (entry only) or C (both), 7.15") }
        let existing = try await store.henanGates(enterprise: enterprise).first { $0.code == code }
        let saved = HenanGate(enterprise: enterprise, code: code, type: type, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveHenanGate(saved, relay: existing == nil ? [HenanRelayPayloads.gate(saved, now: now)] : [])
        return saved
    }

    /// A city platform of 6.1 that may report to this provincial platform.
    public func saveCity(organ: String, username: String, password: String, orgSecret: String, now: Date = Date()) async throws -> HenanCity {
        guard organ != "4100000000", HenanNumbering.organisationName(organ) != nil else {
            throw Invalid(description: "organ \(organ) is not a city bureau of 6.1 (4101000000 … 4117000000)")
        }
        guard !username.isEmpty, !password.isEmpty, !orgSecret.isEmpty else { throw Invalid(description: "a username, a password and an org secret are required") }
        let existing = try await store.henanCities().first { $0.organ == organ }
        let saved = HenanCity(organ: organ, username: username, passwordHash: try await PasswordHash.hashed(password), orgSecret: orgSecret,
                              createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveHenanCity(saved)
        return saved
    }

    /// A vehicle's blacklist (7.4) and exemption (7.14); both nil removes them.
    public func markVehicle(license: String, color: String, blacklist: String?, exemption: String?, reason: String?, now: Date = Date()) async throws -> HenanVehicleMark {
        guard !license.isEmpty, license.count <= 14 else { throw Invalid(description: "a plate of at most 14 characters is required") }
        guard HenanPlateColor(code: color) != nil else { throw Invalid(description: "plate colour \(color) is not in 7.1") }
        if let blacklist, HenanBlacklistType(code: blacklist) == nil { throw Invalid(description: "blacklist \(blacklist) is not in 7.4 (1–6, 9)") }
        if let exemption, HenanExemption(code: exemption) == nil { throw Invalid(description: "exemption \(exemption) is not in 7.14") }
        let mark = HenanVehicleMark(license: license, licenseColor: color, blacklist: blacklist, exemption: exemption, reason: reason, updatedAt: now)
        try await store.saveHenanVehicleMark(mark)
        return mark
    }
}
