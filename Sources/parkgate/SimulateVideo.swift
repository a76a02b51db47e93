import ArgumentParser
import Foundation
import ParkGateClient

extension Simulate {
    /// Cameras of the Xiamen video platform.
    struct Video: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vehicle checkpoints and face cameras speaking the Xiamen platform's interfaces: digest login, keep-alives, captures with JPEG pictures.",
            discussion: """
                Devices get ids CENTRE00132NNNNNNN (car checkpoints first, then face cameras); put them in the ledger first:
                  parkgate simulate video --devices 100 --ledger-out sim.csv && parkgate device import --csv sim.csv
                """)

        @Option(help: "Platform base URL, e.g. http://127.0.0.1:8080") var target: String?
        @Option(help: "Number of devices.") var devices: Int = 10
        @Option(help: "Captures per second, all devices together.") var rate: Double = 1
        @Option(help: "Seconds to run.") var duration: Double = 60
        @Option(help: "The digest account (parkgate video-account add).") var user: String = "lpt"
        @Option(help: "Its password.") var password: String = "lpt123"
        @Option(name: .customLong("face-share"), help: "Share of the devices that are face cameras.") var faceShare: Double = 0.3
        @Option(help: "First eight digits of the ids (the centre code).") var centre: String = "35020000"
        @Option(name: .customLong("keep-alive"), help: "Seconds between a device's keep-alives (附件 2: one minute).") var keepAlive: Double = 60
        @Option(help: "Requests in flight at most.") var concurrency: Int = 32
        @Option(name: .customLong("image-size"), help: "WIDTHxHEIGHT of the full pictures.") var imageSize: String = "640x360"
        @Option(help: "Sensor noise of the pictures (0–64; more noise, larger files).") var noise: Int = 12
        @Option(name: .customLong("ledger-out"), help: "Only write the devices as a ledger CSV here (for parkgate device import --csv) and stop.")
        var ledgerOut: String?

        func run() async throws {
            guard centre.count == 8, centre.allSatisfy(\.isNumber) else { throw ValidationError("--centre takes eight digits") }
            guard devices > 0, devices < 10_000_000 else { throw ValidationError("--devices must be between 1 and 9,999,999") }
            let list = VideoSimulator.devices(count: devices, faceShare: min(max(faceShare, 0), 1), centre: centre)
            if let ledgerOut {
                try Data(VideoSimulator.ledgerCSV(list).utf8).write(to: URL(fileURLWithPath: ledgerOut))
                print("wrote \(list.count) devices to \(ledgerOut)")
                return
            }
            guard let target else { throw ValidationError("--target is required (or --ledger-out)") }
            let size = imageSize.lowercased().split(separator: "x").compactMap { Int($0) }
            guard size.count == 2, size[0] >= 16, size[1] >= 16, size[0] <= 8192, size[1] <= 8192 else {
                throw ValidationError("--image-size takes WIDTHxHEIGHT, 16–8192 each")
            }
            let report = try await VideoSimulator(
                target: target, credentials: DigestCredentials(username: user, password: password), devices: list, rate: rate, duration: duration,
                keepAliveInterval: keepAlive, concurrency: max(concurrency, 1), imageWidth: size[0], imageHeight: size[1], imageNoise: noise
            ).run()
            print(report)
            if report.keepAlives.ok < report.keepAlives.sent || report.captures.ok < report.captures.sent { throw ExitCode(2) }
        }
    }
}
