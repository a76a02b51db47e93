import Foundation
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateTestSupport
import Testing

/// The console in a real browser (headless Chromium over WebDriver) against the real server.
/// With `PARKGATE_SCREENSHOTS=DIR` the main pages are saved there (docs/screenshots).
@Suite(.serialized, .timeLimit(.minutes(3))) struct BrowserTests {
    static let time = ChinaTime()

    @Test func operatorWorksInTheConsole() async throws {
        try await TestServer.run { server in
            let site = "http://127.0.0.1:\(server.port)"
            let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"]
            let scoped = try await server.send(.post, "/api/v1/users", json: [
                "username": "pk1-staff", "password": "pw", "role": "scoped", "scope": ["parks": ["PK1"]],
            ])
            #expect(scoped.status == 201)
            let camera = try await server.token(vendor: "109")
            let now = Self.time.formatCompact(Date())
            func passage(_ park: String, _ ps: String, _ plate: String, _ state: String = "1", _ changes: [String: String?] = [:]) async throws {
                var fields = Messages.camera(camera, ps: ps, state: state, plate: plate, time: now, ["parkCode": park, "devCode": "C-\(park)-\(ps)"])
                for (key, value) in changes { fields[key] = value }
                #expect(try await server.post("camera", Messages.json(fields)).code == "100")
            }
            try await passage("PK1", "B1", "京A10001")
            try await passage("PK2", "B9", "沪B20002")

            let driver = try await WebDriver(port: try CLITests.freePort())
            do {
                // Sign in.
                try await driver.open(site + "/events")
                #expect(try await driver.url.contains("/login"))
                #expect(try await driver.signIn("admin"), "signed in")
                #expect(try await driver.url.hasSuffix("/events"), "back where the user was going")

                // The dashboard updates without a reload when traffic arrives.
                try await driver.open(site + "/")
                let before = try await driver.text("#fig-entries")
                _ = try await driver.script("window.__notReloaded = true;")
                if let shots { try await driver.screenshot(to: shots + "/dashboard.png") }
                try await passage("PK1", "B2", "京A10003")
                try await passage("PK1", "B3", "京A10004", "1", ["Image1": "", "fullImage": "http://img.example/full.jpg"])
                #expect(try await driver.wait(12) { try await driver.text("#fig-entries") != before }, "entries today refreshed live")
                #expect(try await driver.script("return window.__notReloaded === true;") as? Bool == true)

                // Filter the records, open one with its image, raw message and findings.
                try await driver.open(site + "/events")
                try await driver.type("#filters input[name=plate]", "京A10004")
                try await driver.click("#apply")
                #expect(try await driver.wait(5) { try await driver.url.contains("plate=") })
                let rows = try await driver.elements("#list tbody tr")
                #expect(rows.count == 1)
                if let shots { try await driver.screenshot(to: shots + "/events.png") }
                try await driver.click("#list tbody tr td a")
                let detail = try await driver.source
                #expect(detail.contains("http://img.example/full.jpg"), "the record's image")
                #expect(detail.contains("京A10004") && detail.contains("fullImage"), "the raw message as received")
                #expect(try await driver.elements("#findings tr").count >= 2, "its conformance findings")
                if let shots { try await driver.screenshot(to: shots + "/event.png") }

                // Export the list as CSV, with the same session.
                try await driver.open(site + "/events?parkCode=PK1")
                let csv = try await driver.asyncScript(
                    "var done = arguments[0]; fetch(document.getElementById('csv').href).then(r => r.text()).then(done);") as? String ?? ""
                #expect(csv.contains("flowId") && csv.contains("京A10001") && !csv.contains("沪B20002"), "\(csv)")

                // Acknowledge an alarm in the inbox.
                let sensor = try await server.token(vendor: "102")
                #expect(try await server.post("deverror", Messages.json([
                    "token": sensor, "comType": "102", "flowId": Messages.flowId(vendor: "102", type: "5"), "parkCode": "PK1",
                    "devCode": "M-1", "psCode": "B1", "alarmCode": "0", "alarmTime": now,
                ])).code == "100")
                try await driver.open(site + "/alarms")
                #expect(try await driver.url.contains("status=open"))
                if let shots { try await driver.screenshot(to: shots + "/alarms.png") }
                try await driver.click("button.acknowledge")
                #expect(try await driver.wait(5) { try await driver.source.contains("admin 20") }, "acknowledged by admin, with the time")
                let alarms = try await server.items("/api/v1/alarms?status=open")
                #expect(alarms.first?["acknowledgedBy"] as? String == "admin")

                // Create a test campaign from the console and read its report there.
                try await driver.open(site + "/campaigns")
                let day = String(now.prefix(8))
                try await driver.type("#campaign-form input[name=name]", "console-check")
                try await driver.type("#campaign-form input[name=parkCode]", "PK1")
                try await driver.type("#campaign-form input[name=devices]", "C-PK1-B2,C-PK1-B3")
                try await driver.type("#campaign-form input[name=from]", day + "000000")
                try await driver.type("#campaign-form input[name=to]", day + "235959")
                try await driver.type("#campaign-form textarea[name=truth]", "psCode,event,time,plate\nB2,arrive,\(now),京A10003\nB3,arrive,\(now),京A10004\n")
                try await driver.click("#campaign-form button")
                #expect(try await driver.wait(5) { try await driver.url.hasSuffix("/campaigns/console-check") })
                let frame = try await driver.script("return document.getElementById('report').srcdoc;") as? String ?? ""
                #expect(frame.contains("C-PK1-B2") && frame.contains("<svg"), "the report inside the console")
                if let shots { try await driver.screenshot(to: shots + "/campaign.png") }

                // Switch to English and back.
                try await driver.open(site + "/alarms")
                try await driver.click("#lang")
                #expect(try await driver.wait(5) { try await driver.source.contains("Acknowledged by") })
                if let shots { try await driver.screenshot(to: shots + "/alarms-en.png") }
                try await driver.click("#lang")

                // A scoped user sees its park only.
                try await driver.click("#logout")
                #expect(try await driver.wait(5) { try await driver.url.contains("/login") })
                #expect(try await driver.signIn("pk1-staff"), "signed in")
                try await driver.open(site + "/events")
                let page = try await driver.source
                #expect(page.contains("京A10001") && !page.contains("沪B20002"))
                let other = try #require(try await server.items("/api/v1/events?parkCode=PK2").first?["id"] as? Int)
                try await driver.open(site + "/events/\(other)")
                #expect(try await driver.source.contains("no such event"))
                #expect(try await !driver.source.contains("沪B20002"))
                try await driver.open(site + "/users")
                #expect(try await driver.source.contains("manageUsers"), "no user management for a scoped user")
            } catch {
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    /// The downlink pages: who is connected, a request sent from the console with the park's
    /// answer, the blacklist kept by hand, and a member removed; each reaches the simulated lot.
    @Test func operatorSendsToAParkFromTheConsole() async throws {
        try await CPMITests.run(configure: DownlinkTests.roomyReplies) { server in
            let site = "http://127.0.0.1:\(server.port)"
            let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"]
            let token = try await CPMITests.login(server)
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            try await DownlinkTests.withLot(server, token: token, behaviour: behaviour) { _ in
                let driver = try await WebDriver(port: try CLITests.freePort())
                do {
                    try await driver.open(site + "/downlink")
                    #expect(try await driver.signIn("admin"), "signed in")
                    #expect(try await driver.wait(5) { try await driver.url.hasSuffix("/downlink") })
                    #expect(try await driver.text("#connection-list").contains("P001"), "the connected lot")

                    // Open a gate: the page of the request shows the lot's answer.
                    _ = try await driver.script("document.querySelector('#command-form select[name=code]').value = '21';")
                    try await driver.type("#command-form textarea[name=data]", #"{"barCode":"GATE-IN1","isOpen":"1"}"#)
                    try await driver.click("#command-form button")
                    #expect(try await driver.wait(5) { try await driver.url.contains("/commands/") })
                    let detail = try await driver.source
                    #expect(detail.contains("21 远程开闸") && detail.contains("0000") && detail.contains("成功") && detail.contains("GATE-IN1"))
                    if let shots { try await driver.screenshot(to: shots + "/command.png") }
                    // Bad data is refused with the reason, nothing sent.
                    try await driver.open(site + "/downlink")
                    _ = try await driver.script("document.querySelector('#command-form select[name=code]').value = '21';")
                    try await driver.type("#command-form textarea[name=data]", #"{"isOpen":"1"}"#)
                    try await driver.click("#command-form button")
                    #expect(try await driver.wait(5) { try await driver.source.contains("barCode is required") })
                    try await driver.open(site + "/downlink?parkCode=P001")
                    #expect(try await driver.elements("#list tbody tr").count == 1)
                    if let shots { try await driver.screenshot(to: shots + "/downlink.png") }

                    // The blacklist by hand: added, sent to the lot, removed.
                    try await driver.open(site + "/blacklist")
                    try await driver.type("#blacklist-form input[name=plate]", "京A77777")
                    try await driver.type("#blacklist-form input[name=oweMoney]", "12.50")
                    try await driver.click("#blacklist-form button")
                    #expect(try await driver.wait(5) { try await driver.source.contains("京A77777") })
                    #expect(try await driver.text("#list").contains("12.50"))
                    try await DownlinkTests.waitUntil("the lot has it") { behaviour.isBlacklisted("京A77777") }
                    if let shots { try await driver.screenshot(to: shots + "/blacklist.png") }
                    try await driver.click("button.remove")
                    #expect(try await driver.wait(5) { try await driver.source.contains(">没有记录<") })
                    try await DownlinkTests.waitUntil("the lot no longer has it") { !behaviour.isBlacklisted("京A77777") }

                    // A member reaches the lot (29); removed in the console, the lot learns it.
                    #expect(try await server.send(.post, "/api/v1/members", json: ["plate": "京M88888", "autoPay": true]).status == 200)
                    try await DownlinkTests.waitUntil("the lot has the member") { behaviour.member("京M88888")?["isAutopay"] == "1" }
                    try await driver.open(site + "/members")
                    try await driver.click("button.delete")
                    #expect(try await driver.wait(5) { try await !driver.source.contains("京M88888") })
                    try await DownlinkTests.waitUntil("the lot learns of the removal") { behaviour.member("京M88888")?["memberType"] == "已注销" }
                    #expect(behaviour.member("京M88888")?["isAutopay"] == "0")

                    // In English.
                    try await driver.open(site + "/downlink")
                    try await driver.click("#lang")
                    #expect(try await driver.wait(5) { try await driver.source.contains("Connected parks") })
                    #expect(try await driver.source.contains("succeeded"))
                    try await driver.click("#lang")
                } catch {
                    await driver.quit()
                    throw error
                }
                await driver.quit()
            }
        }
    }

    /// The video platform's ledger and captures in the console, in both languages.
    @Test func videoLedgerAndCapturesInTheConsole() async throws {
        try await VideoTests.run { server in
            try await VideoTests.uploadPassage(server)
            let site = "http://127.0.0.1:\(server.port)"
            let driver = try await WebDriver(port: try CLITests.freePort())
            do {
                try await driver.open(site + "/video/devices")
                #expect(try await driver.signIn("admin"), "signed in")
                #expect(try await driver.wait(5) { try await driver.url.hasSuffix("/video/devices") })
                let ledger = try await driver.text("#list")
                #expect(ledger.contains(VideoTests.car) && ledger.contains("卡口") && ledger.contains("车辆卡口") && ledger.contains("服务节点"), "\(ledger)")
                try await driver.click("#list a[href='/video/devices/\(VideoTests.car)']")
                #expect(try await driver.wait(5) { try await driver.source.contains("在线状态变化") })
                #expect(try await driver.source.contains("在线"), "its first keep-alive is in its log")
                try await driver.click("a[href*='deviceId=\(VideoTests.car)']")
                #expect(try await driver.wait(5) { try await driver.url.contains("/video/captures") })
                let captures = try await driver.text("#list")
                #expect(captures.contains("闽D12345") && captures.contains("2026-11-22 09:30:00") && captures.contains("车辆"), "\(captures)")
                #expect(try await driver.text("#retention").contains("保留 30 天"))
                if let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"] { try await driver.screenshot(to: shots + "/video-captures.png") }
                try await driver.open(site + "/video/availability")
                let availability = try await driver.text("#list")
                #expect(availability.contains("350200") && availability.contains("%"), "\(availability)")
                try await driver.open(site + "/video/captures")
                try await driver.click("#lang")
                #expect(try await driver.wait(5) { try await driver.source.contains("Vehicle and face captures") })
                try await driver.click("#lang")
            } catch {
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    /// An operator keeps the ledger in the console (adds, edits, retires and reactivates a camera)
    /// and reads the logs of section 三(一): its own actions in the user log, a refused request
    /// in the device log, and exports them.
    @Test func operatorKeepsTheVideoLedgerAndReadsTheLogs() async throws {
        try await VideoTests.run { server in
            #expect(VideoTests.code(try await VideoTests.call(server, "car", "keepAlive", "deviceID=\(VideoTests.car)&appIdentityKey=forged")) == "EC003")
            let site = "http://127.0.0.1:\(server.port)"
            let id = "35020000001320000077"
            let driver = try await WebDriver(port: try CLITests.freePort())
            do {
                try await driver.open(site + "/video/devices")
                #expect(try await driver.signIn("admin"), "signed in")
                #expect(try await driver.wait(5) { try await driver.url.hasSuffix("/video/devices") })
                // A bad id is refused with the reason and nothing is saved.
                try await driver.type("#video-device-form input[name=id]", "3502")
                try await driver.type("#video-device-form input[name=name]", "坏的")
                try await driver.click("#video-device-form button")
                #expect(try await driver.wait(5) { try await driver.source.contains("20 digits") })
                try await driver.open(site + "/video/devices")
                try await driver.type("#video-device-form input[name=id]", id)
                try await driver.type("#video-device-form input[name=name]", "东渡路卡口")
                try await driver.type("#video-device-form input[name=place]", "东渡路")
                try await driver.type("#video-device-form input[name=node]", VideoTests.node)
                try await driver.click("#video-device-form button")
                #expect(try await driver.wait(5) { try await driver.url.hasSuffix("/video/devices/\(id)") })
                let created = try await driver.source
                #expect(created.contains("东渡路卡口") && created.contains("启用"))
                // Edit on the device's page, then retire and bring it back.
                try await driver.script("document.querySelector('#video-device-form input[name=owner]').value = '思明交警大队'")
                try await driver.click("#video-device-form button")
                #expect(try await driver.wait(5) { try await driver.source.contains("思明交警大队") })
                if let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"] { try await driver.screenshot(to: shots + "/video-device.png") }
                try await driver.click("#video-device-status button")
                #expect(try await driver.wait(5) { try await driver.source.contains("已停用") })
                try await driver.click("#video-device-status button")
                #expect(try await driver.wait(5) { let page = try await driver.source; return page.contains("停用") && !page.contains("已停用") })
                #expect(try await server.items("/api/v1/video/devices").contains { $0["id"] as? String == id && $0["owner"] as? String == "思明交警大队" && $0["status"] as? String == "active" })

                // The user log of this device: every change, newest first, by admin from the console.
                try await driver.open(site + "/video/logs?type=user&device=\(id)")
                let userLog = try await driver.text("#list")
                for action in ["device.create", "device.save", "device.retire"] { #expect(userLog.contains(action), "\(userLog)") }
                #expect(userLog.contains("(console)"))
                // The device log shows the refused keep-alive with its code.
                try await driver.open(site + "/video/logs?type=device&device=\(VideoTests.car)")
                let deviceLog = try await driver.text("#list")
                #expect(deviceLog.contains("请求被拒") && deviceLog.contains("EC003"), "\(deviceLog)")
                if let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"] { try await driver.screenshot(to: shots + "/video-logs.png") }
                let csv = try await driver.asyncScript("var done = arguments[0]; fetch(document.getElementById('csv').href).then(r => r.text()).then(done);") as? String ?? ""
                // (fetch's text() drops the BOM the file starts with; the API test checks it.)
                #expect(csv.hasPrefix("时间,日志类型,用户,设备") && csv.contains("EC003"), "\(csv)")
                try await driver.click("#lang")
                #expect(try await driver.wait(5) { let page = try await driver.source; return page.contains("Video logs") && page.contains("refused request") })
                try await driver.click("#lang")
            } catch {
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    /// The Henan registry in the console: enterprises with gates, a control project closed from
    /// the console (the gate check lets the truck through again), filed vehicles; in English too.
    @Test func gateControlInTheConsole() async throws {
        try await HenanCityTests.run { server in
            let token = try await HenanCityTests.token(server)
            let filing: [String: Any] = ["license": "豫K12345", "licenseColor": "1", "vehicleType": "H11", "emissionStandard": "4", "fuelType": "B",
                                         "onwer": "许昌运输公司", "drivingLicenseImg": HenanCityTests.jpeg]
            #expect(try await HenanCityTests.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareVehInfo", "access_token": token, "value": filing])["code"] as? String == "200")
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).saveGate(enterprise: "4110020001", code: "01", type: "C")
                _ = try await HenanProjectBook(store: store).run(name: "秋冬季应急", level: "2", area: "1", scope: "1", industries: ["4"], companyTypes: [],
                                                                 strategy: "2", start: Date().addingTimeInterval(-60), end: nil, remark: nil)
            }
            #expect((try await HenanCityTests.check(server, token)["value"] as? [String: Any])?["isControl"] as? String == "1")
            let site = "http://127.0.0.1:\(server.port)"
            let driver = try await WebDriver(port: try CLITests.freePort())
            do {
                try await driver.open(site + "/henan/enterprises")
                #expect(try await driver.signIn("admin"), "signed in")
                let enterprises = try await driver.text("#list")
                #expect(enterprises.contains("许昌焦化") && enterprises.contains("4 焦化") && enterprises.contains("01 双向出入口") && enterprises.contains("B 级"), "\(enterprises)")
                try await driver.open(site + "/henan/projects")
                let projects = try await driver.text("#list")
                #expect(projects.contains("秋冬季应急") && projects.contains("橙色") && projects.contains("管控中") && projects.contains("焦化"), "\(projects)")
                if let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"] { try await driver.screenshot(to: shots + "/henan-projects.png") }
                try await driver.click("#list button.close")
                #expect(try await driver.wait(5) { try await driver.text("#list").contains("已关闭") })
                #expect((try await HenanCityTests.check(server, token)["value"] as? [String: Any])?["isControl"] as? String == "0", "closed from the console")
                try await driver.open(site + "/henan/vehicles")
                let vehicles = try await driver.text("#list")
                #expect(vehicles.contains("豫K12345") && vehicles.contains("重型普通货车") && vehicles.contains("国Ⅳ") && vehicles.contains("柴油"), "\(vehicles)")
                try await driver.click("#lang")
                #expect(try await driver.wait(5) { try await driver.source.contains("Filed vehicles") })
                try await driver.click("#lang")
            } catch {
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    /// Passages with their photos and goods, the relay backlog (a refused call sent again from
    /// the console) and the provincial registrations, in the console.
    @Test func gatePassagesRelayAndProvinceInTheConsole() async throws {
        try await HenanCityTests.run { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                _ = try await HenanRegistry(store: store).saveGate(enterprise: "4110020001", code: "01", type: "C")
                _ = try await HenanRegistry(store: store).saveCity(organ: "4110000000", username: "xuchang", password: "xc-pw", orgSecret: "XC-SECRET")
            }
            let token = try await HenanCityTests.token(server)
            let (lsh, time) = HenanCityTests.serial()
            let passage = try await HenanCityTests.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareDrivingRecord", "access_token": token, "value": [
                "lsh": lsh, "qybh": "4110020001", "qymc": "许昌焦化", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "tgsjq": time, "tgzt": "1", "bgzt": "1"]])
            #expect(passage["code"] as? String == "200")
            let photo = try await HenanCityTests.putFile(server, info: ["organ": "4110020001", "ipctype": "sharePhotoInfo", "access_token": token, "value": [
                "lsh": lsh, "qybh": "4110020001", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "zpbh": "1", "zplx": "1", "pzsj": time]],
                file: [UInt8](Data(base64Encoded: HenanCityTests.jpeg)!))
            #expect(photo["code"] as? String == "200")
            #expect(try await HenanCityTests.call(server, "put_data", ["organ": "4110020001", "ipctype": "shareGoodsRecord", "access_token": token, "value": [
                "lsh": lsh, "qybh": "4110020001", "dzbh": "01", "cphm": "豫K12345", "cpys": "1", "hwmc": "焦炭", "ysl": "32", "djsj": time]])["code"] as? String == "200")
            let province = try await HenanProvinceTests.token(server)
            _ = try await HenanProvinceTests.register(server, province)
            #expect(try await HenanProvinceTests.call(server, "ElectronicFenceAdd", ["accessToken": province, "areaName": "魏都区禁行区",
                                                                                      "areaCollection": "113.82,34.73$113.84,34.73$113.84,34.75"])["result"] as? String == "success")
            #expect(try await HenanProvinceTests.call(server, "SendDayDataCity", ["accessToken": province, "date": "20261130", "vehTotal": "300"])["result"] as? String == "success")
            // One relay call refused by the province, to send again from the console.
            try await platform.withReadyStore { store in
                let goods = try #require(try await store.henanRelayItems(status: .pending, method: "SendGoodsRecordData", limit: 1).first)
                try await store.markHenanRelay(ids: [goods.id], status: .refused, error: "list[0]: ysl 32 is not a number", next: Date(), now: Date())
            }
            let site = "http://127.0.0.1:\(server.port)"
            let driver = try await WebDriver(port: try CLITests.freePort())
            do {
                try await driver.open(site + "/henan/passages")
                #expect(try await driver.signIn("admin"), "signed in")
                let passages = try await driver.text("#list")
                #expect(passages.contains(lsh) && passages.contains("许昌焦化") && passages.contains("摆杆通行") && passages.contains("焦炭 32 吨") && passages.contains("进厂"),
                        "\(passages)")
                if let shots = ProcessInfo.processInfo.environment["PARKGATE_SCREENSHOTS"] { try await driver.screenshot(to: shots + "/henan-passages.png") }
                try await driver.open(site + "/henan/relay")
                let relay = try await driver.text("#list")
                #expect(relay.contains("SendEnterExitDataEx") && relay.contains("AddCompany") && relay.contains("ysl 32 is not a number"), "\(relay)")
                try await driver.click("#list button.retry")
                #expect(try await driver.wait(5) { !(try await driver.text("#list").contains("重新发送")) })
                let retried = try await platform.withReadyStore { store in try await store.henanRelayItems(status: .refused, method: nil, limit: 10) }
                #expect(retried.isEmpty, "queued again")
                try await driver.open(site + "/henan/province")
                let companies = try await driver.text("#list")
                #expect(companies.contains("4110020001") && companies.contains("许昌焦化") && companies.contains("许昌") && companies.contains("焦化"), "\(companies)")
                try await driver.open(site + "/henan/province/reports?method=SendDayDataCity")
                let reports = try await driver.text("#list")
                #expect(reports.contains("4110000000|20261130") && reports.contains("vehTotal=300"), "\(reports)")
                try await driver.open(site + "/henan/province/fences")
                let fences = try await driver.text("#list")
                #expect(fences.contains("魏都区禁行区") && fences.contains("113.82,34.73"), "\(fences)")
                try await driver.click("#lang")
                #expect(try await driver.wait(5) { try await driver.source.contains("Registered enterprises (province)") })
                try await driver.click("#lang")
            } catch {
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }
}
