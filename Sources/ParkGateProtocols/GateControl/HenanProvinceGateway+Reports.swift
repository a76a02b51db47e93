import Foundation
import ParkGateModel
import ParkGateStore

extension HenanProvinceGateway {
    static let passageCodes: [String: CodeCheck] = [
        "licenseColor": plateColor, "emissionStandard": stage, "fuelType": ("7.12", { HenanFuelType(code: $0) != nil }),
        "isBlackList": ("7.4", { HenanBlacklistType(code: $0) != nil }), "isExempt": ("7.14", { HenanExemption(code: $0) != nil }),
        "isControl": ("0 否, 1 是", { ["0", "1"].contains($0) }), "gateSignal": ("0 摆杆通行, 1 未摆杆, 2 摆杆未通行", { ["0", "1", "2"].contains($0) }),
    ]

    /// The reports a city sends, each stored once by its key: passages (4.2.11, key
    /// `serialNum`), goods (4.2.14, `serialNum` + `hwmc`), daily figures by city (4.2.12, the
    /// date) and by district (4.2.13, district + date), gate status (4.2.25, gate + hour),
    /// seasonal measures (4.2.26, enterprise + start) and check feedback (4.2.27, `serialNum` +
    /// `dateB`). A list is checked whole before anything of it is stored.
    func report(_ method: String, _ fields: HenanFields, city: String, now: Date) async throws -> String {
        var records: [HenanProvinceRecord] = []
        switch method {
        case "SendEnterExitDataEx", "SendGoodsRecordData":
            let goods = method == "SendGoodsRecordData"
            for (index, item) in try Self.list(fields, "list").enumerated() {
                do {
                    let required = ["serialNum", "companyCode", "gateCode", "license", "licenseColor"] + (goods ? ["hwmc", "ysl"] : ["isControl", "gateSignal", "date"])
                    try Self.check(item, required: required, codes: Self.passageCodes, lengths: ["license": 32, "hwmc": 32, "imgURL1": 64, "imgURL2": 64])
                    let company = try await company(code: item.text("companyCode"), city: city)
                    let (serial, gate) = (item.text("serialNum")!, item.text("gateCode")!)
                    if let problem = HenanNumbering.serialProblem(serial, enterprise: company.code, gate: gate, entering: nil, time: time) { throw Fail(problem) }
                    if goods {
                        let tons = item.text("ysl")!
                        guard tons.count <= 4, let amount = Double(tons), amount >= 0 else { throw Fail("ysl \(tons) is not a number of tonnes of at most 4 characters") }
                    } else {
                        _ = try requireTime(item, "date")
                    }
                    let key = goods ? serial + "|" + item.text("hwmc")! : serial
                    records.append(HenanProvinceRecord(method: method, item: key, city: city, company: company.code, fields: Self.texts(item), receivedAt: now))
                } catch let failure as Fail {
                    throw Fail("list[\(index)]: \(failure.reason)")
                }
            }
        case "SendDayDataCity", "SendDayDataDistrict":
            let counts = ["companyTotal", "gateTotal", "vehTotal", "enterVehTotal", "exitVehTotal", "violationTotal", "controlTotal", "otherVehEnterTotal",
                          "otherVehExitTotal", "otherAddVehTotal", "standard3EnterTotal", "standard3ExitTotal", "standard4EnterTotal", "standard4ExitTotal",
                          "violationHandleTotal"]
            try Self.check(fields, required: ["date"] + (method == "SendDayDataDistrict" ? ["dictrictCode"] : []))
            guard let day = Self.day(fields.text("date")!) else { throw Fail("date \(fields.text("date")!) is not a day (yyyyMMdd or yyyy-MM-dd)") }
            for key in counts {
                if let value = fields.text(key), Int(value).map({ $0 < 0 }) ?? true { throw Fail("\(key) \(value) is not a count") }
            }
            var key = day
            if let district = fields.text("dictrictCode") {
                guard district.count == 6, district.allSatisfy(\.isNumber), district.hasPrefix(String(city.prefix(4))) else {
                    throw Fail("dictrictCode \(district) is not a district of city \(city)")
                }
                key = district + "|" + day
            }
            var values = Self.texts(fields)
            values["date"] = day
            records.append(HenanProvinceRecord(method: method, item: city + "|" + key, city: city, company: nil, fields: values, receivedAt: now))
        case "GateStatusReport":
            try Self.check(fields, required: ["companyCode", "gateCode", "gateSecretCode", "gateStatus"],
                           codes: ["gateStatus": ("1 正常, 2 断网", { ["1", "2"].contains($0) })])
            let company = try await company(code: fields.text("companyCode"), city: city)
            guard var gate = try await store.henanProvinceGates(company: company.code, secret: fields.text("gateSecretCode")).first,
                gate.code == fields.text("gateCode")
            else { throw Fail("gateSecretCode is not the one of gate \(fields.text("gateCode")!) of enterprise \(company.code)") }
            gate.fields["gateStatus"] = fields.text("gateStatus")
            gate.updatedAt = now
            try await store.saveHenanProvinceGate(gate)
            let hour = String(time.formatCompact(now).prefix(10))
            records.append(HenanProvinceRecord(method: method, item: [company.code, gate.code, hour].joined(separator: "|"), city: city, company: company.code,
                                               fields: Self.texts(fields, except: ["accessToken", "gateSecretCode"]), receivedAt: now))
        case "SeasonalControlReport":
            var values = Self.texts(fields)
            if values["controlLevel"] == nil { values["controlLevel"] = values["controllLevel"] }  // the example's spelling
            values.removeValue(forKey: "controllLevel")
            try Self.check(HenanFields(values), required: ["companyCode", "controlMeasures", "startTime"], codes: [
                "controlType": ("7.21", { HenanCompanyControlType(code: $0) != nil }), "controlLevel": ("7.18", { HenanControlLevel(code: $0) != nil }),
                "controlMeasures": ("7.22", { HenanCompanyMeasure(code: $0) != nil }),
            ], lengths: ["remark": 500])
            let company = try await company(code: values["companyCode"], city: city)
            let start = try requireTime(fields, "startTime")!
            if let end = try requireTime(fields, "endTime", optional: true), end <= start { throw Fail("endTime is not after startTime") }
            records.append(HenanProvinceRecord(method: method, item: company.code + "|" + time.formatCompact(start), city: city, company: company.code,
                                               fields: values, receivedAt: now))
        default:  // CheckFeedbackReport
            var values = Self.texts(fields, except: ["accessToken", "imgURL1B", "imgURL2B"])
            if values["inoutDate"] == nil { values["inoutDate"] = values["date"] }  // the example sends date, the table inoutDate
            values.removeValue(forKey: "date")
            var codes = Self.passageCodes
            for (key, check) in Self.passageCodes { codes[key + "B"] = check }
            try Self.check(HenanFields(values), required: ["serialNum", "companyCode", "gateCode", "license", "licenseColor", "dateB", "reviewer"], codes: codes,
                           lengths: ["reviewer": 20])
            let company = try await company(code: values["companyCode"], city: city)
            if let problem = HenanNumbering.serialProblem(values["serialNum"]!, enterprise: company.code, gate: values["gateCode"]!, entering: nil, time: time) {
                throw Fail(problem)
            }
            let reviewed = try requireTime(fields, "dateB")!
            for picture in try HenanCityGateway.pictures(fields, keys: ["imgURL1B", "imgURL2B"]) {
                values[picture.key] = try blobs.put(picture.bytes, named: picture.name)
            }
            records.append(HenanProvinceRecord(method: "CheckFeedbackReport", item: values["serialNum"]! + "|" + time.formatCompact(reviewed), city: city,
                                               company: company.code, fields: values, receivedAt: now))
        }
        for record in records { try await store.saveHenanProvinceRecord(record) }
        return Self.success()
    }

    /// A day as `yyyyMMdd` (also `yyyy-MM-dd`, or a time on that day).
    static func day(_ text: String) -> String? {
        let digits = text.filter(\.isNumber)
        guard digits.count >= 8, text.count <= 19 else { return nil }
        let day = String(digits.prefix(8))
        return ChinaTime().parseCompact(day + "000000") == nil ? nil : day
    }

    /// 4.2.22–4.2.24: a city's control projects; they apply to the city's enterprises (and the
    /// checks of VehVerifyEx) from their start to their end or close.
    func project(_ method: String, _ fields: HenanFields, city: String, now: Date) async throws -> String {
        var values = Self.texts(fields)
        if values["controlLevel"] == nil { values["controlLevel"] = values["controllLevel"] }  // 4.2.23's spelling
        let sent = HenanFields(values)
        func list(_ key: String) -> [String]? {
            values[key].map { $0.split(whereSeparator: { ",，;".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }
        if method == "RunControlProject" {
            try Self.check(sent, required: ["controlProject", "controlLevel", "controlArea", "controlType", "controlStrategy", "controlRunTime"],
                           lengths: ["controlProject": 200, "remark": 500])
            let start = try requireTime(sent, "controlRunTime")!
            let end = try requireTime(sent, "controlEndTime", optional: true)
            let project = HenanProject(
                code: "CP" + time.formatCompact(now) + SecureToken.hex(bytes: 2), name: values["controlProject"]!, level: values["controlLevel"]!,
                area: values["controlArea"]!, scope: values["controlType"]!, strategy: values["controlStrategy"]!, industries: list("controlIndustry") ?? [],
                companyTypes: list("controlCompanyType") ?? [], start: start, end: end, remark: values["remark"], city: city, createdAt: now, updatedAt: now)
            try checkProject(project)
            // A resend (its answer was lost) gets the project it created: same city, name and start.
            if let same = try await store.henanProjects().first(where: { $0.city == city && $0.name == project.name && $0.start == project.start }) {
                return Self.success(["controlProjectCode": same.code, "controlProject": same.name])
            }
            try await store.saveHenanProject(project)
            return Self.success(["controlProjectCode": project.code, "controlProject": project.name])
        }
        guard let code = values["controlProjectCode"] else { throw Fail("controlProjectCode is required") }
        guard var project = try await store.henanProjects().first(where: { $0.code == code && $0.city == city }) else {
            throw Fail("no control project \(code) of this city")
        }
        guard project.closedAt == nil else { throw Fail("control project \(code) is closed") }
        if method == "ModifyControlProject" {
            try Self.check(sent, required: [], lengths: ["controlProject": 200, "remark": 500])
            (project.name, project.level, project.area) = (values["controlProject"] ?? project.name, values["controlLevel"] ?? project.level, values["controlArea"] ?? project.area)
            (project.scope, project.strategy) = (values["controlType"] ?? project.scope, values["controlStrategy"] ?? project.strategy)
            (project.industries, project.companyTypes) = (list("controlIndustry") ?? project.industries, list("controlCompanyType") ?? project.companyTypes)
            if values["controlEndTime"] != nil { project.end = try requireTime(sent, "controlEndTime") }
            _ = try requireTime(sent, "controlAdjustTime", optional: true)
            project.remark = values["remark"] ?? project.remark
            try checkProject(project)
        } else {
            let end = try requireTime(sent, "controlEndTime", optional: true) ?? now
            guard end > project.start else { throw Fail("controlEndTime is not after the project's start") }
            project.closedAt = end
            project.remark = values["remark"] ?? project.remark
        }
        project.updatedAt = now
        try await store.saveHenanProject(project)
        return Self.success(["controlProjectCode": project.code, "controlProject": project.name])
    }

    func checkProject(_ p: HenanProject) throws {
        if let problem = ControlEngine.projectProblem(level: p.level, area: p.area, scope: p.scope, industries: p.industries, companyTypes: p.companyTypes,
                                                      strategy: p.strategy, start: p.start, end: p.end) {
            throw Fail(problem)
        }
    }

    /// 4.2.28/4.2.29: a city's heavy diesel truck ban zone; the polygon is checked (at least
    /// three distinct points, coordinates in range) before it is stored.
    func fence(_ fields: HenanFields, city: String, modify: Bool, now: Date) async throws -> String {
        try Self.check(fields, required: modify ? ["areaId", "areaCollection"] : ["areaName", "areaCollection"], lengths: ["areaName": 200, "remark": 500])
        let area = fields.text("areaCollection")!
        if case .failure(let problem) = Fence.parse(area) { throw Fail(problem.message) }
        var fence: HenanFence
        if modify {
            guard let stored = try await store.henanFences(city: city).first(where: { $0.id == fields.text("areaId") }) else {
                throw Fail("no ban zone \(fields.text("areaId")!) of this city")
            }
            fence = stored
            (fence.area, fence.name, fence.remark, fence.updatedAt) = (area, fields.text("areaName") ?? fence.name, fields.text("remark") ?? fence.remark, now)
        } else {
            fence = HenanFence(id: "AR" + time.formatCompact(now) + SecureToken.hex(bytes: 2), city: city, name: fields.text("areaName")!, area: area,
                               remark: fields.text("remark"), createdAt: now, updatedAt: now)
        }
        try await store.saveHenanFence(fence)
        return Self.success(["areaId": fence.id, "areaName": fence.name])
    }
}
