import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ParkGateApp
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The Henan provincial platform's methods over real HTTP, as a city platform calls them:
/// authorisation, registrations with their secrets, the vehicle check with the city's
/// projects and ban zones, filings and ledgers, reports, and every `result: fail` path.
@Suite(.timeLimit(.minutes(3))) struct HenanProvinceTests {
    static let jpeg = HenanCityTests.jpeg

    static func run(_ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let registry = HenanRegistry(store: store)
                _ = try await registry.saveCity(organ: "4110000000", username: "xuchang", password: "xc-pw", orgSecret: "XC-SECRET")
                _ = try await registry.saveCity(organ: "4101000000", username: "zhengzhou", password: "zz-pw", orgSecret: "ZZ-SECRET")
            }
            try await body(server)
        }
    }

    static func call(_ server: TestServer, _ method: String, _ json: [String: Any]) async throws -> [String: Any] {
        let response = try await server.client.execute(
            uri: "/ysgk/restapi/province/\(method)", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func token(_ server: TestServer, secret: String = "XC-SECRET", user: String = "xuchang", password: String = "xc-pw") async throws -> String {
        let answer = try await call(server, "GetAuthorizationOrg", ["orgSecretCode": secret, "username": user, "pwd": password])
        #expect(answer["result"] as? String == "success", "\(answer)")
        return try #require((answer["data"] as? [String: Any])?["accessToken"] as? String)
    }

    static let company: [String: String] = [
        "companyCode": "4110020001", "uscc": "91411000MA1234567X", "companyName": "许昌焦化", "cityCode": "4110000000", "dictrictCode": "411002",
        "address": "许昌市魏都区", "lng": "113.831181", "lat": "34.742967", "industryType": "4", "industrySubType": "A401", "controlType": "1",
        "addDate": "20261201", "legalPerson": "张三", "contact": "李四", "phone": "13800000000", "gateTotal": "2", "companyStatus": "1",
    ]

    /// Registers the coking plant with one gate; returns the company and gate secrets.
    static func register(_ server: TestServer, _ token: String) async throws -> (company: String, gate: String) {
        let added = try await call(server, "AddCompany", ["accessToken": token, "data": company])
        let companySecret = try #require((added["data"] as? [String: Any])?["companySecretCode"] as? String, "\(added)")
        let gates = try await call(server, "AddGate", ["accessToken": token, "companyCode": "4110020001", "uscc": "91411000MA1234567X",
                                                       "list": [["gateCode": "01", "gateEnterExitType": "C", "lng": "113.83", "lat": "34.74", "gateStatus": "1"]]])
        let gate = try #require((gates["data"] as? [[String: Any]])?.first, "\(gates)")
        #expect(gate["username"] as? String == "411002000101" && (gate["pwd"] as? String)?.count == 12)
        return (companySecret, try #require(gate["gateSecretCode"] as? String))
    }

    static func fails(_ answer: [String: Any], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer["result"] as? String == "fail" && (answer["err"] as? String ?? "").contains(reason), "\(reason): \(answer)", sourceLocation: sourceLocation)
    }

    @Test func authorisationAndRegistration() async throws {
        try await Self.run { server in
            Self.fails(try await Self.call(server, "GetAuthorizationOrg", ["orgSecretCode": "XC-SECRET", "username": "xuchang", "pwd": "no"]), "wrong")
            Self.fails(try await Self.call(server, "GetAuthorizationOrg", ["username": "xuchang"]), "orgSecretCode")
            let answer = try await Self.call(server, "GetAuthorizationOrg", ["orgSecretCode": "XC-SECRET", "username": "xuchang", "pwd": "xc-pw"])
            let data = try #require(answer["data"] as? [String: Any])
            #expect((data["expire"] as? String)?.count == 14 && (data["serverTime"] as? String)?.count == 14, "\(data)")
            let token = try #require(data["accessToken"] as? String)
            Self.fails(try await Self.call(server, "AddCompany", ["data": Self.company]), "accessToken is required")
            Self.fails(try await Self.call(server, "AddCompany", ["accessToken": "nope", "data": Self.company]), "unknown or expired")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.insertToken(TokenRecord(token: "EXPIREDCITY000000000000000000000", kind: "henan-city", subject: "4110000000",
                                                        issuedAt: Date().addingTimeInterval(-7300), expiresAt: Date().addingTimeInterval(-100)))
            }
            Self.fails(try await Self.call(server, "AddCompany", ["accessToken": "EXPIREDCITY000000000000000000000", "data": Self.company]), "unknown or expired")
            Self.fails(try await Self.call(server, "NoSuchMethod", ["accessToken": token]), "unknown method")
            let rawResponse = try await server.client.execute(uri: "/ysgk/restapi/province/AddCompany", method: .post, body: ByteBuffer(string: "{x"))
            #expect(String(buffer: rawResponse.body).contains("not a JSON object"))

            for (change, reason) in [(["industryType": "99"], "7.16"), (["controlType": "X"], "7.21"), (["industrySubType": "A501"], "does not belong"),
                                     (["companyStatus": "4"], "companyStatus"), (["companyCode": "4101010001"], "not 4110000000"),
                                     (["companyCode": "41100200"], "10 digits"), (["lng": "east"], "decimal degrees")] {
                var bad = Self.company
                for (key, value) in change { bad[key] = value }
                Self.fails(try await Self.call(server, "AddCompany", ["accessToken": token, "data": bad]), reason)
            }
            let (companySecret, gateSecret) = try await Self.register(server, token)
            #expect(companySecret.count == 32 && gateSecret.count == 32 && companySecret != gateSecret)
            // A repeat answers the first secret; the first copy is kept.
            var again = Self.company
            again["companyName"] = "别的名字"
            let repeated = try await Self.call(server, "AddCompany", ["accessToken": token, "data": again])
            #expect((repeated["data"] as? [String: Any])?["companySecretCode"] as? String == companySecret)
            let info = try await Self.call(server, "GetCompanyInfo", ["accessToken": token, "list": [["companyCode": "4110020001"]]])
            #expect((info["data"] as? [[String: Any]])?.first?["companyName"] as? String == "许昌焦化", "\(info)")
            // Another city sees none of it.
            let zhengzhou = try await Self.token(server, secret: "ZZ-SECRET", user: "zhengzhou", password: "zz-pw")
            Self.fails(try await Self.call(server, "GetCompanyInfo", ["accessToken": zhengzhou, "list": [["companyCode": "4110020001"]]]), "none of the enterprises")
            Self.fails(try await Self.call(server, "GetGateInfo", ["accessToken": zhengzhou, "companyCode": "4110020001"]), "another city")

            // Modifications: what the province keeps cannot be changed by the city; the rest can.
            Self.fails(try await Self.call(server, "ModifyCompany", ["accessToken": token, "data": ["companyName": "x"]]), "companyCode is required")
            Self.fails(try await Self.call(server, "ModifyCompany", ["accessToken": token, "data": ["companyCode": "4110020001", "companyName": "新名字"]]),
                       "省平台按要求修改")
            Self.fails(try await Self.call(server, "ModifyCompany", ["accessToken": token, "data": ["companyCode": "4110020001", "lng": "114.0", "lat": "34.7"]]),
                       "lng")
            #expect(try await Self.call(server, "ModifyCompany", ["accessToken": token, "data": ["companyCode": "4110020001", "contact": "王五", "companyName": "许昌焦化"]])["result"] as? String == "success")
            Self.fails(try await Self.call(server, "ModifyGate", ["accessToken": token, "companyCode": "4110020001", "data": ["gateName": "东门"]]), "gateCode is required")
            Self.fails(try await Self.call(server, "ModifyGate", ["accessToken": token, "companyCode": "4110020001", "data": ["gateCode": "02"]]), "not registered")
            Self.fails(try await Self.call(server, "ModifyGate", ["accessToken": token, "companyCode": "4110020001", "data": ["gateCode": "01", "gateEnterExitType": "D"]]), "7.15")
            #expect(try await Self.call(server, "ModifyGate", ["accessToken": token, "companyCode": "4110020001", "data": ["gateCode": "01", "gateName": "东门"]])["result"] as? String == "success")
            let gates = try await Self.call(server, "GetGateInfo", ["accessToken": token, "companyCode": "4110020001", "gateCode": "01"])
            let gate = try #require((gates["data"] as? [[String: Any]])?.first)
            #expect(gate["gateName"] as? String == "东门" && gate["gateSecretCode"] as? String == gateSecret, "\(gate)")
            Self.fails(try await Self.call(server, "AddGate", ["accessToken": token, "companyCode": "4110020001", "list": [["gateCode": "1", "gateEnterExitType": "C"]]]), "two digits")
            Self.fails(try await Self.call(server, "AddGate", ["accessToken": token, "companyCode": "4110020001", "list": []]), "list is required")

            try await platform.withReadyStore { store in
                let company = try #require(try await store.henanProvinceCompany(code: "4110020001", secret: nil))
                #expect(company.fields["contact"] == "王五" && company.fields["companyName"] == "许昌焦化" && company.city == "4110000000")
                #expect(try await store.henanEnterprise(code: "4110020001")?.industry == "4", "the control engine's registry follows")
                #expect(try await store.henanGates(enterprise: "4110020001").map(\.code) == ["01"])
            }
        }
    }

    /// VehVerifyEx applies the city's projects, the seasonal measure and the ban zones; an
    /// unfiled vehicle joins the to-be-completed list until it is filed.
    @Test func verificationFilingsAndTheToBeCompletedList() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let (companySecret, gateSecret) = try await Self.register(server, token)
            func verify(_ license: String) async throws -> [String: Any] {
                let answer = try await Self.call(server, "VehVerifyEx", ["accessToken": token, "companySecretCode": companySecret, "gateSecretCode": gateSecret,
                                                                         "license": license, "licenseColor": "1"])
                #expect(answer["result"] as? String == "success", "\(answer)")
                return answer["data"] as? [String: Any] ?? [:]
            }
            let unknown = try await verify("豫K99999")
            #expect(unknown["isNeedComplete"] as? String == "1" && unknown["isControl"] as? String == "2", "\(unknown)")
            _ = try await verify("豫K99999")
            let waiting = try await Self.call(server, "GetNeedCompleteVehEx", ["accessToken": token, "companySecretCode": companySecret])
            #expect((waiting["data"] as? [[String: Any]])?.map { $0["license"] as? String } == ["豫K99999"], "once: \(waiting)")

            // Filed: complete, and its licensePK downloads it.
            let filing: [String: Any] = ["accessToken": token, "companySecretCode": companySecret, "license": "豫K99999", "licenseColor": "1", "vehicleType": "H11",
                                         "vin": "LZZ1234567890ABCD", "useCharacter": "F", "emissionStandard": "4", "drivingLicenseImg": Self.jpeg]
            let added = try await Self.call(server, "VehElecAccountAdd", filing)
            let key = try #require((added["data"] as? [String: Any])?["licensePK"] as? String, "\(added)")
            #expect(key.count == 32)
            #expect(try await Self.call(server, "VehElecAccountAdd", filing)["data"] as? [String: String] == ["license": "豫K99999", "licenseColor": "1", "licensePK": key],
                    "a repeat gets the same licensePK")
            #expect((try await Self.call(server, "GetNeedCompleteVehEx", ["accessToken": token, "companySecretCode": companySecret])["data"] as? [Any])?.isEmpty == true)
            let filed = try await verify("豫K99999")
            #expect(filed["isNeedComplete"] as? String == "0" && filed["isControl"] as? String == "0" && filed["vinLast6"] as? String == "90ABCD"
                    && filed["licensePK"] as? String == key, "\(filed)")
            Self.fails(try await Self.call(server, "VehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "emissionStandard": "5"]), "licensePK is required")
            Self.fails(try await Self.call(server, "VehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": key, "license": "豫K1"]), "不可修改")
            Self.fails(try await Self.call(server, "VehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": key, "emissionStandard": "9"]), "7.6")
            #expect(try await Self.call(server, "VehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": key, "emissionStandard": "3"])["result"] as? String == "success")
            let gained = try await Self.call(server, "VehElecAccountGain", ["accessToken": token, "licensePK": key])
            #expect((gained["data"] as? [String: Any])?["emissionStandard"] as? String == "3" && (gained["data"] as? [String: Any])?["vin"] as? String == "LZZ1234567890ABCD",
                    "modified, the rest kept: \(gained)")

            // The city's orange project (国Ⅳ and below) stops the 国Ⅲ truck at the coking plant; Zhengzhou's project does not reach Xuchang.
            let zhengzhou = try await Self.token(server, secret: "ZZ-SECRET", user: "zhengzhou", password: "zz-pw")
            let project: [String: Any] = ["controlProject": "秋冬季应急", "controlLevel": "2", "controlArea": "1", "controlType": "1", "controlIndustry": "4",
                                          "controlStrategy": "2", "controlRunTime": ChinaTime().formatDashed(Date().addingTimeInterval(-60))]
            #expect(try await Self.call(server, "RunControlProject", project.merging(["accessToken": zhengzhou]) { $1 })["result"] as? String == "success")
            #expect(try await verify("豫K99999")["isControl"] as? String == "0", "another city's project")
            let run = try await Self.call(server, "RunControlProject", project.merging(["accessToken": token]) { $1 })
            let code = try #require((run["data"] as? [String: Any])?["controlProjectCode"] as? String, "\(run)")
            let stopped = try await verify("豫K99999")
            #expect(stopped["isControl"] as? String == "1" && (stopped["controlReason"] as? String ?? "").contains("秋冬季应急"), "\(stopped)")
            Self.fails(try await Self.call(server, "ModifyControlProject", ["accessToken": zhengzhou, "controlProjectCode": code, "controlStrategy": "1"]), "no control project")
            Self.fails(try await Self.call(server, "ModifyControlProject", ["accessToken": token, "controlProjectCode": code, "controlStrategy": "8"]), "7.20")
            // Strategy 1 bans 国Ⅲ and below too: still stopped; closing ends it.
            #expect(try await Self.call(server, "ModifyControlProject", ["accessToken": token, "controlProjectCode": code, "controllLevel": "1", "controlStrategy": "1"])["result"] as? String == "success")
            #expect(try await verify("豫K99999")["isControl"] as? String == "1")
            #expect(try await Self.call(server, "CloseControlProject", ["accessToken": token, "controlProjectCode": code, "remark": "解除"])["result"] as? String == "success")
            #expect(try await verify("豫K99999")["isControl"] as? String == "0", "closed")
            Self.fails(try await Self.call(server, "CloseControlProject", ["accessToken": token, "controlProjectCode": code]), "closed")
            Self.fails(try await Self.call(server, "RunControlProject", project.merging(["accessToken": token, "controlType": "2"]) { $1 }), "needs the enterprise control types")

            // A seasonal measure that stops transport (7.22 code 5) controls every vehicle while in force.
            let now = ChinaTime().formatDashed(Date().addingTimeInterval(-60))
            Self.fails(try await Self.call(server, "SeasonalControlReport", ["accessToken": token, "companyCode": "4110020001", "controlMeasures": "9", "startTime": now]), "7.22")
            #expect(try await Self.call(server, "SeasonalControlReport", ["accessToken": token, "companyCode": "4110020001", "controlType": "1", "controllLevel": "2",
                                                                          "controlMeasures": "5", "startTime": now])["result"] as? String == "success")
            #expect(try await verify("豫K99999")["isControl"] as? String == "1")

            // Ban zones: checked, stored, and the plant (113.831181, 34.742967) lies inside this one.
            Self.fails(try await Self.call(server, "ElectronicFenceAdd", ["accessToken": token, "areaName": "线", "areaCollection": "113.831181,34.742967$113.825181,34.742968"]), "three")
            let zone = try await Self.call(server, "ElectronicFenceAdd", ["accessToken": token, "areaName": "魏都区禁行区",
                                                                            "areaCollection": "113.82,34.73$113.84,34.73$113.84,34.75$113.82,34.75"])
            let areaId = try #require((zone["data"] as? [String: Any])?["areaId"] as? String, "\(zone)")
            Self.fails(try await Self.call(server, "ElectronicFenceModify", ["accessToken": zhengzhou, "areaId": areaId, "areaCollection": "1,1$2,1$2,2"]), "no ban zone")
            #expect(try await Self.call(server, "ElectronicFenceModify", ["accessToken": token, "areaId": areaId, "areaCollection": "113.80,34.70$113.90,34.70$113.90,34.80$113.80,34.80"])["result"] as? String == "success")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            let fences = try await platform.withReadyStore { store in try await store.henanFences(city: "4110000000") }
            #expect(fences.count == 1 && fences.first?.area.hasPrefix("113.80") == true)
            // Over the API: the plant and its gate lie inside, a point in Zhengzhou does not.
            let plant = try await server.api("/api/v1/henan/province/fences/inside?company=4110020001")
            #expect(plant["inside"] as? Bool == true && (plant["fences"] as? [[String: Any]])?.first?["name"] as? String == "魏都区禁行区", "\(plant)")
            #expect(try await server.api("/api/v1/henan/province/fences/inside?company=4110020001&gate=01")["inside"] as? Bool == true)
            #expect(try await server.api("/api/v1/henan/province/fences/inside?lng=113.62&lat=34.75")["inside"] as? Bool == false)
        }
    }

    /// Reports: each stored once by its key, whole lists refused for one bad item, ledgers by licensePK.
    @Test func reportsAndLedgers() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let (companySecret, gateSecret) = try await Self.register(server, token)
            let time = ChinaTime()
            let passed = Date().addingTimeInterval(-120)
            let serial = "411002000101A" + String(time.formatCompact(passed).dropFirst(2))
            let passage: [String: Any] = ["serialNum": serial, "companyCode": "4110020001", "gateCode": "01", "license": "豫K12345", "licenseColor": "1", "fuelType": "B",
                                          "emissionStandard": "5", "isControl": "0", "gateSignal": "0", "date": String(time.formatCompact(passed).prefix(12))]
            func send(_ list: [[String: Any]]) async throws -> [String: Any] {
                try await Self.call(server, "SendEnterExitDataEx", ["accessToken": token, "list": list])
            }
            #expect(try await send([passage])["result"] as? String == "success")
            #expect(try await send([passage])["result"] as? String == "success", "a repeat")
            var bad = passage
            (bad["serialNum"], bad["gateSignal"]) = ("411002000101B" + String(time.formatCompact(passed).dropFirst(2)), "5")
            Self.fails(try await send([bad]), "list[0]: gateSignal 5")
            var other = passage
            other["serialNum"] = "411002000101B" + String(time.formatCompact(passed.addingTimeInterval(60)).dropFirst(2))
            Self.fails(try await send([other, bad]), "list[1]")
            var wrongGate = passage
            wrongGate["gateCode"] = "02"
            Self.fails(try await send([wrongGate]), "names gate 01")
            Self.fails(try await send([]), "list is required")
            #expect(try await Self.call(server, "SendGoodsRecordData", ["accessToken": token, "list": [["serialNum": serial, "companyCode": "4110020001", "gateCode": "01",
                "license": "豫K12345", "licenseColor": "1", "hwmc": "焦炭", "ysl": "31"]]])["result"] as? String == "success")
            Self.fails(try await Self.call(server, "SendGoodsRecordData", ["accessToken": token, "list": [["serialNum": serial, "companyCode": "4110020001", "gateCode": "01",
                "license": "豫K12345", "licenseColor": "1", "hwmc": "焦炭", "ysl": "31000"]]]), "ysl")

            let day: [String: Any] = ["accessToken": token, "date": "20261130", "companyTotal": "12", "vehTotal": "300", "enterVehTotal": "160", "exitVehTotal": "140"]
            #expect(try await Self.call(server, "SendDayDataCity", day)["result"] as? String == "success")
            Self.fails(try await Self.call(server, "SendDayDataCity", day.merging(["vehTotal": "-1"]) { $1 }), "vehTotal")
            Self.fails(try await Self.call(server, "SendDayDataCity", day.merging(["date": "2026-13-01"]) { $1 }), "not a day")
            #expect(try await Self.call(server, "SendDayDataDistrict", day.merging(["dictrictCode": "411002"]) { $1 })["result"] as? String == "success")
            Self.fails(try await Self.call(server, "SendDayDataDistrict", day.merging(["dictrictCode": "410102"]) { $1 }), "not a district of city")

            #expect(try await Self.call(server, "GateStatusReport", ["accessToken": token, "companyCode": "4110020001", "gateCode": "01", "gateSecretCode": gateSecret,
                                                                     "gateStatus": "2"])["result"] as? String == "success")
            Self.fails(try await Self.call(server, "GateStatusReport", ["accessToken": token, "companyCode": "4110020001", "gateCode": "01", "gateSecretCode": companySecret,
                                                                        "gateStatus": "1"]), "gateSecretCode")
            let feedback: [String: Any] = ["accessToken": token, "serialNum": serial, "companyCode": "4110020001", "gateCode": "01", "license": "豫K12345",
                                           "licenseColor": "1", "isControl": "0", "date": "202612010830", "licenseB": "豫K12346", "isControlB": "1",
                                           "imgURL1B": Self.jpeg, "dateB": time.formatDashed(Date()), "reviewer": "赵六"]
            #expect(try await Self.call(server, "CheckFeedbackReport", feedback)["result"] as? String == "success")
            Self.fails(try await Self.call(server, "CheckFeedbackReport", feedback.merging(["isControlB": "3"]) { $1 }), "isControlB")
            Self.fails(try await Self.call(server, "CheckFeedbackReport", feedback.merging(["imgURL1B": Data("GIF89a".utf8).base64EncodedString()]) { $1 }), "not a JPEG")

            // In-plant ledgers by licensePK; the names of the list (InnerFY…) work too.
            let inner: [String: Any] = ["accessToken": token, "companySecretCode": companySecret, "companyCode": "4110020001", "license": "豫K77777", "licenseColor": "1",
                                        "vehicleType": "Q11", "emissionStandard": "6", "drivingLicenseImg": Self.jpeg, "carStatus": "1"]
            let innerKey = try #require((try await Self.call(server, "InnerVehElecAccountAdd", inner)["data"] as? [String: Any])?["licensePK"] as? String)
            Self.fails(try await Self.call(server, "InnerVehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": innerKey,
                                                                                 "licenseColor": "2"]), "不可修改")
            #expect(try await Self.call(server, "InnerVehElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": innerKey,
                                                                              "carStatus": "2"])["result"] as? String == "success")
            let machine: [String: Any] = ["accessToken": token, "companySecretCode": companySecret, "companyCode": "4110020001", "mhyPlate": "豫K00001X",
                                          "mhyJXMC": "装载机", "emissionLevel": "4", "imageInfo": Self.jpeg, "mhyStatus": "1"]
            let machineKey = try #require((try await Self.call(server, "InnerFYElecAccountAdd", machine)["data"] as? [String: Any])?["licensePK"] as? String)
            Self.fails(try await Self.call(server, "InnerMHYElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": machineKey,
                                                                                 "mhyPlate": "豫K00002X"]), "不可修改")
            #expect(try await Self.call(server, "InnerMHYElecAccountModify", ["accessToken": token, "companySecretCode": companySecret, "licensePK": machineKey,
                                                                              "mhyStatus": "3"])["result"] as? String == "success")
            Self.fails(try await Self.call(server, "InnerVehElecAccountAdd", inner.merging(["companyCode": "4110020002"]) { $1 }), "companyCode")
            Self.fails(try await Self.call(server, "DrivingLicenseScanEx", ["accessToken": token, "companySecretCode": companySecret,
                                                                            "drivingLicenseImg": Data("\u{89}PNG".utf8).base64EncodedString()]), "not a JPEG")

            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                #expect(try await store.henanProvinceRecords(method: "SendEnterExitDataEx", city: "4110000000", limit: 10).map(\.item) == [serial], "once")
                #expect(try await store.henanProvinceRecords(method: "SendDayDataDistrict", city: nil, limit: 10).first?.fields["vehTotal"] == "300")
                #expect(try await store.henanProvinceRecords(method: "GateStatusReport", city: nil, limit: 10).count == 1)
                #expect(try await store.henanProvinceGates(company: "4110020001", secret: nil).first?.fields["gateStatus"] == "2")
                let checked = try #require(try await store.henanProvinceRecords(method: "CheckFeedbackReport", city: nil, limit: 10).first)
                #expect(checked.fields["inoutDate"] == "202612010830" && checked.fields["imgURL1B"]?.hasSuffix(".jpg") == true, "\(checked)")
                let vehicles = try await store.henanLedger(kind: .vehicle, enterprise: "4110020001", limit: 10)
                #expect(vehicles.count == 1 && vehicles.first?.status == "2" && vehicles.first?.fields["vehicleType"] == "Q11" && vehicles.first?.licensePK == innerKey)
                #expect(try await store.henanLedger(kind: .machinery, enterprise: "4110020001", limit: 10).first?.status == "3")
            }
        }
    }

    /// DrivingLicenseScanEx over HTTP with the real OCR: a licence page drawn by
    /// `scripts/licence-picture` (the test command installs tesseract, its chi_sim data, PIL and
    /// the Noto CJK fonts) is read back to its fields.
    @Test func licenceScanReadsTheFields() async throws {
        let required = ProcessInfo.processInfo.environment["PARKGATE_REQUIRE_POSTGRES"] != nil
        guard LicenceScanner.installed() != nil || required else { return }
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let printed = ["号牌号码": "豫K12345", "车辆类型": "重型半挂牵引车", "所有人": "许昌运输有限公司", "住址": "河南省许昌市魏都区建设路18号", "使用性质": "货运",
                       "品牌型号": "解放牌CA4250", "车辆识别代号": "LFWSRXRJ1A1E12345", "发动机号码": "87654321", "注册日期": "2018-05-10", "发证日期": "2018-05-12"]
        let fieldsFile = directory.appendingPathComponent("fields.json"), picture = directory.appendingPathComponent("licence.jpg")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: printed).write(to: fieldsFile)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/licence-picture").standardized
        let drawn = try await CLITests.run([picture.path, fieldsFile.path], executable: script, limit: 60)
        #expect(drawn.status == 0, "\(drawn.output)")
        let jpeg = try Data(contentsOf: picture)
        try await Self.run { server in
            let token = try await Self.token(server)
            let (companySecret, _) = try await Self.register(server, token)
            let answer = try await Self.call(server, "DrivingLicenseScanEx", ["accessToken": token, "companySecretCode": companySecret,
                                                                              "drivingLicenseImg": jpeg.base64EncodedString()])
            let read = try #require(answer["data"] as? [String: String], "\(answer)")
            #expect(read["license"] == "豫K12345" && read["vin"] == "LFWSRXRJ1A1E12345" && read["engineNo"] == "87654321", "\(read)")
            #expect(read["vehicleType"] == "Q11" && read["useCharacter"] == "F" && read["registerDate"] == "20180510" && read["issueDate"] == "20180512", "\(read)")
            #expect(read["onwer"] == "许昌运输有限公司" && read["model"] == "解放牌CA4250", "\(read)")
        }
    }

    /// One deployment in both roles, relaying to itself: a round of the relay registers the
    /// enterprise and its gate, sends the passages, queues and sends the gate's status and
    /// yesterday's figures by city and by district.
    @Test func theRelaySendsRegistrationsPassagesGateStatusAndTheDailyFigures() async throws {
        try await Self.run { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let registry = HenanRegistry(store: store)
                _ = try await registry.saveOrgan(organ: "4110020001", username: "test", password: "123")
                _ = try await registry.saveEnterprise(code: "4110020001", name: "许昌焦化", industry: "4", subIndustry: nil, controlType: "1")
                _ = try await registry.saveGate(enterprise: "4110020001", code: "01", type: "C")
            }
            let token = try await HenanCityTests.token(server)
            let time = ChinaTime(), now = Date()
            let midnight = try #require(time.parseCompact(String(time.formatCompact(now).prefix(8)) + "000000"))
            #expect(try await HenanCityTests.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": [
                "license": "豫K00001", "licenseColor": "1", "vehicleType": "H11", "emissionStandard": "3", "drivingLicenseImg": Self.jpeg]])["code"] as? String == "200")
            for (index, (plate, entering)) in [("豫K00001", true), ("豫K00002", true), ("冀A00003", true), ("豫K00001", false)].enumerated() {
                let at = midnight.addingTimeInterval(-14 * 3600 + Double(index * 60))
                let lsh = "411002000101" + (entering ? "A" : "B") + String(time.formatCompact(at).dropFirst(2))
                let answer = try await HenanCityTests.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareDrivingRecord", "access_token": token, "value": [
                    "lsh": lsh, "qybh": "4110020001", "dzbh": "01", "cphm": plate, "cpys": "1", "tgsjq": time.formatDashed(at), "tgzt": entering ? "1" : "2", "bgzt": "1"]])
                #expect(answer["code"] as? String == "200", "\(answer)")
            }
            try await platform.withReadyStore { store in
                let relay = HenanRelay(store: store, blobs: BlobStore(directory: URL(fileURLWithPath: server.config.dataDirectory).appendingPathComponent("blobs")),
                                       settings: .init(url: "http://127.0.0.1:\(server.port)", orgSecret: "XC-SECRET", username: "xuchang", password: "xc-pw"),
                                       logger: TestDatabases.logger)
                try await relay.tick(now: now)
                try await relay.tick(now: now.addingTimeInterval(31))  // what waited for the gate's secret
                let backlog = try await store.henanRelayBacklog()
                #expect(backlog.allSatisfy { $0.pending == 0 && $0.refused == 0 }, "\(backlog)")
                #expect(Set(backlog.map(\.method)).isSuperset(of: ["AddCompany", "AddGate", "SendEnterExitDataEx", "VehElecAccountAdd", "GateStatusReport",
                                                                    "SendDayDataCity", "SendDayDataDistrict"]), "\(backlog)")
                #expect(try await store.henanProvinceRecords(method: "SendEnterExitDataEx", city: "4110000000", limit: 10).count == 4)
                let status = try #require(try await store.henanProvinceRecords(method: "GateStatusReport", city: "4110000000", limit: 10).first)
                #expect(status.fields["gateStatus"] == "2", "no passage in the last two hours: \(status)")
                let day = try #require(try await store.henanProvinceRecords(method: "SendDayDataCity", city: "4110000000", limit: 10).first)
                let expected = ["vehTotal": "4", "enterVehTotal": "3", "exitVehTotal": "1", "otherVehEnterTotal": "1", "otherVehExitTotal": "0",
                                "otherAddVehTotal": "1", "standard3EnterTotal": "1", "standard3ExitTotal": "1", "standard4EnterTotal": "0",
                                "violationTotal": "0", "controlTotal": "0", "companyTotal": "1", "gateTotal": "1",
                                "date": String(time.formatCompact(midnight.addingTimeInterval(-3600)).prefix(8))]
                for (key, value) in expected { #expect(day.fields[key] == value, "\(key): \(day.fields)") }
                let district = try #require(try await store.henanProvinceRecords(method: "SendDayDataDistrict", city: "4110000000", limit: 10).first)
                #expect(district.fields["dictrictCode"] == "411002" && district.fields["vehTotal"] == "4", "\(district.fields)")
                #expect(try await store.henanVehicle(license: "豫K00001", color: "1")?.licensePK != nil, "the province's copy of the filing")
            }
            // The city now knows the enterprise's companySecretCode: a flat filing may use it.
            let secret = try #require(try await platform.withReadyStore { store in try await store.henanProvinceSecret(enterprise: "4110020001", gate: nil) })
            let flat = try await HenanCityTests.call(server, "put_data", ["companySecretCode": secret, "license": "豫K00009", "licenseColor": "1",
                                                                          "drivingLicenseImg": Self.jpeg])
            #expect(flat["result"] as? String == "success", "\(flat)")
            let unknown = try await HenanCityTests.call(server, "put_data", ["companySecretCode": "NOPE", "license": "豫K00009", "licenseColor": "1"])
            #expect(unknown["result"] as? String == "fail" && (unknown["err"] as? String ?? "").contains("unknown companySecretCode"), "\(unknown)")
        }
    }
}
