import ArgumentParser
import Foundation
import ParkGateClient
import ParkGateModel

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Device simulators that speak the real wire formats.", subcommands: [Roadside.self, Campaign.self, ParkingLot.self, Video.self, Gate.self])

    struct Roadside: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roadside detection devices (video piles, high video, geomagnetic sensors) sending to a platform.")

        @Option(help: "Platform base URL, e.g. http://127.0.0.1:8080") var target: String
        @Option(help: "Comma-separated CODE:KEY[:ENDPOINT]; the endpoint (msensor, camera, hpcamera) defaults from table 4.3.")
        var vendors: String
        @Option(help: "Number of devices, one berth each.") var devices: Int = 10
        @Option(help: "Messages per second, all devices together.") var rate: Double = 10
        @Option(help: "Seconds to run.") var duration: Double = 10
        @Option(help: "Requests in flight at most.") var concurrency: Int = 32
        @Option(name: .customLong("park-code"), help: "parkCode of the simulated berths.") var parkCode: String = "SIM"
        @Option(name: .customLong("retry-interval"), help: "Seconds between retries of failed messages (section 1 item 5: ≤ 60).")
        var retryInterval: Double = 60

        func run() async throws {
            let parsed = try vendors.split(separator: ",").map { entry -> RoadsideSimulator.Vendor in
                let parts = entry.split(separator: ":").map(String.init)
                guard parts.count >= 2 else { throw ValidationError("--vendors takes CODE:KEY[:ENDPOINT], got \(entry)") }
                let endpoint = parts.count > 2 ? parts[2] : Self.defaultEndpoint(parts[0])
                guard ["msensor", "camera", "hpcamera"].contains(endpoint) else {
                    throw ValidationError("vendor \(parts[0]): give its endpoint (msensor, camera or hpcamera) as CODE:KEY:ENDPOINT")
                }
                return RoadsideSimulator.Vendor(code: parts[0], key: parts[1], endpoint: endpoint)
            }
            guard !parsed.isEmpty else { throw ValidationError("--vendors is empty") }
            let simulator = RoadsideSimulator(
                target: target, vendors: parsed, devices: devices, rate: rate, duration: duration, concurrency: concurrency,
                parkCode: parkCode, retryInterval: retryInterval)
            let report = try await simulator.run()
            print(report)
            if report.acknowledged < report.sent - report.retriedAndDelivered { throw ExitCode(2) }
        }

        /// Table 4.3's categories: 102/104/111/112 sensors, 109/110 video piles, the rest high/mid video.
        static func defaultEndpoint(_ code: String) -> String {
            switch code {
            case "102", "104", "111", "112": "msensor"
            case "109", "110": "camera"
            case "101", "103", "105", "106", "107", "108": "hpcamera"
            default: ""
            }
        }
    }
}

extension Simulate {
    /// A test site with known faults, for campaign reports.
    struct Campaign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A campaign site: berths with vehicles coming and going (the truth) watched by devices with injected faults.")

        @Option(help: "Platform base URL, e.g. http://127.0.0.1:8080") var target: String
        @Option(name: .customLong("device"), help: "VENDOR:KEY:DEVCODE[:ENDPOINT], once per device; every device watches every berth.")
        var devices: [String]
        @Option(name: .customLong("fault"), help: "DEVCODE:miss-departures=SHARE | DEVCODE:clock=SECONDS | DEVCODE:misread-plates=SHARE")
        var faults: [String] = []
        @Option(help: "Number of berths (P001, P002, …).") var berths: Int = 10
        @Option(help: "Seconds to run.") var duration: Double = 600
        @Option(help: "Seconds a vehicle stays, MIN-MAX.") var dwell: String = "20-120"
        @Option(help: "Seconds a berth stays empty, MIN-MAX.") var vacancy: String = "10-60"
        @Option(help: "Seed of the plan (same seed, same truth and faults).") var seed: UInt64 = 1
        @Option(name: .customLong("park-code"), help: "parkCode of the site.") var parkCode: String = "SITE"
        @Option(name: .customLong("truth-out"), help: "Write the ground truth CSV here.") var truthOut: String?
        @Option(name: .customLong("faults-out"), help: "Write the injected faults (JSON) here.") var faultsOut: String?

        func run() async throws {
            var parsed = try devices.map { entry -> RoadsideCampaignSimulator.Device in
                let parts = entry.split(separator: ":").map(String.init)
                guard parts.count >= 3 else { throw ValidationError("--device takes VENDOR:KEY:DEVCODE[:ENDPOINT], got \(entry)") }
                let endpoint = parts.count > 3 ? parts[3] : Roadside.defaultEndpoint(parts[0])
                guard ["msensor", "camera", "hpcamera"].contains(endpoint) else {
                    throw ValidationError("device \(parts[2]): give its endpoint (msensor, camera or hpcamera) as VENDOR:KEY:DEVCODE:ENDPOINT")
                }
                return .init(vendor: parts[0], key: parts[1], endpoint: endpoint, devCode: parts[2])
            }
            guard !parsed.isEmpty else { throw ValidationError("name at least one --device") }
            for fault in faults {
                let parts = fault.split(separator: ":", maxSplits: 1).map(String.init)
                let setting = parts.count == 2 ? parts[1].split(separator: "=").map(String.init) : []
                guard setting.count == 2, let value = Double(setting[1]), let index = parsed.firstIndex(where: { $0.devCode == parts[0] }) else {
                    throw ValidationError("--fault takes DEVCODE:NAME=VALUE for a --device, got \(fault)")
                }
                switch setting[0] {
                case "miss-departures": parsed[index].faults.missDepartures = value
                case "clock": parsed[index].faults.clockOffset = value
                case "misread-plates": parsed[index].faults.plateMisreads = value
                default: throw ValidationError("unknown fault \(setting[0]) (miss-departures, clock, misread-plates)")
                }
            }
            func range(_ text: String, _ name: String) throws -> ClosedRange<Int> {
                let bounds = text.split(separator: "-").compactMap { Int($0) }
                guard bounds.count == 2, bounds[0] > 0, bounds[0] <= bounds[1] else { throw ValidationError("--\(name) takes MIN-MAX seconds") }
                return bounds[0]...bounds[1]
            }
            let simulator = RoadsideCampaignSimulator(
                target: target, parkCode: parkCode, berths: (1...max(berths, 1)).map { String(format: "P%03d", $0) }, devices: parsed,
                duration: duration, dwell: try range(dwell, "dwell"), vacancy: try range(vacancy, "vacancy"), seed: seed)
            let time = ChinaTime()
            let (plan, report) = try await simulator.run(time: time)
            if let truthOut { try Data(TruthCSV.format(plan.truth, time: time).utf8).write(to: URL(fileURLWithPath: truthOut)) }
            if let faultsOut {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(plan.injected).write(to: URL(fileURLWithPath: faultsOut))
            }
            print(report)
            print("truth events \(plan.truth.count), injected faults \(plan.injected.count)")
            let from = time.formatCompact(plan.start), to = time.formatCompact(plan.start.addingTimeInterval(duration))
            print("parkgate campaign create --name NAME --park \(parkCode) --devices \(parsed.map { "\($0.vendor):\($0.devCode)" }.joined(separator: ",")) --from \(from) --to \(to) --truth \(truthOut ?? "TRUTH.csv")")
            if report.acknowledged < report.sent { throw ExitCode(2) }
        }
    }
}

extension Simulate {
    /// Parking lots over T/CPMI.
    struct ParkingLot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parking-lot",
            abstract: "Parking lots speaking T/CPMI: entries with pictures, exits with fees, spaces, heartbeats; retries and 补报账单.")

        @Option(help: "Platform base URL, e.g. http://127.0.0.1:8080") var target: String
        @Option(help: "Number of lots: parks PARK-PREFIX001… with accounts ACCOUNT-PREFIX1… (register them with parkgate park add).")
        var parks: Int = 1
        @Option(name: .customLong("park-prefix"), help: "parkCode prefix.") var parkPrefix: String = "SIM"
        @Option(name: .customLong("account-prefix"), help: "Account prefix.") var accountPrefix: String = "simlot"
        @Option(help: "The lots' password.") var password: String = "sim"
        @Option(help: "The lots' key-pool secret, if they sign with one.") var secret: String?
        @Option(help: "Spaces per lot.") var total: Int = 200
        @Option(help: "Entries and exits per second, all lots together.") var rate: Double = 10
        @Option(help: "Seconds to run.") var duration: Double = 60
        @Option(help: "Seconds between heartbeats (8).") var heartbeat: Double = 60
        @Option(name: .customLong("retry-interval"), help: "Seconds between retries of undelivered uploads (5.1.2: 10 minutes).")
        var retryInterval: Double = 600
        @Option(name: .customLong("tcp-port"), help: "The platform's T/CPMI downlink port: each lot logs in there and answers the platform's requests.")
        var tcpPort: Int?
        @Option(help: "Seconds one request may take before it is kept for a retry.") var timeout: Double = 10

        func run() async throws {
            guard parks > 0 else { throw ValidationError("--parks must be at least 1") }
            let lots = (1...parks).map {
                ParkingLotSimulator.Lot(
                    account: "\(accountPrefix)\($0)", password: password, secret: secret, parkCode: parkPrefix + String(format: "%03d", $0), total: total)
            }
            let report = try await ParkingLotSimulator(
                target: target, lots: lots, rate: rate, duration: duration, heartbeatInterval: heartbeat, retryInterval: retryInterval,
                downlinkPort: tcpPort, requestTimeout: timeout).run()
            print(report)
            if report.acknowledged < report.sent - report.retriedAndDelivered { throw ExitCode(2) }
        }
    }
}
