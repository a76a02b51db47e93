import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import ParkGateTestSupport
import Synchronization
import Testing

/// T/CPMI downlink over real TCP: a parking lot logs in on the downlink port, the command API
/// sends every kind of request and returns the lot's reply; offline parks get their durable
/// requests in order on reconnect; bad packets cannot hurt the server.
@Suite(.timeLimit(.minutes(3))) struct DownlinkTests {
    /// POSTs a command; returns the HTTP status and the command object.
    static func command(_ server: TestServer, _ code: String, _ data: String, park: String = "P001") async throws -> (status: Int, body: [String: Any]) {
        let response = try await server.client.execute(
            uri: "/api/v1/parks/\(park)/commands/\(code)", method: .post,
            headers: [.authorization: "Bearer \(server.adminToken)", .contentType: "application/json"], body: ByteBuffer(string: data))
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? ["raw": String(buffer: response.body)]
        return (Int(response.status.code), object)
    }

    /// The same on a connection of its own: the test client has one connection, on which
    /// concurrent requests would wait for each other's answers.
    static func command(_ http: HTTPClient, _ server: TestServer, _ code: String, _ data: String, park: String = "P001") async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/parks/\(park)/commands/\(code)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(server.adminToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: data))
        let response = try await http.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func downlinkPort(_ server: TestServer) async throws -> Int {
        try #require(try await server.api("/api/v1/downlink")["port"] as? Int)
    }

    /// Polls `condition` until it holds; the limit is generous because a loaded machine (the
    /// whole suite runs in parallel on two cores) may take seconds, and a condition that holds
    /// returns at once.
    static func waitUntil(_ what: String, timeout: Double = 15, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("timed out waiting until \(what)")
    }

    /// Runs a lot on the downlink with `behaviour` while `body` runs.
    static func withLot(
        _ server: TestServer, token: String, behaviour: LotDownlinkBehaviour,
        handler: (@Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer)? = nil,
        _ body: (CPMIDownlinkClient) async throws -> Void
    ) async throws {
        let client = CPMIDownlinkClient(host: "127.0.0.1", port: try await downlinkPort(server), token: token, secret: CPMITests.secret)
        let task = Task {
            while !Task.isCancelled {
                try? await client.session(handler: handler ?? behaviour.answer)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { task.cancel() }
        try await waitUntil("the lot is connected") { try await server.api("/api/v1/downlink")["connected"] as? Int == 1 }
        try await body(client)
        task.cancel()
        client.drop()
    }

    /// Section 5's limits (2 s for a gate) are about the lot, not about this machine: where a
    /// test is not about the limit, the replies get room on a loaded machine.
    static func roomyReplies(_ config: inout AppConfig) { config.commandReplyGrace = 20 }

    @Test func everyRequestReachesTheLotAndItsReplyComesBack() async throws {
        try await CPMITests.run(configure: Self.roomyReplies) { server in
            let token = try await CPMITests.login(server)
            let inside = Mutex<[String: Date]>([:])
            let behaviour = LotDownlinkBehaviour(entryTime: { record in inside.withLock { $0[record] } })
            // The lot's tariff, uploaded as 16, and a car that came in 2 h 10 min ago.
            _ = try await CPMITests.call(server, "16", LotDownlinkBehaviour.priceData(behaviour.tariff, parkCode: "P001"), token: token)
            let entered = Date().addingTimeInterval(-7_800)
            inside.withLock { $0["R1"] = entered }
            let entry = #"{"recordCode":"R1","carNum":"京A11111","inCross":"IN1","inTime":"\#(ChinaTime().formatDashed(entered))","inIdentity":"2","carColor":"蓝","operatorName":"x"}"#
            #expect(try await CPMITests.call(server, "2", entry, token: token)["resultCode"] as? String == "0000")

            try await Self.withLot(server, token: token, behaviour: behaviour) { _ in
                // 21 opens the gate, 22 reads it back.
                let open = try await Self.command(server, "21", #"{"barCode":"GATE-IN1","isOpen":"1"}"#)
                #expect(open.status == 200, "\(open.body)")
                #expect(open.body["status"] as? String == "succeeded" && open.body["resultCode"] as? String == "0000")
                #expect((open.body["reply"] as? [String: Any])?["status"] as? String == "1")
                #expect((open.body["data"] as? [String: Any])?["parkCode"] as? String == "P001", "the park code is added")
                let state = try await Self.command(server, "22", #"{"barCode":"GATE-IN1"}"#)
                #expect((state.body["reply"] as? [String: Any])?["barStatus"] as? String == "1")
                // The lot's refusal is the park's answer, not ours.
                let unknownGate = try await Self.command(server, "21", #"{"barCode":"NOPE","isOpen":1}"#)
                #expect(unknownGate.status == 502 && unknownGate.body["resultCode"] as? String == "9999")

                // 9: the lot's fee next to ParkGate's own.
                let fee = try await Self.command(server, "9", #"{"recordCode":"R1"}"#)
                #expect(fee.status == 200, "\(fee.body)")
                let checked = try #require(fee.body["checked"] as? [String: Any])
                #expect(checked["matches"] as? Bool == true, "\(checked)")
                #expect((fee.body["reply"] as? [String: Any])?["payMoney"] != nil)

                // 16 from the platform: the lot takes it and ParkGate keeps it as the park's price.
                let price = try await Self.command(server, "16", #"{"freeMinutes":30,"dayPrice":"3.00","dayTime":60,"nightPrice":"1.00","nightTime":120,"cappingAll":"40.00","cappingDay":"0","cappingNight":"0","other":""}"#)
                #expect(price.status == 200 && behaviour.tariff.dayPrice == Money(fen: 300) && behaviour.tariff.freeMinutes == 30)
                let synced = try await server.items("/api/v1/parks/P001/sync?interface=16")
                #expect(synced.first?["source"] as? String == "platform" && (synced.first?["data"] as? [String: Any])?["dayPrice"] as? String == "3.00")
                // …so the fee check now uses it, as the lot does.
                let again = try await Self.command(server, "9", #"{"recordCode":"R1"}"#)
                #expect((again.body["checked"] as? [String: Any])?["matches"] as? Bool == true, "\(again.body)")

                for (code, data) in [
                    ("10", #"{"recordCode":"R1","orderCode":"O1","orderMoney":"5.00","realPayMoney":"5.00","carNum":"京A11111"}"#),
                    ("11", #"{"carNum":"京B22222","carSize":"小型车","reserveTime":"2026-11-23 08:00:00","reserveMinutes":60,"orderValue":"0"}"#),
                    ("12", #"{"usercouponId":"C1","couponType":"0","carNum":"京A11111","discountMoney":"2.00"}"#),
                    ("19", #"{"msRecordId":"M1","carNums":"京C33333","inIdentity":"0","status":"1","beginTime":"2026-11-01 00:00:00","endTime":"2026-12-01 00:00:00"}"#),
                    ("20", #"{"monthlyPrice":"300.00","dayTimeStart":"07:00","dayTimeEnd":"19:00","nightTimeStart":"19:00","nightTimeEnd":"07:00","carSize":"小型车"}"#),
                    ("26", #"{"pcName":"PC1","equipmentCode":"CAM1","equipmentName":"入口相机","equipmentType":"1","restart":"1"}"#),
                    ("28", #"{"carNum":"京D44444","oweMoney":"80.00","carType":"1","paymentStatus":"1","Type":"1"}"#),
                    ("29", #"{"carNum":"京E55555","carColor":"蓝","memberID":"V1","memberPhone":"13800000000","memberType":"VIP","isAutopay":"1"}"#),
                    ("31", #"{"recordCode":"R1","invoiceCode":"INV1","payment":"5.00"}"#),
                ] {
                    let sent = try await Self.command(server, code, data)
                    #expect(sent.status == 200 && sent.body["status"] as? String == "succeeded", "\(code): \(sent.body)")
                }
                behaviour.state.withLock { lot in
                    #expect(lot.prepaid["R1"] == Money(fen: 500) && lot.coupons["C1"] != nil && lot.cards["M1"] != nil)
                    #expect(lot.blacklist == ["京D44444"] && lot.members["京E55555"] != nil && lot.invoices["R1"] == "INV1")
                    #expect(lot.restarts == ["CAM1"] && lot.reservations == ["京B22222"])
                }
                // 17/18: an unlicensed car is refused when blacklisted.
                let blocked = try await Self.command(server, "17", #"{"plateNum":"京D44444","inCross":"IN1"}"#)
                #expect(blocked.status == 502 && blocked.body["resultMessage"] as? String == "黑名单车辆")

                // Every request is kept with who asked and what the park answered.
                let list = try await server.items("/api/v1/parks/P001/commands?limit=100")
                #expect(list.count == 16 && list.allSatisfy { $0["requestedBy"] as? String == "admin" && $0["repliedAt"] != nil })
                let one = try await server.api("/api/v1/commands/\(try #require(open.body["id"] as? String))")
                #expect(one["code"] as? String == "21" && one["name"] as? String == "远程开闸")

                // What the platform pushed and the lot accepted is the platform's record too: the
                // prepayment counts in the fee check, and the stay has its invoice.
                let withPrepayment = try await Self.command(server, "9", #"{"recordCode":"R1"}"#)
                let ours = (withPrepayment.body["checked"] as? [String: Any])?["ours"] as? [String: Any]
                #expect(ours?["realPayMoney"] as? String == "5.00", "\(withPrepayment.body)")
                let second = #"{"parkCode":"P001","recordCode":"R1","invoiceCode":"INV2","payment":"5.00"}"#
                #expect(try await CPMITests.call(server, "31", second, token: token)["resultCode"] as? String == "9999")
            }
        }
    }

    @Test func aLotThatOverchargesRaisesAnAlarm() async throws {
        try await CPMITests.run { server in
            let token = try await CPMITests.login(server)
            let entered = Date().addingTimeInterval(-7_800)
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in entered })
            _ = try await CPMITests.call(server, "16", LotDownlinkBehaviour.priceData(behaviour.tariff, parkCode: "P001"), token: token)
            let entry = #"{"recordCode":"R7","carNum":"京A70000","inCross":"IN1","inTime":"\#(ChinaTime().formatDashed(entered))","inIdentity":"2","carColor":"蓝","operatorName":"x"}"#
            #expect(try await CPMITests.call(server, "2", entry, token: token)["resultCode"] as? String == "0000")
            // The lot adds 5 yuan to what its own tariff says.
            let overcharging: @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer = { request in
                var answer = await behaviour.answer(request)
                guard request.code == "9", var reply = try? JSONSerialization.jsonObject(with: Data(answer.dataText.utf8)) as? [String: Any],
                    let fee = reply["payMoney"].flatMap({ Money("\($0)") }) else { return answer }
                reply["payMoney"] = Money(fen: fee.fen + 500).text
                answer.dataText = String(decoding: try! JSONSerialization.data(withJSONObject: reply), as: UTF8.self)
                return answer
            }
            try await Self.withLot(server, token: token, behaviour: behaviour, handler: overcharging) { _ in
                let fee = try await Self.command(server, "9", #"{"recordCode":"R7"}"#)
                #expect(fee.status == 200, "the park answered; the check is ParkGate's")
                let checked = try #require(fee.body["checked"] as? [String: Any])
                #expect(checked["matches"] as? Bool == false)
                #expect((checked["differences"] as? [String: Any])?["payMoney"] as? String == "5.00", "\(checked)")
                let alarms = try await server.items("/api/v1/alarms?status=open")
                let alarm = try #require(alarms.first { $0["kind"] as? String == "fee-mismatch" }, "\(alarms)")
                #expect((alarm["description"] as? String ?? "").contains("R7") && (alarm["description"] as? String ?? "").contains("payMoney"))
            }
        }
    }

    /// A lot that logs in and then never reads: requests to it fail in their time, its
    /// connection is closed once a write cannot complete, and another park is not held up.
    @Test func aLotThatNeverReadsCannotBlockOthers() async throws {
        // Room for the other park's gate on a loaded machine; the deaf lot's requests still time out.
        try await CPMITests.run(configure: { $0.commandReplyGrace = 5 }) { server in
            let token = try await CPMITests.login(server)
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                try await store.savePark(ParkRecord(
                    code: "P002", name: "二号停车场", totalSpaces: 50, account: "lot2", passwordHash: try PasswordHash.make("pw2", rounds: 1000),
                    secret: CPMITests.secret, signatureOn: true, createdAt: Date(), updatedAt: Date()))
            }
            let answer = try await CPMITests.call(server, "1", #"{"parkUserName":"lot2","parkUserPwd":"pw2"}"#)
            let token2 = try #require((answer["data"] as? [String: Any])?["token"] as? String)

            let deaf = try RawSocket(port: try await Self.downlinkPort(server))
            defer { deaf.close() }
            deaf.send(CPMIFraming.packet(#"{"code":"0","token":"\#(token)","oprNum":"L1"}"#))
            try await Self.waitUntil("the deaf lot is connected") { try await server.api("/api/v1/downlink")["connected"] as? Int == 1 }
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            let client = CPMIDownlinkClient(host: "127.0.0.1", port: try await Self.downlinkPort(server), token: token2, secret: CPMITests.secret)
            let other = Task { try? await client.session(handler: behaviour.answer) }
            defer { other.cancel(); client.drop() }
            try await Self.waitUntil("the other lot is connected") { try await server.api("/api/v1/downlink")["connected"] as? Int == 2 }

            // Gate requests of 900 KB each fill both socket buffers of the deaf lot (loopback's
            // autotuned buffers reach 4 MiB to send and 6 MiB to receive).
            let padding = String(repeating: "x", count: 900_000)
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)))
            let stalled: [Int]
            do {
                stalled = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<16 {
                        group.addTask {
                            try await Self.command(http, server, "21", #"{"barCode":"G\#(index)","isOpen":"1","pad":"\#(padding)"}"#)
                        }
                    }
                    // Meanwhile the other park opens its gate at once.
                    let open = try await Self.command(server, "21", #"{"barCode":"GATE-IN1","isOpen":"1"}"#, park: "P002")
                    #expect(open.status == 200, "\(open.body)")
                    var statuses: [Int] = []
                    for try await status in group { statuses.append(status) }
                    return statuses
                }
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
            #expect(stalled.allSatisfy { $0 == 504 || $0 == 409 }, "\(stalled)")
            try await Self.waitUntil("the deaf lot's connection is closed", timeout: 10) {
                try await server.api("/api/v1/downlink")["connected"] as? Int == 1
            }
            #expect(try await Self.command(server, "21", #"{"barCode":"GATE-IN1","isOpen":"1"}"#, park: "P002").status == 200)
        }
    }

    @Test func badRequestsAreRefusedBeforeAnythingIsSent() async throws {
        try await CPMITests.run { server in
            #expect(try await Self.command(server, "21", #"["barCode"]"#).status == 400)
            let missing = try await Self.command(server, "21", #"{"isOpen":"2"}"#)
            #expect(missing.status == 400 && "\(missing.body)".contains("barCode is required") && "\(missing.body)".contains("isOpen 2"))
            #expect(try await Self.command(server, "2", "{}").status == 404, "entry (2) is an uplink interface")
            let money = try await Self.command(server, "10", #"{"recordCode":"R1","orderCode":"O1","orderMoney":"5 yuan"}"#)
            #expect(money.status == 400 && "\(money.body)".contains("orderMoney 5 yuan is not an amount"))
            #expect(try await Self.command(server, "21", #"{"barCode":"G","isOpen":"1"}"#, park: "NOPE").status == 404)
            // Offline: a gate request is refused at once and kept as such; a price waits.
            let gate = try await Self.command(server, "21", #"{"barCode":"G","isOpen":"1"}"#)
            #expect(gate.status == 409 && gate.body["status"] as? String == "offline")
            let price = try await Self.command(server, "16", #"{"dayPrice":"2.00","dayTime":30}"#)
            #expect(price.status == 202 && price.body["status"] as? String == "queued")
        }
    }

    @Test(arguments: Backend.available)
    func durableRequestsWaitForTheParkAndGoInOrder(backend: Backend) async throws {
        try await CPMITests.run(backend) { server in
            let token = try await CPMITests.login(server)
            let order = Mutex<[String]>([])
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            let recording: @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer = { request in
                order.withLock { $0.append(request.code + ":" + (request.values["carNum"] ?? "")) }
                return await behaviour.answer(request)
            }
            // Queued while the park is away.
            for plate in ["京A1", "京A2", "京A3"] {
                let queued = try await Self.command(server, "28", #"{"carNum":"\#(plate)","carType":"1","paymentStatus":"1","Type":"1"}"#)
                #expect(queued.status == 202)
            }
            #expect(try await Self.command(server, "29", #"{"carNum":"京M1","memberType":"VIP"}"#).status == 202)
            try await Self.withLot(server, token: token, behaviour: behaviour, handler: recording) { client in
                try await Self.waitUntil("the outbox is sent") { order.withLock { $0.count } == 4 }
                #expect(order.withLock { $0 } == ["28:京A1", "28:京A2", "28:京A3", "29:京M1"])
                try await Self.waitUntil("all are marked succeeded") {
                    try await server.items("/api/v1/parks/P001/commands?status=succeeded").count == 4
                }
                // A dropped line: the next durable request waits, then goes when the lot is back.
                func connectedAt() async throws -> Double? {
                    ((try await server.api("/api/v1/downlink")["connections"] as? [[String: Any]])?.first?["connectedAt"] as? Double)
                }
                let before = try await connectedAt()
                client.drop()
                // The lot reconnects within 100 ms, so on a busy machine the server may never be seen
                // with no connection: what matters is that the old one is gone.
                try await Self.waitUntil("the server saw the drop") { let now = try await connectedAt(); return now == nil || now != before }
                let gate = try await Self.command(server, "21", #"{"barCode":"GATE-IN1","isOpen":"1"}"#)
                #expect(gate.status == 409 || gate.status == 200, "refused while away, or sent if the lot was already back")
                try await Self.waitUntil("the lot is back") { try await server.api("/api/v1/downlink")["connected"] as? Int == 1 }
                #expect(try await Self.command(server, "28", #"{"carNum":"京A1","Type":"2"}"#).status == 200)
                #expect(!behaviour.isBlacklisted("京A1") && behaviour.isBlacklisted("京A2"))
            }
        }
    }

    /// `cpmi.commands.replyGrace`: a lot on a slow link that opens its gate in 3 s succeeds.
    @Test func theReplyGraceGivesASlowLotRoom() async throws {
        try await CPMITests.run(configure: { $0.commandReplyGrace = 8 }) { server in
            let token = try await CPMITests.login(server)
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            let slow: @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer = { request in
                try? await Task.sleep(for: .seconds(3))
                return await behaviour.answer(request)
            }
            try await Self.withLot(server, token: token, behaviour: behaviour, handler: slow) { _ in
                let gate = try await Self.command(server, "21", #"{"barCode":"GATE-IN1","isOpen":"1"}"#)
                #expect(gate.status == 200 && gate.body["status"] as? String == "succeeded", "\(gate.body)")
            }
        }
    }

    @Test func aSlowReplyTimesOutAndTheConnectionGoesOn() async throws {
        try await CPMITests.run { server in
            let token = try await CPMITests.login(server)
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            let slow: @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer = { request in
                // Far beyond 21's 2 s limit, so "answered by the timeout" and "answered when the lot
                // finally replies" cannot be confused on a slow machine.
                if request.values["barCode"] == "SLOW" { try? await Task.sleep(for: .seconds(8)) }
                return await behaviour.answer(request)
            }
            try await Self.withLot(server, token: token, behaviour: behaviour, handler: slow) { _ in
                let started = Date()
                let late = try await Self.command(server, "21", #"{"barCode":"SLOW","isOpen":"1"}"#)
                #expect(late.status == 504 && late.body["status"] as? String == "timeout", "\(late.body)")
                #expect(Date().timeIntervalSince(started) < 7, "21 fails after 2 s, not when the lot finally answers")
                // The late reply (unknown oprNum by then) is dropped; the connection goes on.
                try await Task.sleep(for: .seconds(max(0.1, 8.3 - Date().timeIntervalSince(started))))
                #expect(try await Self.command(server, "22", #"{"barCode":"GATE-IN1"}"#).status == 200)
            }
        }
    }

    @Test func badPacketsCannotHurtTheServer() async throws {
        try await CPMITests.run { server in
            let token = try await CPMITests.login(server)
            let port = try await Self.downlinkPort(server)
            // A bad token: 9000 and closed.
            let stranger = try RawSocket(port: port)
            stranger.send(CPMIFraming.packet(#"{"code":"0","token":"nope","oprNum":"1"}"#))
            let refused = await stranger.readUntilClosed(timeout: 15)
            #expect(refused.text.contains("9000") && refused.closed)
            stranger.close()
            // Something other than a login first: 9000 and closed.
            let rude = try RawSocket(port: port)
            rude.send(CPMIFraming.packet(#"{"code":"8","oprNum":"1","data":{}}"#))
            #expect(await rude.readUntilClosed(timeout: 15).closed)
            rude.close()

            // Garbage, `*` separators, a login split across segments and merged with a heartbeat.
            let lot = try RawSocket(port: port)
            defer { lot.close() }
            let login = CPMIFraming.packet(#"{"code":"0","token":"\#(token)","oprNum":"L1"}"#)
            let beatData = "{}"
            let beat = CPMIFraming.packet(#"{"token":"\#(token)","code":"8","oprNum":"H1","signature":"\#(CPMITests.md5(beatData + token + CPMITests.secret))","data":\#(beatData)}"#)
            lot.send("garbage**" + String(login.prefix(9)))
            try await Task.sleep(for: .milliseconds(50))
            lot.send(String(login.dropFirst(9)) + "*" + beat + "*")
            let first = await lot.read(timeout: 15) { $0.contains(#""oprNum":"L1""#) && $0.contains(#""oprNum":"H1""#) }
            #expect(!first.closed && first.text.contains(#""oprNum":"L1","resultCode":"0000""#) && first.text.contains(#""oprNum":"H1","resultCode":"0000""#), "\(first.text)")
            // A torn packet followed by a good one; JSON that is not an object; a reply nobody waits for.
            lot.send(#"$${"code":"8","oprNum":"TORN"#)
            lot.send(CPMIFraming.packet("[1,2,3]"))
            lot.send(CPMIFraming.packet(#"{"code":"21","oprNum":"UNKNOWN","resultCode":"0000","resultMessage":"ok","data":{}}"#))
            // In order on one connection: an answer to the torn packet would come before the 9002.
            let second = await lot.read(timeout: 15) { $0.contains("9002") }
            #expect(!second.closed && second.text.contains("9002") && !second.text.contains("TORN"), "\(second.text)")
            // Escaped `$` and `#` inside strings travel through the framing.
            #expect(CPMIFraming.packet(#"{"a":"$$##"}"#) == #"$${"a":"\u0024\u0024\u0023\u0023"}##"#)
            try await Self.waitUntil("the lot is connected") { try await server.api("/api/v1/downlink")["connected"] as? Int == 1 }

            // A second connection for the same park replaces the first, which is closed.
            let replacement = try RawSocket(port: port)
            defer { replacement.close() }
            replacement.send(CPMIFraming.packet(#"{"code":"0","token":"\#(token)","oprNum":"L2"}"#))
            #expect(await lot.readUntilClosed(timeout: 15).closed)
            #expect(await replacement.read(timeout: 15) { $0.contains("0000") }.text.contains("0000"))
            #expect(try await server.api("/api/v1/downlink")["connected"] as? Int == 1)

            // A packet over the limit closes its connection; the server goes on.
            replacement.send("$$" + String(repeating: "x", count: (1 << 20) + 100))
            #expect(await replacement.readUntilClosed(timeout: 15).closed)
            try await Self.waitUntil("the oversized connection is gone") { try await server.api("/api/v1/downlink")["connected"] as? Int == 0 }
            #expect(try await Self.command(server, "22", #"{"barCode":"G"}"#).status == 409)
            #expect(try await RawSocket.health(port: server.port).contains("200"))
        }
    }

    @Test(arguments: Backend.available)
    func unpaidFeesPutAPlateOnEveryParksBlacklist(backend: Backend) async throws {
        try await CPMITests.run(backend, configure: { $0.blacklistUnpaidAbove = 10; $0.blacklistSweepInterval = 0.2 }) { server in
            let token = try await CPMITests.login(server)
            let behaviour = LotDownlinkBehaviour(entryTime: { _ in nil })
            try await Self.withLot(server, token: token, behaviour: behaviour) { _ in
                // A car leaves owing 30.00 (应收 30, 实收 0).
                let entry = #"{"recordCode":"R9","carNum":"京F66666","inCross":"IN1","inTime":"\#(CPMITests.now(-3600))","inIdentity":"2","carColor":"蓝","operatorName":"x"}"#
                #expect(try await CPMITests.call(server, "2", entry, token: token)["resultCode"] as? String == "0000")
                let exit = #"{"recordCode":"R9","carNum":"京F66666","inCross":"IN1","outCross":"OUT1","inTime":"\#(CPMITests.now(-3600))","outTime":"\#(CPMITests.now())","inIdentity":"2","outIdentity":"2","parkMinutes":60,"carColor":"蓝","chargeStatus":"0","payMoney":30,"discountMoney":0,"incomeMoney":0,"paymentMode":"0","payOrigin":"1","exitType":"0","operatorName":"x"}"#
                #expect(try await CPMITests.call(server, "4", exit, token: token)["resultCode"] as? String == "0000")
                try await Self.waitUntil("the rule blacklists the plate and the lot has it") { behaviour.isBlacklisted("京F66666") }
                let entries = try await server.items("/api/v1/blacklist")
                #expect(entries.count == 1 && entries[0]["source"] as? String == "rule" && entries[0]["plate"] as? String == "京F66666")

                // By hand: added, then removed; the lot follows.
                let put = try await server.client.execute(
                    uri: "/api/v1/blacklist/" + "京G77777".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!, method: .put,
                    headers: [.authorization: "Bearer \(server.adminToken)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"oweMoney":"0","carType":"2","note":"逃逸"}"#))
                #expect(put.status == .ok, "\(String(buffer: put.body))")
                try await Self.waitUntil("the lot has the hand-made entry") { behaviour.isBlacklisted("京G77777") }
                let removed = try await server.client.execute(
                    uri: "/api/v1/blacklist/" + "京G77777".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!, method: .delete,
                    headers: [.authorization: "Bearer \(server.adminToken)"])
                #expect(removed.status == .noContent)
                try await Self.waitUntil("the lot dropped it") { !behaviour.isBlacklisted("京G77777") }
                let bad = try await server.client.execute(
                    uri: "/api/v1/blacklist/X", method: .put, headers: [.authorization: "Bearer \(server.adminToken)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"carType":"9"}"#))
                #expect(bad.status == .badRequest)
            }
        }
    }
}
