import AsyncHTTPClient
import Foundation
import ParkGateModel
import Synchronization

/// Parking lots speaking T/CPMI to a platform: login, entries with pictures, exits with fees,
/// remaining spaces after every change, heartbeats, an environment upload; undelivered uploads
/// wait in each lot's outbox, and missed exits go again as 补报账单, newest first.
public struct ParkingLotSimulator: Sendable {
    public struct Lot: Sendable {
        public var account: String
        public var password: String
        public var secret: String?
        public var parkCode: String
        public var total: Int

        public init(account: String, password: String, secret: String?, parkCode: String, total: Int = 200) {
            (self.account, self.password, self.secret, self.parkCode, self.total) = (account, password, secret, parkCode, total)
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var sent = 0
        public var acknowledged = 0
        public var failed: [String: Int] = [:]
        /// Why requests failed before an answer (the last few per lot).
        public var failureReasons: [String] = []
        public var byInterface: [String: Int] = [:]
        public var retriedAndDelivered = 0
        public var stillQueued = 0
        /// Downlink requests answered, by interface, and cars kept out by the blacklist.
        public var downlinkAnswered: [String: Int] = [:]
        public var refusedByBlacklist = 0
        public var seconds = 0.0

        public var description: String {
            let failures = failed.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            let interfaces = byInterface.sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
            return """
                sent \(sent)  acknowledged \(acknowledged)  failed \(failed.values.reduce(0, +))\(failures.isEmpty ? "" : " (\(failures))")\(failureReasons.isEmpty ? "" : "\n    " + failureReasons.joined(separator: "\n    "))
                by interface \(interfaces)
                retried and delivered \(retriedAndDelivered)  still queued \(stillQueued)  \(String(format: "%.1f", seconds)) s
                downlink answered \(downlinkAnswered.sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }.map { "\($0.key):\($0.value)" }.joined(separator: " "))  refused by blacklist \(refusedByBlacklist)
                """
        }
    }

    public var target: String
    public var lots: [Lot]
    public var rate: Double
    public var duration: Double
    public var heartbeatInterval: Double
    public var retryInterval: Double
    /// The platform's downlink TCP port: each lot keeps a connection there and answers requests.
    public var downlinkPort: Int?
    /// Seconds one request may take before it is kept for a retry.
    public var requestTimeout: Double

    public init(target: String, lots: [Lot], rate: Double, duration: Double, heartbeatInterval: Double = 60, retryInterval: Double = 600,
                downlinkPort: Int? = nil, requestTimeout: Double = 10) {
        (self.target, self.lots, self.rate, self.duration) = (target, lots, rate, duration)
        (self.heartbeatInterval, self.retryInterval, self.downlinkPort) = (heartbeatInterval, retryInterval, downlinkPort)
        self.requestTimeout = requestTimeout
    }

    /// A car inside a lot: it is inside from the moment it enters, and `entered` says (once the
    /// platform has answered) whether its entry was acknowledged. Its exit waits for that answer,
    /// so a record's uploads keep their order however slowly the platform answers.
    struct Car: Sendable {
        var plate: String
        var inTime: Date
        var entered: Task<Bool, Never>?
    }

    final class State: Sendable {
        let inside: Mutex<[[String: Car]]>
        let report = Mutex(Report())
        let serial = Atomic<UInt64>(0)
        init(lots: Int) { inside = Mutex(Array(repeating: [:], count: lots)) }
    }

    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + Array(repeating: 0x20, count: 256) + [0xFF, 0xD9]).base64EncodedString()

    public func run() async throws -> Report {
        try await withSimulatorHTTPClient(read: .milliseconds(Int64(requestTimeout * 1000))) { http in try await run(http: http) }
    }

    func run(http: HTTPClient) async throws -> Report {
        let clients = lots.map { CPMIClient(baseURL: target, account: $0.account, password: $0.password, secret: $0.secret, http: http, retryInterval: retryInterval, requestTimeout: requestTimeout) }
        let state = State(lots: lots.count)
        let time = ChinaTime()
        let stamp = { @Sendable (date: Date) in time.formatDashed(date) }
        @Sendable func count(_ code: String, _ answer: CPMIClient.Answer?) {
            state.report.withLock { report in
                report.sent += 1
                report.byInterface[code, default: 0] += 1
                if answer?.resultCode == "0000" { report.acknowledged += 1 } else { report.failed[answer?.resultCode ?? "transport", default: 0] += 1 }
            }
        }
        let behaviours = lots.indices.map { index in
            LotDownlinkBehaviour(
                entryTime: { record in state.inside.withLock { $0[index][record]?.inTime } },
                unlicensedEntry: { plate, inCross in
                    let record = "\(lots[index].parkCode)-U\(state.serial.add(1, ordering: .relaxed).newValue)"
                    let now = Date()
                    let entry = #"{"recordCode":"\#(record)","carNum":"\#(plate)","inCross":"\#(inCross)","inTime":"\#(stamp(now))","inIdentity":"2","carColor":"","operatorName":"sim"}"#
                    let answer = await clients[index].sendOrKeep(code: "2", dataText: entry)
                    count("2", answer)
                    state.inside.withLock { $0[index][record] = Car(plate: plate, inTime: now) }
                    return record
                },
                unlicensedExit: { plate, record in
                    state.inside.withLock { inside in
                        let key = inside[index][record] != nil ? record : inside[index].first { $0.value.plate == plate }?.key
                        return key.map { inside[index].removeValue(forKey: $0) } != nil
                    }
                })
        }
        var downlinks: [CPMIDownlinkClient] = []
        for (index, client) in clients.enumerated() {
            let token = try await client.login()
            let lot = lots[index]
            count("6", await client.sendOrKeep(code: "6", dataText: #"{"parkCode":"\#(lot.parkCode)","totalNum":\#(lot.total),"weather":"晴","situation":""}"#))
            count("16", await client.sendOrKeep(code: "16", dataText: LotDownlinkBehaviour.priceData(behaviours[index].tariff, parkCode: lot.parkCode)))
            count("8", await client.sendOrKeep(code: "8", dataText: "{}"))
            if let downlinkPort {
                downlinks.append(CPMIDownlinkClient(host: URL(string: target)?.host ?? "127.0.0.1", port: downlinkPort, token: token, secret: lot.secret))
            }
        }
        let downlinkTasks = zip(downlinks, behaviours).map { downlink, behaviour in
            Task {
                // Reconnects after a dropped line, as a lot's system would.
                while !Task.isCancelled {
                    try? await downlink.session(handler: behaviour.answer)
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        defer { downlinkTasks.forEach { $0.cancel() } }
        let start = ContinuousClock.now
        let total = Int(rate * duration)
        let interval = Duration.nanoseconds(Int64(1e9 / max(rate, 0.001)))
        var lastBeat = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                let due = start + interval * index
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
                if ContinuousClock.now - lastBeat > .seconds(heartbeatInterval) {
                    lastBeat = ContinuousClock.now
                    for client in clients { group.addTask { count("8", await client.sendOrKeep(code: "8", dataText: "{}")) } }
                }
                let lotIndex = index % lots.count
                let lot = lots[lotIndex], client = clients[lotIndex]
                group.addTask {
                    let now = Date()
                    let serial = state.serial.add(1, ordering: .relaxed).newValue
                    // Keep lots about half full: enter when below half, leave above, at random near it.
                    let (leaving, free): ((String, Car)?, Int) = state.inside.withLock { inside in
                        let occupied = inside[lotIndex].count
                        let enter = occupied == 0 || (occupied < lot.total && Double.random(in: 0..<1) < 1 - Double(occupied) / Double(lot.total))
                        if enter { return (nil, lot.total - occupied - 1) }
                        let key = inside[lotIndex].keys.randomElement()!
                        let stay = inside[lotIndex].removeValue(forKey: key)!
                        return ((key, stay), lot.total - occupied + 1)
                    }
                    // A leaving car whose entry was refused has no exit to upload (neither branch).
                    if let (record, stay) = leaving, await stay.entered?.value ?? true {
                        let minutes = max(1, Int(now.timeIntervalSince(stay.inTime) / 60))
                        let fee = behaviours[lotIndex].fee(entry: stay.inTime, exit: now).fee.text
                        let exit = #"{"recordCode":"\#(record)","carNum":"\#(stay.plate)","inCross":"IN1","outCross":"OUT1","inTime":"\#(stamp(stay.inTime))","outTime":"\#(stamp(now))","inIdentity":"2","outIdentity":"2","parkMinutes":\#(minutes),"carColor":"蓝","chargeStatus":"1","payMoney":\#(fee),"discountMoney":0,"incomeMoney":\#(fee),"paymentMode":"4","payOrigin":"1","exitType":"0","operatorName":"sim"}"#
                        let bill = #"{"parkCode":"\#(lot.parkCode)","carNum":"\#(stay.plate)","inCross":"IN1","outcross":"OUT1","inTime":"\#(stamp(stay.inTime))","outTime":"\#(stamp(now))","carType":"2","recordCode":"\#(record)","inImage":"","outImage":"","payMoney":\#(fee),"incomeMoney":\#(fee),"discountMoney":0,"paymentRecordList":[{"billNumber":"\#(record)-1","amountReceivable":\#(fee),"actualReceivable":\#(fee),"discountAmount":0,"payTime":"\#(stamp(now))","payStatus":"1","paymentMode":"4","payOrigin":"1","tollerAccout":"sim"}]}"#
                        count("4", await client.sendOrKeep(code: "4", dataText: exit, bill: bill))
                    } else if leaving == nil {
                        let record = "\(lot.parkCode)-\(serial)"
                        let plate = "京" + String(format: "A%05d", Int(serial % 100_000))
                        if behaviours[lotIndex].isBlacklisted(plate) {
                            state.report.withLock { $0.refusedByBlacklist += 1 }
                            return
                        }
                        let entry = #"{"recordCode":"\#(record)","carNum":"\#(plate)","inCross":"IN1","inTime":"\#(stamp(now))","inIdentity":"2","carColor":"蓝","operatorName":"sim"}"#
                        let entered = Task {
                            let answer = await client.sendOrKeep(code: "2", dataText: entry)
                            count("2", answer)
                            return answer?.resultCode == "0000"
                        }
                        state.inside.withLock { $0[lotIndex][record] = Car(plate: plate, inTime: now, entered: entered) }
                        if await !entered.value {
                            // Refused: the car is not counted inside (nor does it leave).
                            state.inside.withLock { _ = $0[lotIndex].removeValue(forKey: record) }
                        } else {
                            count("5", await client.sendOrKeep(code: "5", dataText: #"{"recordCode":"\#(record)","imageCode":"1","imageType":"2","imageBase64":"\#(Self.jpeg)"}"#))
                        }
                    }
                    count("7", await client.sendOrKeep(code: "7", dataText: #"{"parkCode":"\#(lot.parkCode)","emptyNum":\#(max(0, free))}"#))
                }
            }
            try await group.waitForAll()
        }
        var delivered = 0
        for client in clients { delivered += await client.retryDue(now: Date().addingTimeInterval(retryInterval)) }
        return state.report.withLock { report in
            report.retriedAndDelivered = delivered
            report.stillQueued = clients.map(\.outbox.pending).reduce(0, +)
            report.failureReasons = clients.flatMap(\.recentFailures)
            for behaviour in behaviours {
                report.downlinkAnswered.merge(behaviour.state.withLock { $0.answered }) { $0 + $1 }
            }
            let elapsed = ContinuousClock.now - start
            report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return report
        }
    }
}
