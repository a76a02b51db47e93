import ArgumentParser
import Foundation
import ParkGateClient

extension Simulate {
    /// Enterprises' gates of a Henan city platform.
    struct Gate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enterprises' gate systems of a Henan city platform: tokens, filings, checks before lifting the barrier, passages and photos.",
            discussion: """
                Enterprises get codes DISTRICT0001…, accounts sim<code>; register them on the city platform first:
                  parkgate simulate gate --enterprises 10 --gates 2 --print-setup | sh
                """)

        @Option(help: "City platform base URL, e.g. http://127.0.0.1:8080") var target: String?
        @Option(help: "Number of enterprises.") var enterprises: Int = 5
        @Option(help: "Gates per enterprise.") var gates: Int = 2
        @Option(help: "Passages per second, all gates together.") var rate: Double = 2
        @Option(help: "Seconds to run.") var duration: Double = 60
        @Option(help: "The enterprises' district (six digits of a city of 6.1).") var district: String = "411002"
        @Option(help: "The accounts' password.") var password: String = "sim"
        @Option(help: "Trucks each enterprise files and uses.") var trucks: Int = 20
        @Option(name: .customLong("photo-share"), help: "Share of the passages that upload a photo.") var photoShare: Double = 1
        @Option(help: "Requests in flight at most.") var concurrency: Int = 32
        @Flag(name: .customLong("print-setup"), help: "Only print the parkgate commands that register the enterprises, gates and accounts.")
        var printSetup = false

        func run() async throws {
            guard district.count == 6, district.allSatisfy(\.isNumber) else { throw ValidationError("--district takes six digits") }
            guard (1...9999).contains(enterprises), (1...99).contains(gates) else { throw ValidationError("--enterprises 1–9999, --gates 1–99") }
            let simulator = GateSimulator(target: target ?? "", enterprises: enterprises, gates: gates, rate: rate, duration: duration, district: district,
                                          password: password, trucksPerEnterprise: max(trucks, 1), photoShare: min(max(photoShare, 0), 1),
                                          concurrency: max(concurrency, 1))
            if printSetup {
                print(simulator.setupCommands.joined(separator: "\n"))
                return
            }
            guard target != nil else { throw ValidationError("--target is required (or --print-setup)") }
            let report = try await simulator.run()
            print(report)
            let all = [report.filings, report.checks, report.passages, report.photos]
            if all.contains(where: { $0.ok < $0.sent }) { throw ExitCode(2) }
        }
    }
}
