import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ParkGateApp
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The Henan city platform's first interfaces over real HTTP: tokens, vehicle filings and the
/// vehicle check, with section 2.6's codes.
@Suite(.timeLimit(.minutes(3))) struct HenanCityTests {
    static let base = "/ysgk/restapi/transportControl/"
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]).base64EncodedString()

    static func run(_ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let registry = HenanRegistry(store: store)
                _ = try await registry.saveOrgan(organ: "4110020001", username: "test", password: "123")
                _ = try await registry.saveOrgan(organ: "4110020002", username: "other", password: "456")
                _ = try await registry.saveEnterprise(code: "4110020001", name: "许昌焦化", industry: "4", subIndustry: nil, controlType: "2")
            }
            try await body(server)
        }
    }

    static func call(_ server: TestServer, _ endpoint: String, _ json: [String: Any]) async throws -> [String: Any] {
        try await raw(server, endpoint, String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
    }

    static func raw(_ server: TestServer, _ endpoint: String, _ body: String) async throws -> [String: Any] {
        let response = try await server.client.execute(uri: base + endpoint, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func token(_ server: TestServer, organ: String = "4110020001", user: String = "test", password: String = "123") async throws -> String {
        let answer = try await call(server, "get_data", ["organ": organ, "ipctype": "getAccessToken", "username": user, "password": password])
        #expect(answer["code"] as? String == "200", "\(answer)")
        return try #require(answer["access_token"] as? String)
    }

    static func check(_ server: TestServer, _ token: String, license: String = "豫K12345", color: String = "1", organ: String = "4110020001") async throws -> [String: Any] {
        try await call(server, "get_data", ["organ": organ, "ipctype": "getCheckVehicle", "access_token": token, "value": ["license": license, "licenseColor": color]])
    }

    @Test func tokensAndTheCodesOfTheEnvelope() async throws {
        try await Self.run { server in
            let wrong = try await Self.call(server, "get_data", ["organ": "4110020001", "ipctype": "getAccessToken", "username": "test", "password": "nope"])
            #expect(wrong["code"] as? String == "401" && wrong["access_token"] == nil)
            let answer = try await Self.call(server, "get_data", ["organ": "4110020001", "ipctype": "getAccessToken", "username": "test", "password": "123"])
            let token = try #require(answer["access_token"] as? String)
            #expect(token.count == 32 && token.allSatisfy(\.isHexDigit) && (answer["datetime"] as? String).flatMap { ChinaTime().parseDashed($0) } != nil, "\(answer)")

            #expect(try await Self.raw(server, "get_data", "{not json")["code"] as? String == "400")
            #expect(try await Self.call(server, "get_data", ["organ": "4110020001"])["code"] as? String == "400", "no ipctype")
            #expect(try await Self.call(server, "get_data", ["organ": "4110020001", "ipctype": "nope", "access_token": token])["code"] as? String == "404")
            let misplaced = try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "getCheckVehicle", "access_token": token])
            #expect(misplaced["code"] as? String == "404" && (misplaced["status"] as? String)?.contains("get_data") == true)
            let photoAtPutData = try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "sharePhotoInfo", "access_token": token])
            #expect(photoAtPutData["code"] as? String == "404" && (photoAtPutData["status"] as? String)?.contains("put_file") == true)
            let noValue = try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareGoodsRecord", "access_token": token])
            #expect(noValue["code"] as? String == "400" && (noValue["status"] as? String)?.contains("lsh is required") == true, "\(noValue)")
            #expect(try await Self.check(server, "")["code"] as? String == "401", "no token")
            #expect(try await Self.check(server, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")["code"] as? String == "401", "unknown token")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.insertToken(TokenRecord(token: "EXPIRED0000000000000000000000000", kind: "henan", subject: "4110020001",
                                                        issuedAt: Date().addingTimeInterval(-7300), expiresAt: Date().addingTimeInterval(-100)))
            }
            let expired = try await Self.check(server, "EXPIRED0000000000000000000000000")
            #expect(expired["code"] as? String == "401" && (expired["status"] as? String ?? "").contains("expired"), "older than 2 hours: \(expired)")
            #expect(try await Self.check(server, token, organ: "4110020002")["code"] as? String == "403", "another organ's token")
            #expect(try await Self.call(server, "get_data", ["organ": "4110020001", "ipctype": "getCheckVehicle", "access_token": token, "value": [:]])["code"] as? String == "400")
            #expect(try await Self.check(server, token, color: "9")["code"] as? String == "952")
            // A vehicle nobody filed: nothing is known, and no control project is in force.
            let unknown = try #require(try await Self.check(server, token)["value"] as? [String: Any])
            #expect(unknown["isControl"] as? String == "0" && unknown["fuelType"] as? String == "" && unknown["license"] as? String == "豫K12345", "\(unknown)")
        }
    }

    @Test func vehicleFilingsInTheEnvelopeAndFlat() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            func file(_ value: [String: Any]) async throws -> [String: Any] {
                try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": value])
            }
            let filing: [String: Any] = ["license": "豫K12345", "licenseColor": "1", "vehicleType": "H11", "vin": "LZZ1234", "useCharacter": "F",
                                         "onwer": "许昌运输公司", "emissionStandard": "4", "drivingLicenseImg": Self.jpeg]
            #expect(try await file(filing)["code"] as? String == "200")
            let checked = try #require(try await Self.check(server, token)["value"] as? [String: Any])
            #expect(checked["emissionStandard"] as? String == "4" && checked["isControl"] as? String == "0", "\(checked)")
            // Refused with the code and the reason; nothing changes.
            for (change, code, reason) in [(["vehicleType": "XYZ"], "952", "7.7"), (["emissionStandard": "9"], "952", "7.6"),
                                           (["drivingLicenseImg": Data("\u{89}PNG\r\n".utf8).base64EncodedString()], "952", "not a JPEG"),
                                           (["drivingLicenseImg": ""], "400", "may not both be empty"), (["license": ""], "400", "required")] {
                var bad = filing
                for (key, value) in change { bad[key] = value }
                let answer = try await file(bad)
                #expect(answer["code"] as? String == code && (answer["status"] as? String)?.contains(reason) == true, "\(change): \(answer)")
            }
            // The example's flat form, answered result/err/data.
            var flat = filing
            flat["accessToken"] = token
            flat["emissionStandard"] = "6"
            let flatAnswer = try await Self.call(server, "put_data", flat)
            #expect(flatAnswer["result"] as? String == "success", "\(flatAnswer)")
            #expect((try await Self.check(server, token)["value"] as? [String: Any])?["emissionStandard"] as? String == "6")
            let secret = try await Self.call(server, "put_data", ["companySecretCode": "X", "license": "豫K1"])
            #expect(secret["result"] as? String == "fail" && (secret["err"] as? String)?.contains("accessToken") == true)
            #expect(try await Self.call(server, "put_data", ["accessToken": "nope", "license": "豫K1"])["result"] as? String == "fail")
        }
    }

    /// The gate check applies the control projects the city runs: a 国Ⅳ heavy diesel truck at a
    /// coking plant is stopped while an orange project bans 国Ⅳ and below, and passes once it closes.
    @Test func theCheckAppliesTheProjectsInForce() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let filing: [String: Any] = ["license": "豫K12345", "licenseColor": "1", "vehicleType": "H11", "emissionStandard": "4", "fuelType": "B",
                                         "drivingLicenseImg": Self.jpeg]
            #expect(try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": filing])["code"] as? String == "200")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            let project = try await platform.withReadyStore { store in
                try await HenanProjectBook(store: store).run(
                    name: "秋冬季重污染应急", level: "2", area: "1", scope: "1", industries: ["4"], companyTypes: [], strategy: "2",
                    start: Date().addingTimeInterval(-60), end: nil, remark: nil)
            }
            let stopped = try #require(try await Self.check(server, token)["value"] as? [String: Any])
            #expect(stopped["isControl"] as? String == "1" && stopped["fuelType"] as? String == "B", "\(stopped)")
            #expect(stopped["controlReason"] as? String == "管控方案「秋冬季重污染应急」（橙色，禁行国四及以下重型柴油（燃气）车通行）：重型普通货车，柴油，国Ⅳ")
            // Another organ's enterprise is not registered in industry 4: the project does not cover it.
            let other = try await Self.token(server, organ: "4110020002", user: "other", password: "456")
            #expect((try await Self.check(server, other, organ: "4110020002")["value"] as? [String: Any])?["isControl"] as? String == "0")
            // An exemption lets it through the project; a blacklist stops it with no project at all.
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).markVehicle(license: "豫K12345", color: "1", blacklist: nil, exemption: "1", reason: "抢险")
            }
            let exempt = try #require(try await Self.check(server, token)["value"] as? [String: Any])
            #expect(exempt["isControl"] as? String == "0" && (exempt["controlReason"] as? String ?? "").contains("豁免"), "\(exempt)")
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).markVehicle(license: "豫K12345", color: "1", blacklist: nil, exemption: nil, reason: nil)
                _ = try await HenanProjectBook(store: store).close(code: project.code)
            }
            #expect((try await Self.check(server, token)["value"] as? [String: Any])?["isControl"] as? String == "0", "closed: no longer in force")
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).markVehicle(license: "豫K12345", color: "1", blacklist: "3", exemption: nil, reason: "遥感")
                await #expect(throws: HenanRegistry.Invalid.self) {
                    try await HenanRegistry(store: store).markVehicle(license: "豫K12345", color: "1", blacklist: "X", exemption: nil, reason: nil)
                }
            }
            let blacklisted = try #require(try await Self.check(server, token)["value"] as? [String: Any])
            #expect(blacklisted["isControl"] as? String == "1" && (blacklisted["controlReason"] as? String ?? "").contains("遥感检测不合格"), "\(blacklisted)")
        }
    }

    /// Passages (4.1.4) keep the decision in force when the vehicle passed; the lsh rule, the
    /// enterprise and the gate are checked; a repeat stores nothing new.
    @Test func passagesKeepTheDecisionInForce() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let filing: [String: Any] = ["license": "豫K12345", "licenseColor": "1", "vehicleType": "H11", "emissionStandard": "4", "drivingLicenseImg": Self.jpeg]
            #expect(try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": filing])["code"] as? String == "200")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).saveGate(enterprise: "4110020001", code: "01", type: "C")
                _ = try await HenanProjectBook(store: store).run(name: "应急", level: "3", area: "1", scope: "1", industries: ["4"], companyTypes: [], strategy: "2",
                                                                 start: Date().addingTimeInterval(-3600), end: nil, remark: nil)
            }
            let time = ChinaTime()
            let passed = Date().addingTimeInterval(-60)
            let stamp = String(time.formatCompact(passed).dropFirst(2))
            func record(_ changes: [String: String] = [:]) async throws -> [String: Any] {
                var value = ["lsh": "411002000101A" + stamp, "qybh": "4110020001", "qymc": "许昌焦化", "dzbh": "01", "cphm": "豫K12345", "cpys": "1",
                             "tgsjq": time.formatDashed(passed), "tgsjz": time.formatDashed(passed.addingTimeInterval(5)), "tgzt": "1", "bgzt": "1"]
                for (key, change) in changes { value[key] = change }
                return try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareDrivingRecord", "access_token": token, "value": value])
            }
            #expect(try await record()["code"] as? String == "200")
            #expect(try await record(["bgzt": "0"])["code"] as? String == "200", "a repeated lsh is answered success")
            for (changes, code, reason) in [
                (["dzbh": "02", "lsh": "411002000102A" + stamp], "952", "not registered"), (["tgzt": "2"], "952", "进门"),
                (["qybh": "4110020002", "lsh": "411002000201A" + stamp], "403", "not the enterprise"), (["cphm": ""], "400", "cphm is required"),
                (["tgsjq": "2026/12/01"], "952", "tgsjq"), (["lsh": "411002000101A2613"], "952", "25 characters"), (["bgzt": "2"], "952", "bgzt"),
            ] {
                let answer = try await record(changes)
                #expect(answer["code"] as? String == code && (answer["status"] as? String)?.contains(reason) == true, "\(changes): \(answer)")
            }
            let passages = try await platform.withReadyStore { store in try await store.henanPassages(enterprise: "4110020001", limit: 10) }
            #expect(passages.count == 1, "stored once, refusals stored nothing")
            let passage = try #require(passages.first)
            #expect(passage.isControl && passage.barrierLifted && passage.entering && passage.project != nil && passage.controlReason.contains("国Ⅳ"), "\(passage)")
            #expect(passage.passedFrom == time.parseDashed(time.formatDashed(passed)))
            // Over the API, and queued once for the province (no province configured: it waits).
            #expect(try await server.items("/api/v1/henan/passages?enterprise=4110020001").map { $0["lsh"] as? String } == [passage.lsh])
            let relay = try await server.api("/api/v1/henan/relay")
            let backlog = (relay["backlog"] as? [[String: Any]] ?? []).first { $0["method"] as? String == "SendEnterExitDataEx" }
            #expect(backlog?["pending"] as? Int == 1, "\(relay)")
            let queued = (relay["items"] as? [[String: Any]] ?? []).first { $0["method"] as? String == "SendEnterExitDataEx" }
            #expect((queued?["payload"] as? [String: String])?["gateSignal"] == "0" && (queued?["payload"] as? [String: String])?["isControl"] == "1", "\(relay)")
        }
    }

    /// A passage serial of enterprise 4110020001, gate 01, a minute ago.
    static func serial(_ direction: String = "A") -> (lsh: String, time: String) {
        let time = ChinaTime(), passed = Date().addingTimeInterval(-60)
        return ("411002000101" + direction + String(time.formatCompact(passed).dropFirst(2)), time.formatDashed(passed))
    }

    static func withGate(_ server: TestServer) async throws {
        let platform = try Platform.open(server.config, logger: TestDatabases.logger)
        try await platform.withReadyStore { store in _ = try await HenanRegistry(store: store).saveGate(enterprise: "4110020001", code: "01", type: "C") }
    }

    /// put_file as 5.2's Java example sends it: multipart parts `file` and `info`.
    static func putFile(_ server: TestServer, info: [String: Any]?, file: [UInt8]?, filename: String = "front.jpg") async throws -> [String: Any] {
        var body: [UInt8] = []
        func add(_ text: String) { body += Array(text.utf8) }
        if let file {
            add("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body += file
            add("\r\n")
        }
        if let info {
            add("--XyZ\r\nContent-Disposition: form-data; name=\"info\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n")
            body += [UInt8](try JSONSerialization.data(withJSONObject: info))
            add("\r\n")
        }
        add("--XyZ--\r\n")
        let response = try await server.client.execute(
            uri: base + "put_file", method: .post, headers: [.contentType: "multipart/form-data; boundary=XyZ"], body: ByteBuffer(bytes: body))
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    /// 4.1.5: photos as a multipart file or as base64, with 702/948/949/952 for file problems;
    /// a repeat stores nothing new.
    @Test func photosAsFilesOrBase64() async throws {
        try await Self.run { server in
            try await Self.withGate(server)
            let token = try await Self.token(server)
            let (lsh, taken) = Self.serial()
            let picture = [UInt8](Data(base64Encoded: Self.jpeg)!)
            func info(_ changes: [String: String] = [:]) -> [String: Any] {
                var value = ["lsh": lsh, "qybh": "4110020001", "qymc": "许昌焦化", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "zpbh": "1", "zplx": "1", "pzsj": taken]
                for (key, change) in changes { value[key] = change }
                return ["organ": "4110020001", "ipctype": "sharePhotoInfo", "access_token": token, "value": value]
            }
            #expect(try await Self.putFile(server, info: info(), file: picture)["code"] as? String == "200")
            #expect(try await Self.putFile(server, info: info(), file: picture + [0])["code"] as? String == "200", "a repeat: success, the first copy kept")
            // base64 in the envelope, as a JSON body or as the info part without a file.
            #expect(try await Self.call(server, "put_file", info(["zpbh": "2", "base64Image": Self.jpeg]))["code"] as? String == "200")
            for (answer, code, reason) in [
                (try await Self.putFile(server, info: info(["lsh": Self.serial("B").lsh, "zplx": "2"]), file: nil), "702", "no picture"),
                (try await Self.putFile(server, info: info(), file: picture, filename: "front.png"), "948", "front.png"),
                (try await Self.putFile(server, info: info(), file: [0x50, 0x4B, 0x03, 0x04, 1, 2]), "949", "compressed"),
                (try await Self.putFile(server, info: info(), file: Array("\u{89}PNG\r\n".utf8)), "952", "not a JPEG"),
                (try await Self.putFile(server, info: info(), file: [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 1 << 20)), "952", "1 MiB"),
                (try await Self.putFile(server, info: info(["zplx": "2"]), file: picture), "952", "进门"),
                (try await Self.putFile(server, info: info(["zplx": "4"]), file: picture), "952", "7.3"),
                (try await Self.putFile(server, info: info(["zpbh": "3"]), file: picture), "952", "7.2"),
                (try await Self.putFile(server, info: info(["pzsj": "now"]), file: picture), "952", "pzsj"),
                (try await Self.putFile(server, info: info(["qybh": "4110020002"]), file: picture), "403", "not the enterprise"),
                (try await Self.putFile(server, info: info(["cphm": ""]), file: picture), "400", "cphm is required"),
                (try await Self.putFile(server, info: nil, file: picture), "400", "info"),
            ] {
                #expect(answer["code"] as? String == code && (answer["status"] as? String ?? "").contains(reason), "\(code) \(reason): \(answer)")
            }
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            let photos = try await platform.withReadyStore { store in try await store.henanPhotos(lsh: lsh, limit: 10) }
            #expect(photos.map(\.number).sorted() == ["1", "2"], "front and rear, each once: \(photos)")
            let blobs = BlobStore(directory: URL(fileURLWithPath: server.config.dataDirectory).appendingPathComponent("blobs"))
            let stored = try Data(contentsOf: try #require(blobs.url(of: photos[0].blob)))
            #expect([UInt8](stored) == picture, "the first copy's bytes")
        }
    }

    /// 4.1.6–4.1.8: goods records, in-plant vehicles and machinery, in the envelope and flat.
    @Test func goodsAndInPlantLedgers() async throws {
        try await Self.run { server in
            try await Self.withGate(server)
            let token = try await Self.token(server)
            let (lsh, time) = Self.serial("B")
            func goods(_ changes: [String: String] = [:]) async throws -> [String: Any] {
                var value = ["lsh": lsh, "qybh": "4110020001", "qymc": "许昌焦化", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "hwmc": "焦炭", "ysl": "32.5", "djsj": time]
                for (key, change) in changes { value[key] = change }
                return try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareGoodsRecord", "access_token": token, "value": value])
            }
            #expect(try await goods()["code"] as? String == "200")
            #expect(try await goods(["ysl": "30"])["code"] as? String == "200", "a repeat: the first copy kept")
            #expect(try await goods(["hwmc": "煤"])["code"] as? String == "200", "a second load on the same passage")
            for (changes, code, reason) in [(["ysl": "12345"], "952", "ysl"), (["ysl": "abc"], "952", "ysl"), (["hwmc": ""], "400", "hwmc"),
                                            (["lsh": "411002000102B" + lsh.suffix(12)], "952", "gate"), (["djsj": "x"], "952", "djsj")] {
                let answer = try await goods(changes)
                #expect(answer["code"] as? String == code && (answer["status"] as? String ?? "").contains(reason), "\(changes): \(answer)")
            }
            func envelope(_ ipctype: String, _ value: [String: Any]) async throws -> [String: Any] {
                try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": ipctype, "access_token": token, "value": value])
            }
            let vehicle: [String: Any] = ["companyCode": "4110020001", "license": "豫K88888", "licenseColor": "1", "vehicleType": "Q11", "useCharacter": "F",
                                          "onwer": "许昌焦化", "emissionStandard": "6", "drivingLicenseImg": Self.jpeg, "carStatus": "1"]
            #expect(try await envelope("shareInnerVehInfo", vehicle)["code"] as? String == "200")
            let machine: [String: Any] = ["companyCode": "4110020001", "mhyPlate": "豫K00001X", "mhyJXMC": "装载机", "emissionLevel": "4",
                                          "mhyFrameNo": "FR-1", "mhyProdDate": "20200101", "imageInfo": Self.jpeg, "mhyStatus": "1"]
            #expect(try await envelope("shareInnerMHYElec", machine)["code"] as? String == "200")
            for (ipctype, base, changes, code, reason) in [
                ("shareInnerVehInfo", vehicle, ["carStatus": "4"], "952", "carStatus"), ("shareInnerVehInfo", vehicle, ["vehicleType": "Z"], "952", "7.7"),
                ("shareInnerVehInfo", vehicle, ["drivingLicenseImg": ""], "400", "may not both be empty"),
                ("shareInnerVehInfo", vehicle, ["companyCode": "4110020002"], "403", "not the enterprise"),
                ("shareInnerMHYElec", machine, ["emissionLevel": "9"], "952", "7.6"), ("shareInnerMHYElec", machine, ["imageInfo": ""], "400", "imageInfo"),
                ("shareInnerMHYElec", machine, ["mhyStatus": ""], "400", "mhyStatus"),
            ] {
                var bad = base
                for (key, change) in changes { bad[key] = change }
                let answer = try await envelope(ipctype, bad)
                #expect(answer["code"] as? String == code && (answer["status"] as? String ?? "").contains(reason), "\(ipctype) \(changes): \(answer)")
            }
            // Flat, as the examples print them: the machine is laid up, the vehicle retired.
            var flatMachine = machine
            (flatMachine["accessToken"], flatMachine["mhyStatus"]) = (token, "2")
            #expect(try await Self.call(server, "put_data", flatMachine)["result"] as? String == "success")
            var flatVehicle = vehicle
            (flatVehicle["accessToken"], flatVehicle["carStatus"]) = (token, "3")
            #expect(try await Self.call(server, "put_data", flatVehicle)["result"] as? String == "success")
            flatVehicle["carStatus"] = "7"
            let refused = try await Self.call(server, "put_data", flatVehicle)
            #expect(refused["result"] as? String == "fail" && (refused["err"] as? String ?? "").contains("carStatus"), "\(refused)")

            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                let loads = try await store.henanGoods(enterprise: "4110020001", limit: 10)
                #expect(loads.map(\.goods).sorted() == ["焦炭", "煤"] && loads.first { $0.goods == "焦炭" }?.tons == "32.5", "\(loads)")
                let vehicles = try await store.henanLedger(kind: .vehicle, enterprise: "4110020001", limit: 10)
                #expect(vehicles.count == 1 && vehicles.first?.item == "豫K88888/1" && vehicles.first?.status == "3", "\(vehicles)")
                #expect(vehicles.first?.fields["owner"] == "许昌焦化" && vehicles.first?.images["drivingLicenseImg"] != nil && vehicles.first?.fields["accessToken"] == nil)
                let machines = try await store.henanLedger(kind: .machinery, enterprise: nil, limit: 10)
                #expect(machines.count == 1 && machines.first?.status == "2" && machines.first?.fields["mhyJXMC"] == "装载机", "\(machines)")
            }
        }
    }

    /// A passage whose commit fails (its relay table broken behind the server's back) is
    /// answered 500 and nothing of it is stored; once storage works the same passage is taken.
    @Test func storageFailureAnswers500AndStoresNothing() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let (lsh, time) = Self.serial()
            func record() async throws -> [String: Any] {
                try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareDrivingRecord", "access_token": token, "value": [
                    "lsh": lsh, "qybh": "4110020001", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "tgsjq": time, "tgzt": "1", "bgzt": "1"]])
            }
            let database = try SQLiteDatabase(path: server.config.resolvedDatabaseURL.replacingOccurrences(of: "sqlite:", with: ""))
            try await database.transaction([SQLStatement("ALTER TABLE henan_relay RENAME TO henan_relay_gone")])
            let refused = try await record()
            #expect(refused["code"] as? String == "500" && (refused["status"] as? String ?? "").contains("not stored"), "\(refused)")
            #expect(try await database.query("SELECT count(*) AS n FROM henan_passages").first?.int("n") == 0)
            try await database.transaction([SQLStatement("ALTER TABLE henan_relay_gone RENAME TO henan_relay")])
            #expect(try await record()["code"] as? String == "200")
            #expect(try await database.query("SELECT count(*) AS n FROM henan_passages").first?.int("n") == 1)
        }
    }

    /// "减少50%车辆运输" in the live check: with 14 trucks in over the last seven days (2 a day)
    /// and one in today, the next allowed truck is kept out by the quota of 1.
    @Test func halvingStrategiesKeepADailyQuota() async throws {
        try await Self.run { server in
            let token = try await Self.token(server)
            let filing: [String: Any] = ["license": "豫K66666", "licenseColor": "1", "vehicleType": "H11", "emissionStandard": "6", "drivingLicenseImg": Self.jpeg]
            #expect(try await Self.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": filing])["code"] as? String == "200")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            let time = ChinaTime(), now = Date()
            let today = time.startOfDay(now)
            try await platform.withReadyStore { store in
                _ = try await HenanProjectBook(store: store).run(name: "减半", level: "2", area: "1", scope: "1", industries: ["4"], companyTypes: [], strategy: "5",
                                                                 start: now.addingTimeInterval(-8 * 86_400), end: nil, remark: nil)
                func passage(_ index: Int, at: Date) -> HenanPassage {
                    HenanPassage(lsh: "411002000101A" + String(format: "%012d", index), organ: "4110020001", enterprise: "4110020001", enterpriseName: nil, gate: "01",
                                 license: "豫K0\(index)", licenseColor: "1", entering: true, passedFrom: at, passedTo: nil, barrierLifted: true, isControl: false,
                                 controlReason: "", project: nil, receivedAt: at)
                }
                for index in 0..<14 { try await store.saveHenanPassage(passage(index, at: today.addingTimeInterval(-Double(index / 2 + 1) * 86_400 + 3600))) }
                #expect((try await Self.check(server, token, license: "豫K66666")["value"] as? [String: Any])?["isControl"] as? String == "0", "none in today yet")
                try await store.saveHenanPassage(passage(99, at: max(today, now.addingTimeInterval(-60))))
            }
            let kept = try #require(try await Self.check(server, token, license: "豫K66666")["value"] as? [String: Any])
            #expect(kept["isControl"] as? String == "1" && (kept["controlReason"] as? String ?? "").contains("减少50%车辆运输，今日已通行 1 辆，达到配额 1 辆"), "\(kept)")
        }
    }
}
