import AsyncHTTPClient
import BenchSupport
import Foundation
import Logging
import NIOCore
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateStore
import Synchronization

// The Xiamen platform's capacity (附件 2 section 三), driven by Benchmarks/video.sh:
//   prepare DIR DEVICES                      a ledger of DEVICES simulated cameras, the digest account, an API token
//   search URL PID SECONDS SEARCHERS         read-API users searching captures, nothing else running
//   capacity URL PID DEVICES RATE SECONDS SEARCHERS WxH NOISE THINK
//                                            every device keeps alive once a minute, RATE captures/s, SEARCHERS users
//                                            searching, each once every THINK seconds (0: without pause)
//   picture-size WxH NOISE                   KiB of one simulated vehicle capture's pictures
//   flood URL PID SECONDS CONCURRENCY WxH NOISE LABEL
//                                            as many vehicle captures as the server takes (closed loop), for the ceiling
// PID is the server's process (CPU and memory are read from /proc).

let arguments = Array(CommandLine.arguments.dropFirst())
quietLogging()
let apiToken = "BENCHAPITOKEN0000000000000000000"
let credentials = DigestCredentials(username: "lpt", password: "lpt123")

/// Mutable state the concurrent senders share.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

final class Counter: Sendable {
    let value: Atomic<Int>
    init(_ value: Int) { self.value = Atomic(value) }
}

func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

func prepare(directory: String, devices: Int) async throws {
    var config = AppConfig()
    config.dataDirectory = directory
    let platform = try Platform.open(config, logger: Logger(label: "bench"))
    try await platform.withReadyStore { store in
        let (saved, problems) = try await VideoLedger(store: store).importCSV(VideoSimulator.ledgerCSV(VideoSimulator.devices(count: devices)))
        guard problems.isEmpty else {
            print("ledger refused: \(problems.prefix(5))")
            exit(1)
        }
        _ = try await VideoLedger(store: store).saveAccount(username: credentials.username, password: credentials.password)
        let now = Date()
        try await store.saveUser(UserRecord(username: "bench", passwordHash: "-", role: "admin", createdAt: now))
        try await store.insertToken(TokenRecord(token: apiToken, kind: "api", subject: "bench", issuedAt: now, expiresAt: now.addingTimeInterval(86_400)))
        print("prepared \(saved.count) devices in \(directory)")
    }
}

/// Read-API users: by device, the last minute's captures (100 with their images), a plate;
/// each user searches once every `think` seconds (0: one search after another).
struct Searchers {
    let base: String
    let devices: [VideoSimulator.Device]
    let count: Int
    var think: Double = 0

    func run(http: HTTPClient, until stop: @escaping @Sendable () -> Bool) async -> (latencies: [Double], errors: Int) {
        let results = Shared((latencies: [Double](), errors: 0))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<count {
                group.addTask {
                    var n = worker
                    var next = ContinuousClock.now + .milliseconds(Int64(think * 1000 * Double(worker) / Double(max(count, 1))))
                    while !stop() {
                        if think > 0 {
                            if next > ContinuousClock.now { try? await Task.sleep(until: next) }
                            next += .milliseconds(Int64(think * 1000))
                        }
                        n += count
                        let path: String
                        switch n % 5 {
                        case 0, 1: path = "/api/v1/video/captures?deviceId=\(devices[n % devices.count].id)&limit=20"
                        case 2, 3: path = "/api/v1/video/captures?from=\(ChinaTime().formatCompact(Date().addingTimeInterval(-60)))&limit=100"
                        default: path = "/api/v1/video/captures?plate=%E9%97%BDA\(String(format: "%05d", n % 100_000))"
                        }
                        var request = HTTPClientRequest(url: base + path)
                        request.headers.add(name: "Authorization", value: "Bearer \(apiToken)")
                        let began = ContinuousClock.now
                        let ok: Bool
                        do {
                            let response = try await http.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 64 << 20)
                            ok = response.status == .ok
                        } catch {
                            ok = false
                        }
                        let ms = seconds(ContinuousClock.now - began) * 1000
                        results.value.withLock { if ok { $0.latencies.append(ms) } else { $0.errors += 1 } }
                    }
                }
            }
        }
        return results.value.withLock { ($0.latencies.sorted(), $0.errors) }
    }
}

func searchLine(_ label: String, _ result: (latencies: [Double], errors: Int), seconds: Double) -> String {
    String(format: "RESULT run=%@ searches=%d per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d", label, result.latencies.count,
           Double(result.latencies.count) / max(seconds, 0.001), percentile(result.latencies, 0.5), percentile(result.latencies, 0.99), result.errors)
}

func http(_ connections: Int) -> HTTPClient {
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(60)))
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

func size(_ text: String) -> (Int, Int) {
    let parts = text.split(separator: "x").compactMap { Int($0) }
    return parts.count == 2 ? (parts[0], parts[1]) : (1280, 720)
}

guard let command = arguments.first else {
    print("usage: ParkGateVideoBench prepare|search|capacity|flood …")
    exit(2)
}
switch command {
case "prepare":
    try await prepare(directory: arguments[1], devices: Int(arguments[2]) ?? 20_000)

case "search":
    let (base, pid, duration, count) = (arguments[1], Int32(arguments[2]) ?? 0, Double(arguments[3]) ?? 10, Int(arguments[4]) ?? 100)
    let client = http(count)
    let end = ContinuousClock.now + .milliseconds(Int64(duration * 1000))
    let cpu = cpuSeconds(pid)
    let result = await Searchers(base: base, devices: VideoSimulator.devices(count: 1000), count: count).run(http: client) { ContinuousClock.now >= end }
    print(searchLine("search-alone", result, seconds: duration) + String(format: " server_cpu_s=%.2f rss_mib=%.1f", cpuSeconds(pid) - cpu, Double(residentKiB(pid)) / 1024))
    try await client.shutdown()

case "capacity":
    let (base, pid, devices) = (arguments[1], Int32(arguments[2]) ?? 0, Int(arguments[3]) ?? 20_000)
    let (rate, duration, count) = (Double(arguments[4]) ?? 10, Double(arguments[5]) ?? 60, Int(arguments[6]) ?? 100)
    let (width, height) = size(arguments[7])
    let list = VideoSimulator.devices(count: devices)
    let simulator = VideoSimulator(target: base, credentials: credentials, devices: list, rate: rate, duration: duration, keepAliveInterval: 60,
                                   concurrency: 64, imageWidth: width, imageHeight: height, imageNoise: Int(arguments[8]) ?? 24)
    let done = Counter(0)
    let peak = Counter(0)
    let client = http(count)
    let cpu = cpuSeconds(pid)
    let began = ContinuousClock.now
    let think = arguments.count > 9 ? Double(arguments[9]) ?? 1 : 1
    async let searched = Searchers(base: base, devices: list, count: count, think: think).run(http: client) { done.value.load(ordering: .relaxed) != 0 }
    async let sampled: Void = {
        while done.value.load(ordering: .relaxed) == 0 {
            peak.value.max(residentKiB(pid), ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(500))
        }
    }()
    let report = try await simulator.run()
    done.value.store(1, ordering: .relaxed)
    let (search, _) = await (searched, sampled)
    let wall = seconds(ContinuousClock.now - began), serverCPU = cpuSeconds(pid) - cpu
    print(report)
    print(String(format: "RESULT run=capacity devices=%d logins=%d login_s=%.1f keepalives=%d keepalive_ok=%d keepalives_per_s=%.1f keepalive_p99_ms=%.2f",
                 devices, report.authenticated, report.loginSeconds, report.keepAlives.sent, report.keepAlives.ok,
                 Double(report.keepAlives.ok) / max(report.seconds, 0.001), report.keepAlives.percentile(0.99) ?? 0))
    print(String(format: "RESULT run=capacity captures=%d capture_ok=%d captures_per_s=%.1f capture_p99_ms=%.2f kib_per_capture=%d",
                 report.captures.sent, report.captures.ok, Double(report.captures.ok) / max(report.seconds, 0.001), report.captures.percentile(0.99) ?? 0,
                 report.imageBytes / max(report.captures.ok, 1) / 1024))
    print(searchLine("capacity-search", search, seconds: wall)
          + String(format: " server_cpu_share=%.2f rss_peak_mib=%.1f rss_end_mib=%.1f", serverCPU / max(wall, 0.001),
                   Double(max(peak.value.load(ordering: .relaxed), residentKiB(pid))) / 1024, Double(residentKiB(pid)) / 1024))
    try await client.shutdown()

case "picture-size":
    let (width, height) = size(arguments[1])
    let started = ContinuousClock.now
    let pictures = VideoPictures(width: width, height: height, noise: Int(arguments[2]) ?? 24, variants: 1)
    let (_, bytes) = pictures.capture(for: VideoSimulator.Device(id: "35020000001320000001", kind: "car"), serial: 1)
    print("\(arguments[1]) noise \(arguments[2]): \(bytes / 1024) KiB per vehicle capture (drawn and encoded in \(seconds(ContinuousClock.now - started)) s)")

case "flood":
    let (base, pid, duration, concurrency) = (arguments[1], Int32(arguments[2]) ?? 0, Double(arguments[3]) ?? 10, Int(arguments[4]) ?? 16)
    let (width, height) = size(arguments[5])
    let label = arguments.count > 7 ? arguments[7] : "flood"
    let pictures = VideoPictures(width: width, height: height, noise: Int(arguments[6]) ?? 24)
    let devices = VideoSimulator.devices(count: concurrency, faceShare: 0)
    let client = http(concurrency)
    let video = VideoClient(baseURL: base, credentials: credentials, http: client)
    var obtained: [String] = []
    for device in devices {
        let answer = try await video.authenticate(family: "car", deviceID: device.id)
        guard let key = answer.result["appIdentityKey"] else { print("login refused: \(answer)"); exit(1) }
        obtained.append(key)
    }
    let keys = obtained
    let results = Shared((latencies: [Double](), failed: 0, bytes: 0))
    let serial = Counter(Int(Date().timeIntervalSince1970) * 1000)
    let cpu = cpuSeconds(pid)
    let began = ContinuousClock.now
    let end = began + .milliseconds(Int64(duration * 1000))
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                while ContinuousClock.now < end {
                    let (json, bytes) = pictures.capture(for: devices[worker], serial: serial.value.add(1, ordering: .relaxed).newValue)
                    let start = ContinuousClock.now
                    let answer = try? await video.saveImageData(family: "car", deviceID: devices[worker].id, key: keys[worker], imageJsonData: json)
                    let ms = seconds(ContinuousClock.now - start) * 1000
                    results.value.withLock { if answer?.success == true { $0.latencies.append(ms); $0.bytes += bytes } else { $0.failed += 1 } }
                }
            }
        }
    }
    let wall = seconds(ContinuousClock.now - began), serverCPU = cpuSeconds(pid) - cpu
    let (latencies, failed, bytes) = results.value.withLock { ($0.latencies.sorted(), $0.failed, $0.bytes) }
    print(String(format: "RESULT run=%@ concurrency=%d captures=%d failed=%d per_s=%.1f per_cpu_s=%.1f p50_ms=%.2f p99_ms=%.2f kib_per_capture=%d mib_per_s=%.1f server_cpu_s=%.2f rss_mib=%.1f",
                 label, concurrency, latencies.count, failed, Double(latencies.count) / wall, Double(latencies.count) / max(serverCPU, 0.001),
                 percentile(latencies, 0.5), percentile(latencies, 0.99), bytes / max(latencies.count, 1) / 1024,
                 Double(bytes) / wall / 1_048_576, serverCPU, Double(residentKiB(pid)) / 1024))
    try await client.shutdown()

default:
    print("unknown command \(command)")
    exit(2)
}
