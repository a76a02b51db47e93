import AsyncHTTPClient
import Foundation
import Synchronization

/// Roadside devices on a street: berths that fill and empty, cameras that read plates, sensors
/// that report occupancy, now and then an abnormal-parking alarm or a device error. Speaks the
/// real wire format through `RoadsideClient` (tokens, renewal, retries).
public struct RoadsideSimulator: Sendable {
    public struct Vendor: Sendable {
        public var code: String
        public var key: String
        /// `msensor`, `camera` or `hpcamera`.
        public var endpoint: String

        public init(code: String, key: String, endpoint: String) {
            self.code = code
            self.key = key
            self.endpoint = endpoint
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var sent = 0
        public var acknowledged = 0
        public var failed: [String: Int] = [:]
        public var retriedAndDelivered = 0
        public var stillQueued = 0
        public var seconds: Double = 0
        public var latenciesMs: [Double] = []
        /// Campaign runs: per device, how long after its planned time each message was
        /// acknowledged (seconds). The platform received it somewhere in between.
        public var lateness: [String: [Double]] = [:]

        public var description: String {
            let sorted = latenciesMs.sorted()
            func percentile(_ p: Double) -> String {
                sorted.isEmpty ? "-" : String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
            }
            let failures = failed.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            return """
                sent \(sent)  acknowledged \(acknowledged)  failed \(failed.values.reduce(0, +))\(failures.isEmpty ? "" : " (\(failures))")
                retried and delivered \(retriedAndDelivered)  still queued \(stillQueued)
                \(String(format: "%.1f", seconds)) s  \(String(format: "%.0f", Double(sent) / max(seconds, 0.001))) msg/s  latency p50 \(percentile(0.5)) ms  p99 \(percentile(0.99)) ms
                """
        }
    }

    public var target: String
    public var vendors: [Vendor]
    public var devices: Int
    public var rate: Double
    public var duration: Double
    public var concurrency: Int
    public var parkCode: String
    public var retryInterval: TimeInterval

    public init(target: String, vendors: [Vendor], devices: Int, rate: Double, duration: Double, concurrency: Int = 32, parkCode: String = "SIM", retryInterval: TimeInterval = 60) {
        self.target = target
        self.vendors = vendors
        self.devices = devices
        self.rate = rate
        self.duration = duration
        self.concurrency = concurrency
        self.parkCode = parkCode
        self.retryInterval = retryInterval
    }

    /// State the concurrent senders share.
    final class Shared: Sendable {
        let devices: Mutex<[Device]>
        let serial = Atomic<UInt64>(0)
        let report = Mutex(Report())

        init(devices: [Device]) { self.devices = Mutex(devices) }
    }

    struct Device: Sendable {
        var vendor: Int
        var devCode: String
        var psCode: String
        var occupied = false
        var plate = "-"
        var entryTime = ""
    }

    static let provinces = Array("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
    static let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")

    public func run() async throws -> Report {
        try await withSimulatorHTTPClient { http in try await run(http: http) }
    }

    func run(http: HTTPClient) async throws -> Report {
        let clients = vendors.map { RoadsideClient(baseURL: target, comType: $0.code, comKey: $0.key, http: http, retryInterval: retryInterval) }
        for client in clients { _ = try await client.currentToken() }
        let shared = Shared(devices: (0..<max(devices, 1)).map { index in
            Device(vendor: index % vendors.count, devCode: String(format: "SIM-%05d", index), psCode: String(format: "P%05d", index))
        })
        // Serials unique across runs: seconds since 2020 in the high digits.
        let serialBase = UInt64(max(0, Date().timeIntervalSince1970 - 1_577_836_800)) * 1_000_000
        let start = ContinuousClock.now
        let total = Int(rate * duration)
        let interval = Duration.nanoseconds(Int64(1e9 / max(rate, 0.001)))

        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for index in 0..<total {
                let due = start + interval * index
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
                if inFlight >= concurrency {
                    try await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    let (vendorIndex, endpoint, fields) = shared.devices.withLock { devices in
                        nextMessage(&devices[Int.random(in: 0..<devices.count)], serial: serialBase + shared.serial.add(1, ordering: .relaxed).newValue)
                    }
                    let began = ContinuousClock.now
                    let reply = await clients[vendorIndex].sendOrKeep(endpoint, fields: fields)
                    let elapsed = ContinuousClock.now - began
                    shared.report.withLock { report in
                        report.sent += 1
                        report.latenciesMs.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                        if reply?.code == "100" { report.acknowledged += 1 } else { report.failed[reply?.code ?? "transport", default: 0] += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        var delivered = 0
        for client in clients { delivered += await client.retryDue(now: Date().addingTimeInterval(retryInterval)) }
        return shared.report.withLock { report in
            report.retriedAndDelivered = delivered
            report.stillQueued = clients.map(\.outbox.pending).reduce(0, +)
            report.seconds = Double((ContinuousClock.now - start).components.seconds) + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            return report
        }
    }

    /// The next thing a device reports: mostly its berth changing, sometimes an alarm or error.
    func nextMessage(_ device: inout Device, serial: UInt64) -> (Int, String, [String: String]) {
        let vendor = vendors[device.vendor]
        let now = RoadsideClient.compactTime(Date())
        let roll = Double.random(in: 0..<1)
        let type: String
        var fields: [String: String] = ["comType": vendor.code, "parkCode": parkCode, "devCode": device.devCode, "psCode": device.psCode]
        let endpoint: String
        if roll < 0.01 {
            endpoint = "alarm"
            type = "4"
            fields["alarmCode"] = ["1", "2", "3", "4", "5", "99"].randomElement()!
            fields["alarmTime"] = now
            fields["alarmLevel"] = ["1", "2", "3"].randomElement()!
        } else if roll < 0.012 {
            endpoint = "deverror"
            type = "5"
            fields["alarmCode"] = "0"
            fields["alarmTime"] = now
        } else {
            endpoint = vendor.endpoint
            device.occupied.toggle()
            if device.occupied {
                device.plate = Double.random(in: 0..<1) < 0.03 ? "-" : String(Self.provinces.randomElement()!) + String((0..<6).map { _ in Self.letters.randomElement()! })
                device.entryTime = now
            }
            switch endpoint {
            case "msensor":
                type = "3"
                fields["psState"] = device.occupied ? "1" : "0"
                fields["devElec"] = String(Int.random(in: 20...100))
                fields["dataTime"] = now
            default:
                type = endpoint == "camera" ? "1" : "2"
                fields["inOutState"] = device.occupied ? "1" : "0"
                fields["vehPlate"] = device.plate
                fields["confidence"] = device.plate == "-" ? "" : String(Int.random(in: 60...100))
                fields["ifManualCheck"] = "0"
                for name in ["fvehPlate", "fpsCode", "vehColor", "plateFeature", "Image2", "Image3", "Image4"] { fields[name] = "" }
                fields["plateColor"] = "02"
                fields["vehType"] = "1"
                fields["Image1"] = "http://sim.invalid/\(device.devCode)/\(serial).jpg"
                fields["dataTime"] = now
                fields["inTime"] = device.occupied ? "" : device.entryTime
            }
        }
        fields["flowId"] = vendor.code + type + String(format: "%016llu", serial % 10_000_000_000_000_000)
        return (device.vendor, endpoint, fields)
    }
}
