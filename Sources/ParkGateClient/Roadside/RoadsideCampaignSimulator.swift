import AsyncHTTPClient
import Foundation
import ParkGateModel
import Synchronization

/// A test site for a device evaluation campaign: berths where vehicles come and go (the ground
/// truth), watched side by side by several devices under test, each with the faults it is told
/// to have. The plan is drawn from a seed before anything is sent, so the truth and every
/// injected fault are known exactly; then each device's messages go out in real time over the
/// real wire format.
public struct RoadsideCampaignSimulator: Sendable {
    public struct Faults: Sendable, Hashable {
        /// Share of departures the device never reports.
        public var missDepartures: Double
        /// Seconds the device's clock is off (negative = late).
        public var clockOffset: Double
        /// Share of plate reads that come out wrong (one character changed).
        public var plateMisreads: Double

        public init(missDepartures: Double = 0, clockOffset: Double = 0, plateMisreads: Double = 0) {
            (self.missDepartures, self.clockOffset, self.plateMisreads) = (missDepartures, clockOffset, plateMisreads)
        }
    }

    public struct Device: Sendable, Hashable {
        public var vendor: String
        public var key: String
        /// `msensor`, `camera` or `hpcamera`.
        public var endpoint: String
        public var devCode: String
        public var faults: Faults

        public init(vendor: String, key: String, endpoint: String, devCode: String, faults: Faults = Faults()) {
            (self.vendor, self.key, self.endpoint, self.devCode, self.faults) = (vendor, key, endpoint, devCode, faults)
        }
    }

    /// A fault the simulator put into a device's reports.
    public struct InjectedFault: Sendable, Hashable, Codable {
        public var devCode: String
        /// `missed-departure` or `plate-misread`.
        public var fault: String
        public var psCode: String
        /// The truth event's time, `YYYYMMDDHHmmss`.
        public var time: String
        public var truthPlate: String?
        public var reportedPlate: String?
    }

    public struct Message: Sendable {
        public var due: Date
        public var device: Int
        public var endpoint: String
        public var fields: [String: String]
    }

    public struct Plan: Sendable {
        public var start: Date
        public var truth: [TruthEvent]
        public var messages: [Message]
        public var injected: [InjectedFault]
    }

    public var target: String
    public var parkCode: String
    public var berths: [String]
    public var devices: [Device]
    public var duration: Double
    /// Seconds a vehicle stays, and seconds a berth stays empty.
    public var dwell: ClosedRange<Int>
    public var vacancy: ClosedRange<Int>
    public var seed: UInt64

    public init(target: String, parkCode: String = "SITE", berths: [String], devices: [Device], duration: Double,
                dwell: ClosedRange<Int> = 600...7200, vacancy: ClosedRange<Int> = 60...1800, seed: UInt64 = 1) {
        (self.target, self.parkCode, self.berths, self.devices, self.duration) = (target, parkCode, berths, devices, duration)
        (self.dwell, self.vacancy, self.seed) = (dwell, vacancy, seed)
    }

    /// The ground truth and every device's messages, starting at `start` (whole seconds).
    public func plan(start: Date, time: ChinaTime = ChinaTime()) -> Plan {
        var random = SeededRandom(seed: seed)
        var truth: [TruthEvent] = []
        for berth in berths {
            var at = Int.random(in: 0...vacancy.upperBound, using: &random)
            while Double(at) < duration {
                let plate = Self.plate(using: &random)
                truth.append(TruthEvent(psCode: berth, event: .arrive, time: start.addingTimeInterval(Double(at)), plate: plate))
                at += Int.random(in: dwell, using: &random)
                guard Double(at) < duration else { break }
                truth.append(TruthEvent(psCode: berth, event: .depart, time: start.addingTimeInterval(Double(at)), plate: plate))
                at += Int.random(in: vacancy, using: &random)
            }
        }
        truth.sort { ($0.time, $0.psCode) < ($1.time, $1.psCode) }

        var messages: [Message] = [], injected: [InjectedFault] = []
        // Serial: device index (2 digits), run start in seconds since 2020 (8), message number (6),
        // so runs and devices never reuse a flowId (up to 999,999 messages per device and run).
        let runBase = UInt64(max(0, start.timeIntervalSince1970 - 1_577_836_800)) % 100_000_000
        for (index, device) in devices.enumerated() {
            let departures = truth.indices.filter { truth[$0].event == .depart }
            let missed = Set(Self.pick(device.faults.missDepartures, of: departures, using: &random))
            let reads = device.endpoint == "msensor" ? [] : truth.indices.filter { !missed.contains($0) }
            let misread = Set(Self.pick(device.faults.plateMisreads, of: reads, using: &random))
            var serial: UInt64 = 0
            var entryTimes: [String: Date] = [:]
            for (position, event) in truth.enumerated() {
                if event.event == .arrive { entryTimes[event.psCode] = event.time }
                if missed.contains(position) {
                    injected.append(InjectedFault(
                        devCode: device.devCode, fault: "missed-departure", psCode: event.psCode, time: time.formatCompact(event.time),
                        truthPlate: event.plate))
                    continue
                }
                serial += 1
                let stamp = { (date: Date) in time.formatCompact(date.addingTimeInterval(device.faults.clockOffset)) }
                var fields = ["comType": device.vendor, "parkCode": parkCode, "devCode": device.devCode, "psCode": event.psCode,
                              "dataTime": stamp(event.time)]
                let type: String
                if device.endpoint == "msensor" {
                    type = "3"
                    fields["psState"] = event.event == .arrive ? "1" : "0"
                    let drain = 3 * event.time.timeIntervalSince(start) / max(duration, 1)
                    fields["devElec"] = String(Int((100 - Double(index) - drain).rounded()))
                } else {
                    type = device.endpoint == "camera" ? "1" : "2"
                    var plate = event.plate ?? "-"
                    var confidence = Int.random(in: 85...100, using: &random)
                    if misread.contains(position), let truthPlate = event.plate {
                        plate = Self.misread(truthPlate, using: &random)
                        confidence = Int.random(in: 55...84, using: &random)
                        injected.append(InjectedFault(
                            devCode: device.devCode, fault: "plate-misread", psCode: event.psCode, time: time.formatCompact(event.time),
                            truthPlate: truthPlate, reportedPlate: plate))
                    }
                    fields["inOutState"] = event.event == .arrive ? "1" : "0"
                    fields["vehPlate"] = plate
                    fields["confidence"] = plate == "-" ? "" : String(confidence)
                    fields["plateColor"] = "02"
                    fields["vehType"] = "1"
                    fields["Image1"] = "http://sim.invalid/\(device.devCode)/\(serial).jpg"
                    fields["inTime"] = event.event == .depart ? entryTimes[event.psCode].map(stamp) ?? "" : ""
                    for name in ["ifManualCheck", "fvehPlate", "fpsCode", "vehColor", "plateFeature", "Image2", "Image3", "Image4"] {
                        fields[name] = ""
                    }
                }
                fields["flowId"] = device.vendor + type + String(format: "%02d%08llu%06llu", index % 100, runBase, serial % 1_000_000)
                messages.append(Message(due: event.time, device: index, endpoint: device.endpoint, fields: fields))
            }
        }
        messages.sort { $0.due < $1.due }
        return Plan(start: start, truth: truth, messages: messages, injected: injected)
    }

    /// Plans from the next whole second, sends every message at its time, and answers the plan
    /// with what happened to the messages.
    public func run(time: ChinaTime = ChinaTime()) async throws -> (plan: Plan, report: RoadsideSimulator.Report) {
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 1).rounded(.up))
        let plan = plan(start: start, time: time)
        let report = try await withSimulatorHTTPClient { http in try await send(plan, http: http) }
        return (plan, report)
    }

    final class Tally: Sendable {
        let report = Mutex(RoadsideSimulator.Report())
    }

    func send(_ plan: Plan, http: HTTPClient) async throws -> RoadsideSimulator.Report {
        var clients: [String: RoadsideClient] = [:]
        for device in devices where clients[device.vendor] == nil {
            let client = RoadsideClient(baseURL: target, comType: device.vendor, comKey: device.key, http: http)
            _ = try await client.currentToken()
            clients[device.vendor] = client
        }
        let tally = Tally()
        let began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for message in plan.messages {
                let wait = message.due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                let client = clients[devices[message.device].vendor]!
                let devCode = devices[message.device].devCode
                group.addTask {
                    let sent = ContinuousClock.now
                    let reply = await client.sendOrKeep(message.endpoint, fields: message.fields)
                    let elapsed = ContinuousClock.now - sent
                    let late = Date().timeIntervalSince(message.due)
                    tally.report.withLock { report in
                        report.sent += 1
                        report.lateness[devCode, default: []].append(late)
                        report.latenciesMs.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                        if reply?.code == "100" { report.acknowledged += 1 } else { report.failed[reply?.code ?? "transport", default: 0] += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        var result = tally.report.withLock { $0 }
        let elapsed = ContinuousClock.now - began
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        result.stillQueued = clients.values.map(\.outbox.pending).reduce(0, +)
        return result
    }

    /// Exactly `round(share × count)` of `items` (at least one when the share is positive).
    static func pick(_ share: Double, of items: [Int], using random: inout SeededRandom) -> [Int] {
        guard share > 0, !items.isEmpty else { return [] }
        let count = min(items.count, max(1, Int((share * Double(items.count)).rounded())))
        return Array(items.shuffled(using: &random).prefix(count))
    }

    static func plate(using random: inout SeededRandom) -> String {
        String(RoadsideSimulator.provinces.randomElement(using: &random)!)
            + String((0..<6).map { _ in RoadsideSimulator.letters.randomElement(using: &random)! })
    }

    /// The plate with one character after the province read as another.
    static func misread(_ plate: String, using random: inout SeededRandom) -> String {
        var characters = Array(plate)
        guard characters.count > 1 else { return plate + "X" }
        let position = Int.random(in: 1..<characters.count, using: &random)
        let original = characters[position]
        characters[position] = RoadsideSimulator.letters.filter { $0 != original }.randomElement(using: &random)!
        return String(characters)
    }
}

/// SplitMix64: a small deterministic generator, so a seed reproduces a campaign.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
