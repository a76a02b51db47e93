import Foundation
import ParkGateModel
import ParkGateStore

/// What a city platform owes its provincial platform for each record it takes, as the
/// provincial methods' fields (section 4.2): queued with the record, sent by the relay.
public enum HenanRelayPayloads {
    /// 4.1.4 → 4.2.11 `SendEnterExitDataEx`, keyed by the serial number.
    public static func passage(_ p: HenanPassage, filing: HenanVehicle?, time: ChinaTime, now: Date) -> HenanRelayItem {
        HenanRelayItem(method: "SendEnterExitDataEx", item: p.lsh, company: p.enterprise, payload: [
            "serialNum": p.lsh, "companyCode": p.enterprise, "gateCode": p.gate, "license": p.license, "licenseColor": p.licenseColor,
            "fuelType": filing?.fuelType ?? "", "emissionStandard": filing?.emissionStandard ?? "", "isBlackList": "", "isExempt": "",
            "isControl": p.isControl ? "1" : "0",
            // bgzt 1 摆杆通行 → gateSignal 0; bgzt 0 未摆杆 → 1.
            "gateSignal": p.barrierLifted ? "0" : "1", "date": String(time.formatCompact(p.passedFrom).prefix(12)),
            "islicensePK": filing?.licensePK == nil ? "0" : "1", "licensePK": filing?.licensePK ?? "",
        ], createdAt: now)
    }

    /// 4.1.6 → 4.2.14 `SendGoodsRecordData`, keyed by serial number and goods.
    public static func goods(_ g: HenanGoods, now: Date) -> HenanRelayItem {
        HenanRelayItem(method: "SendGoodsRecordData", item: g.lsh + "|" + g.goods, company: g.enterprise, payload: [
            "serialNum": g.lsh, "companyCode": g.enterprise, "gateCode": g.gate, "license": g.license, "licenseColor": g.licenseColor,
            "hwmc": g.goods, "ysl": g.tons,
        ], createdAt: now)
    }

    /// 4.1.2 → 4.2.15 `VehElecAccountAdd` (the province answers a repeat of the plate as an
    /// update); each version of a filing once. Pictures go by blob name and are sent as base64.
    public static func filing(_ v: HenanVehicle, now: Date) -> HenanRelayItem {
        var payload: [String: String] = ["license": v.license, "licenseColor": v.licenseColor]
        for (key, value) in [("vehicleType", v.vehicleType), ("vin", v.vin), ("useCharacter", v.useCharacter), ("engineNo", v.engineNo), ("onwer", v.owner),
                             ("address", v.address), ("model", v.model), ("registerDate", v.registerDate), ("issueDate", v.issueDate),
                             ("emissionStandard", v.emissionStandard), ("drivingLicenseImg@blob", v.drivingLicenseImage), ("drivingLicenseImg2@blob", v.vehicleListImage)] {
            if let value { payload[key] = value }
        }
        let version = String(Int64((v.updatedAt.timeIntervalSince1970 * 1000).rounded()))
        return HenanRelayItem(method: "VehElecAccountAdd", item: [v.license, v.licenseColor, version].joined(separator: "|"), company: v.filedBy,
                              payload: payload, createdAt: now)
    }

    /// `parkgate enterprise add` → 4.2.5 `AddCompany` (once per enterprise).
    public static func company(_ e: HenanEnterprise, now: Date) -> HenanRelayItem {
        var payload = ["companyCode": e.code, "companyName": e.name, "cityCode": HenanNumbering.city(ofEnterprise: e.code),
                       "dictrictCode": String(e.code.prefix(6)), "companyStatus": "1", "addDate": ChinaTime().formatCompact(now)]
        for (key, value) in [("industryType", e.industry), ("industrySubType", e.subIndustry), ("controlType", e.controlType)] {
            if let value { payload[key] = value }
        }
        return HenanRelayItem(method: "AddCompany", item: e.code, company: e.code, payload: payload, createdAt: now)
    }

    /// `parkgate gate add` → 4.2.6 `AddGate` (once per gate).
    public static func gate(_ g: HenanGate, now: Date) -> HenanRelayItem {
        HenanRelayItem(method: "AddGate", item: g.enterprise + "|" + g.code, company: g.enterprise,
                       payload: ["gateCode": g.code, "gateEnterExitType": g.type, "gateStatus": "1"], createdAt: now)
    }

    /// A control project run → 4.2.22, closed → 4.2.24 (the close waits for the province's code).
    public static func project(_ p: HenanProject, closing: Bool, time: ChinaTime, now: Date) -> HenanRelayItem {
        if closing {
            return HenanRelayItem(method: "CloseControlProject", item: p.code, payload: [
                "project": p.code, "controlProject": p.name, "controlEndTime": time.formatDashed(p.closedAt ?? now), "remark": p.remark ?? "",
            ], createdAt: now)
        }
        var payload = ["project": p.code, "controlProject": p.name, "controlLevel": p.level, "controlArea": p.area, "controlType": p.scope,
                       "controlIndustry": p.industries.joined(separator: ","), "controlCompanyType": p.companyTypes.joined(separator: ","),
                       "controlStrategy": p.strategy, "controlRunTime": time.formatDashed(p.start), "remark": p.remark ?? ""]
        if let end = p.end { payload["controlEndTime"] = time.formatDashed(end) }
        return HenanRelayItem(method: "RunControlProject", item: p.code, payload: payload, createdAt: now)
    }
}
