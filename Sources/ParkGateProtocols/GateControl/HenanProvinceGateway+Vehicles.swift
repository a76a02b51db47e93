import Foundation
import ParkGateModel
import ParkGateStore

extension HenanProvinceGateway {
    /// The city platform's checks and storage of filings and ledgers, shared.
    var filings: HenanCityGateway { HenanCityGateway(store: store, blobs: blobs, time: time, tokenLifetime: tokenLifetime, logger: logger) }

    /// The decision for a vehicle at a registered enterprise: its filing, the enterprise's
    /// industry and control type, its seasonal measure in force, whether it lies in one of its
    /// city's ban zones, and the control projects of its city (and the province's own).
    func decide(license: String, color: String, company: HenanProvinceCompany, at now: Date)
        async throws -> (decision: ControlEngine.Decision, filing: HenanVehicle?, mark: HenanVehicleMark?) {
        let filing = try await store.henanVehicle(license: license, color: color)
        let mark = try await store.henanVehicleMarks(license: license, color: color).first
        let vehicle = ControlEngine.Vehicle(
            plate: license, fuel: filing?.fuelType.flatMap { HenanFuelType(code: $0) }, stage: filing?.emissionStandard.flatMap { HenanEmissionStage(code: $0) },
            type: filing?.vehicleType.flatMap { HenanVehicleType(code: $0) }, blacklist: mark?.blacklist.flatMap { HenanBlacklistType(code: $0) },
            exemption: mark?.exemption.flatMap { HenanExemption(code: $0) })
        let measures = try await store.henanProvinceRecords(method: "SeasonalControlReport", city: company.city, company: company.code, limit: 1000).filter { record in
            guard let start = record.fields["startTime"].flatMap(parseTime) else { return false }
            let end = record.fields["endTime"].flatMap(parseTime) ?? .distantFuture
            return start <= now && now < end
        }
        var inZone = false
        if let lng = company.fields["lng"].flatMap(Double.init), let lat = company.fields["lat"].flatMap(Double.init) {
            for fence in try await store.henanFences(city: company.city) {
                if case .success(let zone) = Fence.parse(fence.area), zone.contains(Fence.Point(lng: lng, lat: lat)) { inZone = true }
            }
        }
        let enterprise = ControlEngine.Enterprise(
            code: company.code, industry: company.fields["industryType"], controlType: company.fields["controlType"].flatMap { HenanCompanyControlType(code: $0) },
            seasonalMeasure: measures.first?.fields["controlMeasures"].flatMap { HenanCompanyMeasure(code: $0) }, inBanZone: inZone)
        let projects = try await store.henanProjects().filter { $0.city == nil || $0.city == company.city }.compactMap(ControlEngine.Project.init)
        var quota: ControlEngine.Quota?
        if ControlEngine.needsQuota(projects, at: now), case let day = time.startOfDay(now) {
            // The province counts the passages the city reported (by when they arrived).
            let today = try await store.henanProvinceRecordCount(method: "SendEnterExitDataEx", company: company.code, from: day, to: now)
            let week = try await store.henanProvinceRecordCount(method: "SendEnterExitDataEx", company: company.code, from: day.addingTimeInterval(-7 * 86_400), to: day)
            quota = .from(today: today, lastSevenDays: week)
        }
        return (ControlEngine.decide(vehicle, at: enterprise, projects: projects, time: now, quota: quota), filing, mark)
    }

    /// 4.2.2: the vehicle as filed and the decision. `isNeedComplete` 1: nothing filed (the
    /// vehicle joins the enterprise's to-be-completed list, and `isControl` 2 leaves the
    /// decision to the city); 2: filed without its type or emission stage; 0: complete.
    func verify(_ fields: HenanFields, city: String, now: Date) async throws -> String {
        let company = try await company(secret: fields.text("companySecretCode"), city: city)
        if let gateSecret = fields.text("gateSecretCode") {
            guard try await store.henanProvinceGates(company: company.code, secret: gateSecret).first != nil else {
                throw Fail("gateSecretCode is not a gate of enterprise \(company.code)")
            }
        }
        try Self.check(fields, required: ["license", "licenseColor"], codes: ["licenseColor": Self.plateColor], lengths: ["license": 20])
        let (license, color) = (fields.text("license")!, fields.text("licenseColor")!)
        let (decision, filing, mark) = try await decide(license: license, color: color, company: company, at: now)
        let needsCompleting = filing == nil ? "1" : (filing?.vehicleType == nil || filing?.emissionStandard == nil ? "2" : "0")
        if filing == nil {
            try await store.saveHenanProvinceRecord(HenanProvinceRecord(
                method: "NeedComplete", item: [company.code, license, color].joined(separator: "|"), city: city, company: company.code,
                fields: ["license": license, "licenseColor": color, "addDate": time.formatCompact(now)], receivedAt: now))
        }
        let isControl = needsCompleting == "1" ? "2" : decision.code
        let reason = needsCompleting == "1" ? "车辆未备案，信息待完善，由市级平台判定" : decision.reason
        return Self.success([
            "license": license, "licenseColor": color, "fuelType": filing?.fuelType ?? "", "registerDate": filing?.registerDate ?? "",
            "syxz": filing?.useCharacter ?? "", "vinLast6": String((filing?.vin ?? "").suffix(6)), "vehType": filing?.vehicleType ?? "", "GVM": "",
            "emissionStandard": filing?.emissionStandard ?? "", "isBlackList": mark?.blacklist ?? "", "isExempt": mark?.exemption ?? "",
            "isControl": isControl, "controlReason": reason,
            "isNeedComplete": needsCompleting, "licensePK": filing?.licensePK ?? "",
        ])
    }

    /// 4.2.3: the enterprise's vehicles still without a filing, oldest first, at most 20.
    func needComplete(_ fields: HenanFields, city: String) async throws -> String {
        let company = try await company(secret: fields.text("companySecretCode"), city: city)
        var waiting: [[String: String]] = []
        for record in try await store.henanProvinceRecords(method: "NeedComplete", city: city, company: company.code, limit: 1000).reversed() {
            guard waiting.count < 20, let license = record.fields["license"], let color = record.fields["licenseColor"] else { continue }
            if try await store.henanVehicle(license: license, color: color) == nil { waiting.append(record.fields) }
        }
        return Self.success(waiting)
    }

    /// 4.2.4: the fields OCR could read from a driving licence picture.
    func scan(_ fields: HenanFields, city: String) async throws -> String {
        _ = try await company(secret: fields.text("companySecretCode"), city: city)
        guard let text = fields.text("drivingLicenseImg"), let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
            throw Fail("drivingLicenseImg is required: a base64 JPEG")
        }
        if let problem = HenanCityGateway.pictureProblem([UInt8](bytes), field: "drivingLicenseImg") { throw Fail(problem) }
        guard let scanLicence else { throw Fail("driving licence recognition is not installed on this platform (tesseract-ocr with chi_sim)") }
        guard let read = await scanLicence([UInt8](bytes)), !read.isEmpty else { throw Fail("nothing could be read from the picture") }
        return Self.success(read)
    }

    /// 4.2.15/4.2.16: a vehicle filing by an enterprise of the city. Add answers the
    /// `licensePK`; Modify names the filing by it, and its plate and colour cannot change.
    func fileVehicle(_ fields: HenanFields, city: String, modify: Bool, now: Date) async throws -> String {
        let company = try await company(secret: fields.text("companySecretCode"), city: city)
        var previous: HenanVehicle?
        if modify {
            guard let key = fields.text("licensePK") else { throw Fail("licensePK is required and cannot be changed (不能为空，不可修改)") }
            guard let filed = try await store.henanVehicle(licensePK: key) else { throw Fail("no filing \(key)") }
            for (field, value) in [("license", filed.license), ("licenseColor", filed.licenseColor)] {
                if let sent = fields.text(field), sent != value { throw Fail("\(field) cannot be changed (不可修改): filed \(value), sent \(sent)") }
            }
            previous = filed
        }
        var merged = fields.members
        if let previous { (merged["license"], merged["licenseColor"]) = (previous.license, previous.licenseColor) }
        let value = HenanFields(merged)
        guard let license = value.text("license"), let color = value.text("licenseColor") else { throw Fail("license and licenseColor are required") }
        let key = previous?.licensePK ?? Self.recordKey("vehicle", license, color)
        let filing = try await filings.saveFiling(value, organ: company.code, now: now, licensePK: key, existing: previous)
        return Self.success(["license": filing.license, "licenseColor": filing.licenseColor, "licensePK": key])
    }

    /// 4.2.17: a filing by `licensePK`, or by plate and colour.
    func vehicleFiling(_ fields: HenanFields) async throws -> String {
        let filing: HenanVehicle?
        if let key = fields.text("licensePK") {
            filing = try await store.henanVehicle(licensePK: key)
        } else if let license = fields.text("license"), let color = fields.text("licenseColor") {
            filing = try await store.henanVehicle(license: license, color: color)
        } else {
            throw Fail("licensePK, or license and licenseColor, are required")
        }
        guard let filing else { throw Fail("no such filing") }
        return Self.success([
            "license": filing.license, "licenseColor": filing.licenseColor, "vin": filing.vin ?? "", "vehicleType": filing.vehicleType ?? "",
            "useCharacter": filing.useCharacter ?? "", "engineNo": filing.engineNo ?? "", "onwer": filing.owner ?? "", "address": filing.address ?? "",
            "model": filing.model ?? "", "registerDate": filing.registerDate ?? "", "issueDate": filing.issueDate ?? "",
            "emissionStandard": filing.emissionStandard ?? "", "fuelType": filing.fuelType ?? "", "licensePK": filing.licensePK ?? "",
        ])
    }

    /// 4.2.18–4.2.21: in-plant vehicles and machinery. `companySecretCode` must be the
    /// `companyCode`'s; Modify names the entry by `licensePK`, and its plate (and colour) or
    /// `mhyPlate` cannot change.
    func ledger(_ method: String, _ fields: HenanFields, city: String, now: Date) async throws -> String {
        let kind: HenanLedgerEntry.Kind = method.hasPrefix("InnerVeh") ? .vehicle : .machinery
        let company = try await company(secret: fields.text("companySecretCode"), city: city)
        if let code = fields.text("companyCode"), code != company.code { throw Fail("companyCode \(code) is not the enterprise of companySecretCode") }
        var merged = fields.members
        merged["companyCode"] = company.code
        var previous: HenanLedgerEntry?
        if method.hasSuffix("Modify") {
            guard let key = fields.text("licensePK") else { throw Fail("licensePK is required and cannot be changed (不能为空，不可修改)") }
            guard let entry = try await store.henanLedgerEntry(licensePK: key), entry.kind == kind, entry.enterprise == company.code else {
                throw Fail("no \(kind == .vehicle ? "in-plant vehicle" : "machine") \(key) of enterprise \(company.code)")
            }
            let fixed = kind == .vehicle ? ["license", "licenseColor"] : ["mhyPlate"]
            for field in fixed {
                if let sent = fields.text(field), let kept = entry.fields[field], sent != kept {
                    throw Fail("\(field) cannot be changed (不可修改): filed \(kept), sent \(sent)")
                }
            }
            previous = entry
        }
        let value = HenanFields(merged)
        let item = kind == .vehicle ? [value.text("license") ?? previous?.fields["license"] ?? "", value.text("licenseColor") ?? previous?.fields["licenseColor"] ?? ""]
            .joined(separator: "/") : value.text("mhyPlate") ?? previous?.fields["mhyPlate"] ?? ""
        let key = previous?.licensePK ?? Self.recordKey(kind.rawValue, company.code, item)
        let entry = try await filings.saveLedgerEntry(kind, value, organ: company.code, now: now, licensePK: key, previous: previous)
        if kind == .vehicle {
            return Self.success(["license": entry.fields["license"] ?? "", "licenseColor": entry.fields["licenseColor"] ?? "", "licensePK": key])
        }
        return Self.success(["mhyPlate": entry.item, "licensePK": key])
    }
}
