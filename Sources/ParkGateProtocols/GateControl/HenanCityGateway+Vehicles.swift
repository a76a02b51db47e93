import Foundation
import ParkGateModel
import ParkGateStore

/// A JSON object's members as text (strings, or numbers as written), and nested objects.
struct HenanFields {
    let members: [String: Any]

    init(_ members: [String: Any]) { self.members = members }

    func text(_ key: String) -> String? {
        switch members[key] {
        case let value as String: Optional(value.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 }
        case let value as NSNumber: value.stringValue
        default: nil
        }
    }

    func object(_ key: String) -> HenanFields { HenanFields(members[key] as? [String: Any] ?? [:]) }
}

extension HenanCityGateway {
    /// 4.1.3: the vehicle's filing, the enterprise (the organ's, when registered), the control
    /// projects the city runs (`parkgate control-project run`) and the control decision.
    func checkVehicle(_ fields: HenanFields, organ: String, now: Date) async throws -> String {
        let value = fields.object("value")
        guard let license = value.text("license"), let color = value.text("licenseColor") else {
            return Self.answer(.badRequest, reason: "value.license and value.licenseColor are required")
        }
        guard HenanPlateColor(code: color) != nil else { return Self.answer(.format, reason: "licenseColor \(color) is not in 7.1") }
        let (decision, filing) = try await decide(license: license, color: color, enterprise: organ, at: now)
        let answer = JSONText.object([
            ("license", license), ("licenseColor", color), ("isControl", decision.code), ("fuelType", filing?.fuelType ?? ""),
            ("emissionStandard", filing?.emissionStandard ?? ""), ("controlReason", decision.reason),
        ])
        return Self.answer(.ok, value: answer)
    }

    /// The control decision for a vehicle at an enterprise at a time, with the filing it read.
    func decide(license: String, color: String, enterprise code: String, at time: Date) async throws -> (ControlEngine.Decision, HenanVehicle?) {
        let filing = try await store.henanVehicle(license: license, color: color)
        let registered = try await enterprises.value(code, now: Date(), fetch: { try await store.henanEnterprise(code: code) })
        let mark = try await store.henanVehicleMarks(license: license, color: color).first
        let vehicle = ControlEngine.Vehicle(
            plate: license, fuel: filing?.fuelType.flatMap { HenanFuelType(code: $0) }, stage: filing?.emissionStandard.flatMap { HenanEmissionStage(code: $0) },
            type: filing?.vehicleType.flatMap { HenanVehicleType(code: $0) }, blacklist: mark?.blacklist.flatMap { HenanBlacklistType(code: $0) },
            exemption: mark?.exemption.flatMap { HenanExemption(code: $0) })
        let enterprise = ControlEngine.Enterprise(
            code: code, industry: registered?.industry, controlType: registered?.controlType.flatMap { HenanCompanyControlType(code: $0) })
        // This platform's own projects; those cities reported (provincial role) apply to their cities.
        let projects = try await self.projects.value(0, now: Date()) {
            try await store.henanProjects().filter { $0.city == nil }.compactMap(ControlEngine.Project.init)
        }
        var quota: ControlEngine.Quota?
        if ControlEngine.needsQuota(projects, at: time), case let day = self.time.startOfDay(time) {
            let today = try await store.henanEnteringCount(enterprise: code, from: day, to: time)
            let week = try await store.henanEnteringCount(enterprise: code, from: day.addingTimeInterval(-7 * 86_400), to: day)
            quota = .from(today: today, lastSevenDays: week)
        }
        return (ControlEngine.decide(vehicle, at: enterprise, projects: projects, time: time, quota: quota), filing)
    }

    /// 4.1.2, 4.1.7 and 4.1.8 as their examples print them: flat, `accessToken` (a
    /// `getAccessToken` token) at the top, answered `result/err/data`. Which of the three it is
    /// shows in its fields: `mhyPlate`/`mhyJXMC` a machine, `companyCode`/`carStatus` an in-plant
    /// vehicle, otherwise a vehicle filing.
    func flatFiling(_ fields: HenanFields, now: Date) async throws -> String {
        func fail(_ reason: String) -> String { "{\"result\":\"fail\",\"err\":" + JSONText.quote(reason) + ",\"data\":{}}" }
        // The organ: by its token, or by the companySecretCode the province issued for it (relayed AddCompany).
        let organ: String
        if let value = fields.text("accessToken") {
            guard let token = try await store.token(value), token.kind == "henan", token.expiresAt > now else {
                return fail("accessToken unknown or expired (2 hours): call getAccessToken")
            }
            organ = token.subject
        } else if let secret = fields.text("companySecretCode") {
            guard let enterprise = try await store.henanEnterprise(provinceSecret: secret) else {
                return fail("unknown companySecretCode (the province issues it when the enterprise is registered; until then send accessToken)")
            }
            organ = enterprise.code
        } else {
            return fail("accessToken or companySecretCode is required")
        }
        do {
            if fields.text("mhyPlate") != nil || fields.text("mhyJXMC") != nil {
                try await saveLedgerEntry(.machinery, fields, organ: organ, now: now)
            } else if fields.text("companyCode") != nil || fields.text("carStatus") != nil {
                try await saveLedgerEntry(.vehicle, fields, organ: organ, now: now)
            } else {
                try await saveFiling(fields, organ: organ, now: now)
            }
        } catch let failure as Failure {
            return fail(failure.message)
        }
        return "{\"result\":\"success\",\"err\":\"\",\"data\":{}}"
    }

    /// Checks a filing against the code lists (952), its pictures (JPEG, at most 1 MiB; the
    /// licence and the vehicle list may not both be missing), then stores the pictures and the filing.
    /// With `existing` (the provincial VehElecAccountModify) the fields not sent and the
    /// pictures keep their filed values.
    @discardableResult
    func saveFiling(_ value: HenanFields, organ: String, now: Date, licensePK: String? = nil, existing previous: HenanVehicle? = nil) async throws -> HenanVehicle {
        guard let license = value.text("license"), let color = value.text("licenseColor") else {
            throw Failure(code: .badRequest, message: "license and licenseColor are required")
        }
        guard license.count <= 14 else { throw Failure(code: .format, message: "license \(license) is longer than 14 characters") }
        guard HenanPlateColor(code: color) != nil else { throw Failure(code: .format, message: "licenseColor \(color) is not in 7.1") }
        let checks: [(String, (String) -> Bool, String)] = [
            ("vehicleType", { HenanVehicleType(code: $0) != nil }, "7.7"), ("useCharacter", { HenanUseCharacter(code: $0) != nil }, "7.8"),
            ("emissionStandard", { HenanEmissionStage(code: $0) != nil }, "7.6"), ("fuelType", { HenanFuelType(code: $0) != nil }, "7.12"),
        ]
        for (key, valid, table) in checks {
            if let text = value.text(key), !valid(text) { throw Failure(code: .format, message: "\(key) \(text) is not in \(table)") }
        }
        let pictures = try Self.pictures(value, keys: ["drivingLicenseImg", "drivingLicenseImg2"])
        guard !pictures.isEmpty || previous != nil else {
            throw Failure(code: .badRequest, message: "drivingLicenseImg and drivingLicenseImg2 may not both be empty")
        }
        for picture in pictures { try blobs.put(picture.bytes, named: picture.name) }
        let existing = try await store.henanVehicle(license: license, color: color)
        var filing = HenanVehicle(license: license, licenseColor: color, filedBy: organ, createdAt: existing?.createdAt ?? now, updatedAt: now)
        func text(_ key: String, _ kept: String?) -> String? { value.text(key) ?? (previous == nil ? nil : kept) }
        (filing.vehicleType, filing.useCharacter, filing.emissionStandard, filing.fuelType) =
            (text("vehicleType", previous?.vehicleType), text("useCharacter", previous?.useCharacter),
             text("emissionStandard", previous?.emissionStandard), text("fuelType", previous?.fuelType))
        (filing.vin, filing.engineNo, filing.owner, filing.address, filing.model) =
            (text("vin", previous?.vin), text("engineNo", previous?.engineNo), value.text("onwer") ?? text("owner", previous?.owner),
             text("address", previous?.address), text("model", previous?.model))
        (filing.registerDate, filing.issueDate) = (text("registerDate", previous?.registerDate), text("issueDate", previous?.issueDate))
        filing.drivingLicenseImage = pictures.first { $0.key == "drivingLicenseImg" }?.name ?? previous?.drivingLicenseImage
        filing.vehicleListImage = pictures.first { $0.key == "drivingLicenseImg2" }?.name ?? previous?.vehicleListImage
        filing.licensePK = licensePK ?? existing?.licensePK
        // A city's own filing goes to its province; the province's copy (licensePK given) goes nowhere.
        try await store.saveHenanVehicle(filing, relay: licensePK == nil ? [HenanRelayPayloads.filing(filing, now: now)] : [])
        return filing
    }
}
