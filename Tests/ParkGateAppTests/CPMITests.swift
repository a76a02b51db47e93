import Crypto
import Foundation
import Hummingbird
import NIOCore
import ParkGateApp
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import ParkGateTestSupport
import Testing

/// T/CPMI uplink over real HTTP: envelope, signatures, login tokens, replays, parking records,
/// and every result code these interfaces can give.
@Suite(.timeLimit(.minutes(3))) struct CPMITests {
    static let secret = "POOL-SECRET"

    /// A server with park P001 (account lot1/pw1, 100 spaces, signature on with a secret).
    static func run(_ backend: Backend = .sqlite, configure: (inout AppConfig) -> Void = { _ in }, _ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run(backend: backend, configure) { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.savePark(ParkRecord(
                    code: "P001", name: "一号停车场", totalSpaces: 100, account: "lot1", passwordHash: try PasswordHash.make("pw1", rounds: 1000),
                    secret: secret, signatureOn: true, createdAt: Date(), updatedAt: Date()))
            }
            try await body(server)
        }
    }

    static func md5(_ text: String) -> String { Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02X", $0) }.joined() }

    /// Posts an envelope (form field `param`) and returns the answer object.
    @discardableResult
    static func call(_ server: TestServer, _ code: String, _ data: String, token: String = "", oprNum: String = UUID().uuidString,
                     signature: String? = nil, json: Bool = false) async throws -> [String: Any] {
        let sign = signature ?? md5(data + token + secret)
        let envelope = "{\"token\":\"\(token)\",\"code\":\"\(code)\",\"oprNum\":\"\(oprNum)\",\"signature\":\"\(sign)\",\"data\":\(data)}"
        return try await raw(server, json ? envelope : "param=" + envelope.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                             contentType: json ? "application/json" : "application/x-www-form-urlencoded")
    }

    static func raw(_ server: TestServer, _ body: String, contentType: String) async throws -> [String: Any] {
        let response = try await server.client.execute(
            uri: "/cpmi", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func login(_ server: TestServer) async throws -> String {
        let answer = try await call(server, "1", #"{"parkUserName":"lot1","parkUserPwd":"pw1"}"#)
        #expect(answer["resultCode"] as? String == "0000", "\(answer)")
        return try #require((answer["data"] as? [String: Any])?["token"] as? String)
    }

    static func now(_ offset: TimeInterval = 0) -> String { ChinaTime().formatDashed(Date().addingTimeInterval(offset)) }

    @Test func loginSignsAndRevokes() async throws {
        try await Self.run { server in
            // The answer is signed over its own data text.
            let body = "param=" + "{\"token\":\"\",\"code\":\"1\",\"oprNum\":\"L1\",\"signature\":\"\(Self.md5(#"{"parkUserName":"lot1","parkUserPwd":"pw1"}"# + Self.secret))\",\"data\":{\"parkUserName\":\"lot1\",\"parkUserPwd\":\"pw1\"}}"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await server.client.execute(uri: "/cpmi", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            let text = String(buffer: response.body)
            let dataText = try #require(text.range(of: "\"data\":").map { String(text[$0.upperBound...].dropLast()) })
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(answer["resultCode"] as? String == "0000" && answer["oprNum"] as? String == "L1")
            #expect(answer["signature"] as? String == Self.md5(dataText + Self.secret))
            let first = try #require((answer["data"] as? [String: Any])?["token"] as? String)
            #expect(first.count == 32 && (answer["data"] as? [String: Any])?["parkCode"] as? String == "P001")

            #expect(try await Self.call(server, "8", "{}", token: first)["resultCode"] as? String == "0000")
            let second = try await Self.login(server)
            #expect(try await Self.call(server, "8", "{}", token: first)["resultCode"] as? String == "9000", "a new login revokes the old token")
            let beat = try await Self.call(server, "8", "{}", token: second)
            #expect(beat["resultCode"] as? String == "0000")
            #expect(ChinaTime().parseDashed((beat["data"] as? [String: Any])?["time"] as? String ?? "") != nil, "the platform time")

            #expect(try await Self.call(server, "1", #"{"parkUserName":"lot1","parkUserPwd":"nope"}"#)["resultCode"] as? String == "9003")
            #expect(try await Self.call(server, "1", #"{"parkUserName":"lot1","parkUserPwd":"pw1"}"#, signature: "BAD")["resultCode"] as? String == "9006")
            #expect(try await Self.call(server, "8", "{}", token: second, signature: "BAD")["resultCode"] as? String == "9006")
        }
    }

    @Test(arguments: Backend.available)
    func entryCorrectionExitMakeOneRecord(backend: Backend) async throws {
        try await Self.run(backend) { server in
            let token = try await Self.login(server)
            let inTime = Self.now(-3600), outTime = Self.now()
            var answer = try await Self.call(server, "2", #"{"recordCode":"R1","carNum":"京A1234S","inCross":"IN1","inTime":"\#(inTime)","inIdentity":"2","carColor":"蓝","operatorName":"张三"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "3", #"{"recordCode":"R1","carNum":"京A1234S","correctionNum":"京A12345","inCross":"IN1","inTime":"\#(inTime)"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "4", #"{"recordCode":"R1","carNum":"京A12345","inCross":"IN1","outCross":"OUT2","inTime":"\#(inTime)","outTime":"\#(outTime)","inIdentity":"2","parkMinutes":60,"chargeStatus":"1","payMoney":10.5,"discountMoney":0.5,"incomeMoney":10.00,"paymentMode":"4","payOrigin":"1","exitType":"0","operatorName":"李四"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            let record = try #require(try await server.items("/api/v1/parking-records?parkCode=P001").first)
            #expect(record["plate"] as? String == "京A12345" && record["entryPlate"] as? String == "京A1234S")
            #expect(record["status"] as? String == "exited" && record["corrections"] as? Int == 1)
            #expect(record["incomeMoney"] as? String == "10.00" && record["payMoney"] as? String == "10.50" && record["parkMinutes"] as? Int == 60)

            // Corrections and exits need the record, and an exit never precedes its entry.
            #expect(try await Self.call(server, "3", #"{"recordCode":"NOPE","correctionNum":"京B1"}"#, token: token)["resultCode"] as? String == "9101")
            #expect(try await Self.call(server, "4", #"{"recordCode":"NOPE","outTime":"\#(outTime)"}"#, token: token)["resultCode"] as? String == "9101")
            answer = try await Self.call(server, "2", #"{"recordCode":"R2","carNum":"京C1","inTime":"\#(outTime)"}"#, token: token)
            answer = try await Self.call(server, "4", #"{"recordCode":"R2","carNum":"京C1","outTime":"\#(inTime)","incomeMoney":"5"}"#, token: token)
            #expect(answer["resultCode"] as? String == "9002" && (answer["resultMessage"] as? String ?? "").contains("precedes"))
            #expect(try await server.items("/api/v1/parking-records?status=exited").count == 1, "nothing stored for a refused exit")
            #expect(try await server.items("/api/v1/parks").first?["vehiclesInside"] as? Int == 1, "R2 is inside")
            answer = try await Self.call(server, "4", #"{"recordCode":"R2","carNum":"京C1","outTime":"\#(Self.now(60))","incomeMoney":"5"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            #expect(try await server.items("/api/v1/findings?sender=P001").contains { $0["field"] as? String == "incomeMoney" },
                    "money sent as a string is a finding")
        }
    }

    @Test func spacesAndEnvironment() async throws {
        try await Self.run { server in
            let token = try await Self.login(server)
            #expect(try await Self.call(server, "7", #"{"parkCode":"P001","emptyNum":40}"#, token: token)["resultCode"] as? String == "0000")
            #expect(try await Self.call(server, "7", #"{"parkCode":"P001","emptyNum":101}"#, token: token)["resultCode"] as? String == "9105")
            #expect(try await Self.call(server, "6", #"{"parkCode":"P001","totalNum":0,"weather":"晴"}"#, token: token)["resultCode"] as? String == "9102")
            #expect(try await Self.call(server, "6", #"{"parkCode":"P001","totalNum":120,"weather":"晴","situation":"球赛"}"#, token: token)["resultCode"] as? String == "0000")
            #expect(try await Self.call(server, "7", #"{"parkCode":"P001","emptyNum":110}"#, token: token)["resultCode"] as? String == "0000")
            #expect(try await Self.call(server, "7", #"{"parkCode":"OTHER","emptyNum":1}"#, token: token)["resultCode"] as? String == "9104")
            let park = try #require(try await server.items("/api/v1/parks").first)
            #expect(park["totalSpaces"] as? Int == 120 && park["emptySpaces"] as? Int == 110 && park["weather"] as? String == "晴")
            let history = try await server.items("/api/v1/parks/P001/spaces")
            #expect(history.map { $0["emptyNum"] as? Int } == [40, 110] && history.map { $0["totalNum"] as? Int } == [100, 120],
                    "remaining spaces over time, each with the total in force")
        }
    }

    @Test(arguments: Backend.available)
    func repeatsReplayThenHitTheLimit(backend: Backend) async throws {
        try await Self.run(backend) { server in
            let token = try await Self.login(server)
            let data = #"{"recordCode":"R9","carNum":"京E9","inTime":"\#(Self.now())"}"#
            let first = try await Self.call(server, "2", data, token: token, oprNum: "OPR-1")
            for _ in 1...5 {
                let again = try await Self.call(server, "2", data, token: token, oprNum: "OPR-1")
                #expect(NSDictionary(dictionary: again).isEqual(to: first), "a repeat gets the first answer")
            }
            let sixth = try await Self.call(server, "2", data, token: token, oprNum: "OPR-1")
            #expect(sixth["resultCode"] as? String == "9999" && (sixth["resultMessage"] as? String ?? "").contains("重复请求次数超限"))
            let raw = try await server.items("/api/v1/parking-records?parkCode=P001")
            #expect(raw.count == 1)
        }
    }

    @Test func imagesComeBeforeOrAfterTheirRecord() async throws {
        try await Self.run(configure: { $0.cpmiImageLimit = 64 << 10 }) { server in
            let token = try await Self.login(server)
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 600) + [0xFF, 0xD9]).base64EncodedString()
            var answer = try await Self.call(server, "5", #"{"recordCode":"R7","imageCode":"I1","imageType":"2","imageBase64":"\#(jpeg)"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "an image before its record: \(answer)")
            let path = try #require((answer["data"] as? [String: Any])?["imagePath"] as? String)
            #expect(path.hasPrefix("/api/v1/blobs/") && path.hasSuffix(".jpg"))
            answer = try await Self.call(server, "2", #"{"recordCode":"R7","carNum":"京F7","inTime":"\#(Self.now())"}"#, token: token)
            answer = try await Self.call(server, "5", #"[{"recordCode":"R7","imageCode":"I2","imageType":"1","imageBase64":"\#(jpeg)"}]"#, token: token)
            #expect(answer["resultCode"] as? String == "0000" && (answer["data"] as? [[String: Any]])?.count == 1, "several at once: \(answer)")
            let detail = try await server.api("/api/v1/parking-records/P001/R7")
            #expect((detail["images"] as? [[String: Any]])?.count == 2)
            let file = try await server.send(.get, path)
            #expect(file.status == 200 && file.contentType == "image/jpeg")
            let raw = try await server.items("/api/v1/events?limit=10")
            #expect(raw.isEmpty, "T/CPMI records are not roadside events")

            let notImage = Data("hello, not a picture".utf8).base64EncodedString()
            answer = try await Self.call(server, "5", #"{"recordCode":"R7","imageCode":"I3","imageBase64":"\#(notImage)"}"#, token: token)
            #expect(answer["resultCode"] as? String == "9002" && (answer["resultMessage"] as? String ?? "").contains("not a JPEG"))
            answer = try await Self.call(server, "5", #"{"recordCode":"R7","imageCode":"I3","imageBase64":"@@@"}"#, token: token)
            #expect(answer["resultCode"] as? String == "9002")
            let huge = Data([0xFF, 0xD8, 0xFF] + Array(repeating: 0, count: 65 << 10)).base64EncodedString()
            answer = try await Self.call(server, "5", #"{"recordCode":"R7","imageCode":"I4","imageBase64":"\#(huge)"}"#, token: token)
            #expect(answer["resultCode"] as? String == "9002" && (answer["resultMessage"] as? String ?? "").contains("larger"))
            #expect((try await server.api("/api/v1/parking-records/P001/R7")["images"] as? [Any])?.count == 2, "refused images are not attached")

            // The console shows the park, its records, and the record with its pictures.
            let login = try await server.client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=admin&password=pw&next=/"))
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            for (page, expected) in [("/parks", "一号停车场"), ("/parking-records?parkCode=P001", "京F7"), ("/parking-records/P001/R7", "<img src=\"\(path)\"")] {
                let response = try await server.client.execute(uri: page, method: .get, headers: [.cookie: cookie])
                #expect(response.status == .ok && String(buffer: response.body).contains(expected), "\(page)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func billsSettlementsAndReconciliation(backend: Backend) async throws {
        try await Self.run(backend) { server in
            let token = try await Self.login(server)
            let day = String(Self.now().prefix(10))
            let entry = "\(day) 08:00:00", exit = "\(day) 09:30:00"
            // A stay whose entry and exit were never sent arrives whole, newest first after an outage.
            var answer = try await Self.call(server, "14", #"{"parkCode":"P001","carNum":"京G14","inCross":"IN1","outcross":"OUT1","inTime":"\#(entry)","outTime":"\#(exit)","carType":"2","recordCode":"B1","inImage":"","outImage":"","payMoney":20,"incomeMoney":18,"discountMoney":2,"paymentRecordList":[{"billNumber":"N1","amountReceivable":20,"actualReceivable":18,"discountAmount":2,"payTime":"\#(exit)","payStatus":"1","paymentMode":"5","payOrigin":"1","tollerAccout":"t1"}]}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            // One whose entry arrived but whose exit was lost is completed by its bill.
            answer = try await Self.call(server, "2", #"{"recordCode":"B2","carNum":"京G15","inTime":"\#(entry)"}"#, token: token)
            answer = try await Self.call(server, "14", #"{"parkCode":"P001","carNum":"京G15","outCross":"OUT2","outTime":"\#(exit)","recordCode":"B2","payMoney":"5.00","incomeMoney":5,"paymentRecordList":[]}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            let b2 = try await server.api("/api/v1/parking-records/P001/B2")["record"] as? [String: Any]
            #expect(b2?["status"] as? String == "exited" && b2?["inTimeText"] as? String == entry && b2?["outCross"] as? String == "OUT2")
            let b1 = try await server.api("/api/v1/parking-records/P001/B1")["record"] as? [String: Any]
            #expect(b1?["incomeMoney"] as? String == "18.00" && b1?["parkMinutes"] as? Int == 90)
            #expect(try await server.items("/api/v1/findings?sender=P001").contains { $0["field"] as? String == "outCross" })

            // The lot's day totals against ParkGate's: 2 exits, 25.00 due, 23.00 paid, 2.00 off.
            answer = try await Self.call(server, "15", #"{"parkCode":"P001","dateTime":"\#(day)","payNum":3,"payMoneySum":30,"incomeMoneySum":23,"discountMoneySum":2,"checkTime":"\#(Self.now())"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            let day1 = try #require(try await server.items("/api/v1/reconciliations?parkCode=P001").first)
            let ours = day1["ours"] as? [String: Any], difference = day1["difference"] as? [String: Any]
            #expect(ours?["count"] as? Int == 2 && ours?["payMoney"] as? String == "25.00" && ours?["incomeMoney"] as? String == "23.00")
            #expect(difference?["count"] as? Int == 1 && difference?["payMoney"] as? String == "5.00" && difference?["incomeMoney"] as? String == "0.00")
            #expect(day1["matches"] as? Bool == false)

            answer = try await Self.call(server, "13", #"{"parkCode":"P001","userId":"c1","userName":"王五","operatorType":"1","outCross":"OUT1","startDate":"\#(entry)","endDate":"\#(exit)","moneyNum":4,"moneySum":40.5,"couponSum":0,"couponNum":0,"uploadDate":"\#(exit)"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            #expect(try await server.items("/api/v1/settlements?parkCode=P001").first?["cashSum"] as? String == "40.50")
            let login = try await server.client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "username=admin&password=pw&next=/"))
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            for (page, expected) in [("/reconciliations", "25.00 / 5.00"), ("/settlements", "4 · 40.50")] {
                let response = try await server.client.execute(uri: page, method: .get, headers: [.cookie: cookie])
                #expect(response.status == .ok && String(buffer: response.body).contains(expected), "\(page)")
            }
        }
    }

    @Test func statusUploadsAndManualOpens() async throws {
        try await Self.run { server in
            let token = try await Self.login(server)
            var answer = try await Self.call(server, "23", #"{"outCross":"OUT1","inCross":"","inOutDoor":"1","carNum":"京H23","operateTime":"\#(Self.now())","openType":"3","operatorName":"赵六"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            let alarm = try #require(try await server.items("/api/v1/alarms?kind=manual-open").first)
            #expect(alarm["parkCode"] as? String == "P001" && (alarm["description"] as? String ?? "").contains("岗亭开闸"))

            answer = try await Self.call(server, "24", #"[{"equipmentCode":"G1","equipmentName":"一号道闸","linkStatus":"1","equipmentType":"2","pcName":"PC1","channelType":"2","createTime":"\#(Self.now())","operationType":"1"},{"equipmentCode":"L1","equipmentName":"屏","linkStatus":"0","equipmentType":"4","pcName":"PC1","operationType":"1"}]"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "25", #"{"pcName":"PC1","linkStatus":"1","createTime":"\#(Self.now())","operationType":"1"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "27", #"{"pcName":"PC1","channelName":"东门入口","channelId":"C1","channelType":"2","isExit":"1","actionType":"1"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "24", #"{"equipmentCode":"L1","linkStatus":"0","equipmentType":"9","operationType":"2"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "an unknown equipment type is a finding, not a refusal: \(answer)")
            let facilities = try await server.items("/api/v1/parks/P001/facilities")
            #expect(Set(facilities.map { "\($0["kind"]!):\($0["code"]!)" }) == ["equipment:G1", "station:PC1", "channel:C1"], "L1 was deleted")
            #expect(facilities.first { $0["code"] as? String == "G1" }?["linked"] as? Bool == true)
            #expect(try await server.items("/api/v1/findings?sender=P001").contains { $0["field"] as? String == "equipmentType" })
        }
    }

    @Test(arguments: Backend.available)
    func oneInvoicePerStayAndPrepayments(backend: Backend) async throws {
        try await Self.run(backend) { server in
            let token = try await Self.login(server)
            #expect(try await Self.call(server, "31", #"{"recordCode":"R31","invoiceCode":"INV-1","payment":12.5}"#, token: token)["resultCode"] as? String == "0000")
            #expect(try await Self.call(server, "31", #"{"recordCode":"R31","invoiceCode":"INV-1","payment":12.5}"#, token: token)["resultCode"] as? String == "0000",
                    "the same invoice again is no second invoice")
            let second = try await Self.call(server, "31", #"{"recordCode":"R31","invoiceCode":"INV-2","payment":12.5}"#, token: token)
            #expect(second["resultCode"] as? String == "9999" && (second["resultMessage"] as? String ?? "").contains("INV-1"))
            let prepay = try await Self.call(server, "10", #"{"entryTime":"\#(Self.now(-600))","predictExitTime":"\#(Self.now(600))","orderMoney":8,"discountDetail":"","carNum":"京J10","orderCode":"O1","carColor":"蓝","recordCode":"R10","cashier":"","terminalCode":"T1","phoneNumber":"","payType":"4","realPayMoney":8,"parkCode":"P001","discountType":"","couponName":"","discountMoney":0,"code":"10"}"#, token: token)
            #expect(prepay["resultCode"] as? String == "0000", "\(prepay)")
        }
    }

    @Test func pricesCardsAndCouponsAreKeptAsSent() async throws {
        try await Self.run { server in
            let token = try await Self.login(server)
            var answer = try await Self.call(server, "16", #"{"parkCode":"P001","freeMinutes":15,"dayPrice":2.5,"dayTime":30,"nightPrice":1,"nightTime":60,"cappingAll":40,"cappingDay":30,"cappingNight":10,"other":"节假日同价"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "19", #"{"msRecordId":"M1","carNums":"京K1,京K2","inIdentity":"0","carColor":"蓝","carSize":"小型车","amount":300,"beginTime":"2026-11-01 00:00:00","endTime":"2026-11-30 23:59:59","operatorName":"a","operatorTime":"\#(Self.now())","status":"1"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "20", #"{"monthlyPrice":300,"quarterlyPrice":850,"halfyearPrice":1600,"yearPrice":3000,"dayMonthlyPrice":200,"dayTimeStart":"08:00","dayTimeEnd":"20:00","nightMonthlyPrice":120,"nightTimeStart":"20:00","nightTimeEnd":"08:00","other":"","carSize":"小型车"}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            answer = try await Self.call(server, "12", #"{"parkCode":"P001","carNum":"京K1","discountMoney":5,"couponValue":5,"couponName":"商场券","couponType":"0","discountType":"1","usercouponId":"U1","discountRate":0,"maxDiscountMoney":0}"#, token: token)
            #expect(answer["resultCode"] as? String == "0000", "\(answer)")
            let entries = try await server.items("/api/v1/parks/P001/sync")
            #expect(entries.count == 4)
            let price = try #require(entries.first { $0["interface"] as? String == "16" }?["data"] as? [String: String])
            #expect(price["dayPrice"] == "2.50" && price["freeMinutes"] == "15" && price["cappingAll"] == "40.00")
            let card = try #require(entries.first { $0["interface"] as? String == "19" })
            #expect(card["key"] as? String == "M1" && (card["data"] as? [String: String])?["inIdentity"] == "1", "B.23's 0 (月租车) is 1 in the 1-5 coding")
            // A card deleted at the lot (status 2) goes; a coupon without its id is refused.
            answer = try await Self.call(server, "19", #"{"msRecordId":"M1","status":"2"}"#, token: token)
            #expect(try await server.items("/api/v1/parks/P001/sync?interface=19").isEmpty)
            #expect(try await Self.call(server, "12", #"{"parkCode":"P001","couponName":"x"}"#, token: token)["resultCode"] as? String == "9002")
        }
    }

    @Test func autoPayChargesMembersWithAutoPayOnly() async throws {
        try await Self.run { server in
            let token = try await Self.login(server)
            #expect(try await Self.call(server, "16", #"{"parkCode":"P001","freeMinutes":15,"dayPrice":2.5,"dayTime":30,"cappingAll":40}"#, token: token)["resultCode"] as? String == "0000")
            for (plate, autoPay) in [("京P1", true), ("京P2", false)] {
                #expect(try await server.send(.post, "/api/v1/members", json: ["plate": plate, "autoPay": autoPay]).status == 200)
            }
            // Fixed day-time instants: a stay across 19:00 pays its day and night parts separately.
            let inTime = "2026-03-02 10:00:00", outTime = "2026-03-02 11:30:00"
            for (record, plate) in [("A1", "京P1"), ("A2", "京P2"), ("A3", "京P3"), ("A4", "京P1")] {
                _ = try await Self.call(server, "2", #"{"recordCode":"\#(record)","carNum":"\#(plate)","inTime":"\#(inTime)"}"#, token: token)
            }
            _ = try await Self.call(server, "10", #"{"orderCode":"O4","recordCode":"A4","carNum":"京P1","orderMoney":5,"realPayMoney":5,"parkCode":"P001"}"#, token: token)
            func pay(_ record: String, _ plate: String) async throws -> [String: Any] {
                let answer = try await Self.call(server, "30", #"{"recordCode":"\#(record)","inTime":"\#(inTime)","outTime":"\#(outTime)","carNum":"\#(plate)","carColor":"蓝","payMoney":0,"discountMoney":0,"incomeMoney":0}"#, token: token)
                #expect(answer["resultCode"] as? String == "0000", "\(answer)")
                return try #require(answer["data"] as? [String: Any])
            }
            let paid = try await pay("A1", "京P1")
            #expect(paid["payStatus"] as? String == "1" && paid["failReason"] as? String == "0" && (paid["actualPay"] as? Double) == 7.5,
                    "90 minutes: 15 free does not apply past them, 3 half-hours at 2.50: \(paid)")
            #expect(try await pay("A2", "京P2")["failReason"] as? String == "2", "a member without auto-pay")
            #expect(try await pay("A3", "京P3")["failReason"] as? String == "7", "not a member")
            #expect(try await pay("NONE", "京P1")["failReason"] as? String == "6", "the record was never uploaded")
            #expect(try await pay("A4", "京P1")["failReason"] as? String == "8", "already paid at a pay station")
        }
    }

    @Test func silentParksGoOfflineAndComeBack() async throws {
        try await TestServer.run({ config in
            config.parkSilence = 3
            config.sweepInterval = 0.1
        }) { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.savePark(ParkRecord(
                    code: "P001", name: "一号停车场", totalSpaces: 100, account: "lot1", passwordHash: try PasswordHash.make("pw1", rounds: 1000),
                    secret: Self.secret, signatureOn: true, createdAt: Date(), updatedAt: Date()))
            }
            let token = try await Self.login(server)
            let heartbeat = Date()
            #expect(try await Self.call(server, "8", "{}", token: token)["resultCode"] as? String == "0000")
            let online = try await server.items("/api/v1/parks").first?["online"] as? Bool
            // Online while within parks.silence of the heartbeat; a loaded machine may read it later,
            // when the sweep may rightly have found it silent already.
            if Date().timeIntervalSince(heartbeat) < 3 { #expect(online == true) }
            var offline = false
            for _ in 0..<200 where !offline {
                try await Task.sleep(for: .milliseconds(100))
                offline = try await server.items("/api/v1/parks").first?["online"] as? Bool == false
            }
            #expect(offline, "silent past parks.silence")
            let alarms = try await server.items("/api/v1/alarms?kind=park-offline&status=open")
            #expect(alarms.count == 1 && alarms.first?["parkCode"] as? String == "P001")
            let raised = try #require(alarms.first?["id"] as? Int)
            #expect(try await Self.call(server, "8", "{}", token: token)["resultCode"] as? String == "0000")
            // (A busy machine may let the sweep find it silent again later; this alarm is cleared all the same.)
            let cleared = try await server.items("/api/v1/alarms?kind=park-offline&status=cleared")
            #expect(cleared.contains { $0["id"] as? Int == raised }, "the heartbeat clears the alarm")
        }
    }

    /// Concurrent requests are committed in batches; a batch never holds two requests for the
    /// same oprNum or record, so repeats and entry/exit pairs stay right under load.
    @Test(arguments: Backend.available)
    func concurrentReportsCommitInBatches(backend: Backend) async throws {
        try await Self.run(backend) { server in
            let token = try await Self.login(server)
            let inTime = Self.now(-600)
            let answers = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        ("entry", try await Self.call(server, "2", #"{"recordCode":"C\#(index)","carNum":"京C\#(index)","inTime":"\#(inTime)"}"#, token: token)["resultCode"] as? String ?? "")
                    }
                }
                for _ in 0..<8 {
                    group.addTask {
                        ("repeat", try await Self.call(server, "2", #"{"recordCode":"SAME","carNum":"京S1","inTime":"\#(inTime)"}"#, token: token, oprNum: "ONE")["resultCode"] as? String ?? "")
                    }
                }
                return try await group.reduce(into: [(String, String)]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.0 == "entry" }.allSatisfy { $0.1 == "0000" })
            let repeats = answers.filter { $0.0 == "repeat" }.map(\.1)
            #expect(repeats.filter { $0 == "0000" }.count == 6 && repeats.filter { $0 == "9999" }.count == 2,
                    "one first answer, five replays, then the limit: \(repeats)")
            let exits = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<40 {
                    group.addTask { try await Self.call(server, "4", #"{"recordCode":"C\#(index)","carNum":"京C\#(index)","outTime":"\#(Self.now())","incomeMoney":1}"#, token: token)["resultCode"] as? String ?? "" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(exits.allSatisfy { $0 == "0000" })
            let records = try await server.items("/api/v1/parking-records?limit=1000")
            #expect(records.count == 41 && records.filter { $0["status"] as? String == "exited" }.count == 40)
        }
    }

    @Test func envelopeErrors() async throws {
        try await Self.run { server in
            let form = "application/x-www-form-urlencoded"
            #expect(try await Self.raw(server, "param=", contentType: form)["resultCode"] as? String == "9005")
            #expect(try await Self.raw(server, "param=%7Bnot", contentType: form)["resultCode"] as? String == "9002")
            #expect(try await Self.raw(server, "other=1", contentType: form)["resultCode"] as? String == "9002")
            #expect(try await Self.raw(server, #"{"oprNum":"x","data":{}}"#, contentType: "application/json")["resultCode"] as? String == "9002")
            #expect(try await Self.raw(server, #"{"code":"8","oprNum":"x","token":""}"#, contentType: "application/json")["resultCode"] as? String == "9004")
            #expect(try await Self.call(server, "99", "{}")["resultCode"] as? String == "9001")
            #expect(try await Self.call(server, "9", "{}")["resultCode"] as? String == "9001", "a downlink interface is not an uplink one")
            #expect(try await Self.call(server, "8", "{}", token: "")["resultCode"] as? String == "9000")
            let token = try await Self.login(server)
            #expect(try await Self.call(server, "8", "{}", token: token, json: true)["resultCode"] as? String == "0000", "the JSON body works too")
            #expect(try await Self.call(server, "2", #"{"recordCode":"R1","carNum":"京A1","inTime":"2026/01/01"}"#, token: token)["resultCode"] as? String == "9002")
        }
    }
}
