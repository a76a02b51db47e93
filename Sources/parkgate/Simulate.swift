import ArgumentParser
import Foundation
import ParkGateClient

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Device simulators that speak the real wire formats.", subcommands: [Roadside.self])

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
