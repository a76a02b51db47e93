import AsyncHTTPClient
import BenchSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import Synchronization

// The T/CPMI downlink under load (driven by Benchmarks/downlink.sh):
//   prepare DIR PARKS            a data directory with PARKS parks, their uplink tokens and an API token
//   bare-server PORT             the memory ceiling: a bare SwiftNIO server that frames packets and
//                                answers the login, nothing else (no store, no tables)
//   connect HOST PORT N PID      N lots log in; prints the server's memory per connection
//   run HOST HTTP TCP PID …      see `runLoad`
// Lots are `CPMIDownlinkClient` with a handler that opens the gate at once.

let arguments = Array(CommandLine.arguments.dropFirst())
quietLogging()

let apiToken = "BENCHAPITOKEN0000000000000000000"
func parkCode(_ index: Int) -> String { "BENCH" + String(format: "%05d", index) }
func lotToken(_ index: Int) -> String { "LOTTOKEN" + String(format: "%024d", index) }
let secret = "BENCHSECRET"

func prepare(directory: String, parks: Int) async throws {
    var config = AppConfig()
    config.dataDirectory = directory
    let platform = try Platform.open(config, logger: Logger(label: "bench"))
    try await platform.withReadyStore { store in
        let now = Date()
        for index in 1...parks {
            try await store.savePark(ParkRecord(
                code: parkCode(index), name: "bench \(index)", totalSpaces: 100, account: "bench\(index)", passwordHash: "-", secret: secret,
                signatureOn: true, createdAt: now, updatedAt: now))
            try await store.insertToken(TokenRecord(
                token: lotToken(index), kind: "cpmi", subject: parkCode(index), issuedAt: now, expiresAt: now.addingTimeInterval(86_400)))
        }
        try await store.saveUser(UserRecord(username: "bench", passwordHash: "-", role: "admin", createdAt: now))
        try await store.insertToken(TokenRecord(token: apiToken, kind: "api", subject: "bench", issuedAt: now, expiresAt: now.addingTimeInterval(86_400)))
    }
    print("prepared \(parks) parks in \(directory)")
}

/// The ceiling for memory: what SwiftNIO itself costs per connection with the same framing.
func bareServer(port: Int) async throws {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.backlog, value: 1024)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CPMIFrameDecoder()))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    print("bare server on \(port)")
    try await withThrowingDiscardingTaskGroup { group in
        try await server.executeThenClose { inbound in
            for try await child in inbound {
                group.addTask {
                    try? await child.executeThenClose { packets, outbound in
                        for try await packet in packets {
                            let text = String(buffer: packet)
                            if text.contains("\"code\":\"0\"") {
                                try await outbound.write(ByteBuffer(string: CPMIFraming.packet(#"{"code":"0","oprNum":"x","resultCode":"0000","resultMessage":"成功","data":{}}"#)))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Lots that log in and keep their connection until their task is cancelled.
final class Fleet: Sendable {
    let loggedIn = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let tasks = Mutex<[Task<Void, Never>]>([])

    func connect(host: String, port: Int, range: ClosedRange<Int>, gate: @escaping @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer) async {
        // In waves, so that the listen backlog is never the limit.
        for wave in stride(from: range.lowerBound, through: range.upperBound, by: 500) {
            let before = loggedIn.load(ordering: .relaxed) + failures.load(ordering: .relaxed)
            let last = min(range.upperBound, wave + 499)
            for index in wave...last {
                let client = CPMIDownlinkClient(host: host, port: port, token: lotToken(index), secret: secret)
                let task = Task {
                    do {
                        try await client.session(onLogin: { self.loggedIn.add(1, ordering: .relaxed) }, handler: gate)
                    } catch {
                        self.failures.add(1, ordering: .relaxed)
                    }
                }
                tasks.withLock { $0.append(task) }
            }
            let target = before + (last - wave + 1)
            let deadline = Date().addingTimeInterval(30)
            while loggedIn.load(ordering: .relaxed) + failures.load(ordering: .relaxed) < target, Date() < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func dropAll(but keep: Int) {
        tasks.withLock { tasks in
            for task in tasks.dropFirst(keep) { task.cancel() }
        }
    }
}

let openGate: @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer = { request in
    CPMIDownlinkAnswer(dataText: "{\"barCode\":" + JSONText.quote(request.values["barCode"] ?? "") + ",\"status\":\"1\"}")
}

func connectAndMeasure(host: String, port: Int, count: Int, pid: Int32, fleet: Fleet) async {
    let before = residentKiB(pid)
    let cpu = cpuSeconds(pid)
    let start = ContinuousClock.now
    await fleet.connect(host: host, port: port, range: 1...count, gate: openGate)
    let elapsed = ContinuousClock.now - start
    try? await Task.sleep(for: .seconds(2))
    let after = residentKiB(pid)
    let connected = fleet.loggedIn.load(ordering: .relaxed)
    let perConnection = connected > 0 ? Double(after - before) / Double(connected) : 0
    print(String(format: "RESULT connected=%d failed=%d rss_before_kib=%d rss_after_kib=%d per_connection_kib=%.2f login_seconds=%.2f server_cpu_s=%.2f",
                 connected, fleet.failures.load(ordering: .relaxed), before, after, perConnection,
                 Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpuSeconds(pid) - cpu))
}

/// `concurrency` workers send requests for `seconds`; returns sorted latencies (ms), errors, CPU.
func load(http: HTTPClient, seconds: Double, concurrency: Int, pid: Int32,
          request: @escaping @Sendable (Int) -> HTTPClientRequest, ok: @escaping @Sendable (Int) -> Bool) async -> (latencies: [Double], errors: Int, cpu: Double, elapsed: Double) {
    let cpu = cpuSeconds(pid)
    let started = ContinuousClock.now
    let deadline = started + .milliseconds(Int64(seconds * 1000))
    let results = await withTaskGroup(of: ([Double], Int).self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var latencies: [Double] = [], errors = 0, sequence = worker
                while ContinuousClock.now < deadline {
                    let start = ContinuousClock.now
                    do {
                        let response = try await http.execute(request(sequence), timeout: .seconds(10))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        let took = ContinuousClock.now - start
                        if ok(Int(response.status.code)) {
                            latencies.append(Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15)
                        } else {
                            errors += 1
                        }
                    } catch {
                        errors += 1
                    }
                    sequence += concurrency
                }
                return (latencies, errors)
            }
        }
        var all: [Double] = [], errors = 0
        for await (latencies, failed) in group { all += latencies; errors += failed }
        return (all.sorted(), errors)
    }
    let elapsed = ContinuousClock.now - started
    return (results.0, results.1, cpuSeconds(pid) - cpu, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func report(_ label: String, concurrency: Int, _ result: (latencies: [Double], errors: Int, cpu: Double, elapsed: Double)) -> Double {
    let rate = Double(result.latencies.count) / result.elapsed
    print(String(format: "RESULT run=%@ conc=%d ok=%d errors=%d per_s=%.0f p50_ms=%.2f p99_ms=%.2f server_cpu_s=%.2f per_cpu_s=%.0f",
                 label, concurrency, result.latencies.count, result.errors, rate, percentile(result.latencies, 0.50),
                 percentile(result.latencies, 0.99), result.cpu, Double(result.latencies.count) / max(result.cpu, 0.001)))
    return rate
}

func runLoad(host: String, httpPort: Int, tcpPort: Int, pid: Int32, connections: Int, parks: Int, seconds: Double, concurrencies: [Int]) async throws {
    let fleet = Fleet()
    await connectAndMeasure(host: host, port: tcpPort, count: connections, pid: pid, fleet: fleet)
    fleet.dropAll(but: parks)
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(10)))
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    defer { _ = http.shutdown() }
    let base = "http://\(host):\(httpPort)"
    // Wait until the server has seen the drops.
    for _ in 0..<200 {
        var check = HTTPClientRequest(url: base + "/api/v1/downlink")
        check.headers.add(name: "Authorization", value: "Bearer " + apiToken)
        let response = try await http.execute(check, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        if object?["connected"] as? Int == parks { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    let health: @Sendable (Int) -> HTTPClientRequest = { _ in HTTPClientRequest(url: base + "/health") }
    let gate: @Sendable (Int) -> HTTPClientRequest = { sequence in
        var request = HTTPClientRequest(url: base + "/api/v1/parks/\(parkCode(sequence % parks + 1))/commands/21")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + apiToken)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"barCode":"GATE-IN1","isOpen":"1"}"#))
        return request
    }
    for concurrency in concurrencies {
        // Warm both paths, then measure the ceiling and the gate in the same run.
        _ = await load(http: http, seconds: 1, concurrency: concurrency, pid: pid, request: health, ok: { $0 == 200 })
        _ = await load(http: http, seconds: 1, concurrency: concurrency, pid: pid, request: gate, ok: { $0 == 200 })
        let ceiling = report("health", concurrency: concurrency,
                             await load(http: http, seconds: seconds, concurrency: concurrency, pid: pid, request: health, ok: { $0 == 200 }))
        let opened = report("gate21", concurrency: concurrency,
                            await load(http: http, seconds: seconds, concurrency: concurrency, pid: pid, request: gate, ok: { $0 == 200 }))
        print(String(format: "RESULT run=ratio conc=%d gate_over_health=%.3f", concurrency, opened / max(ceiling, 1)))
    }
    fleet.dropAll(but: 0)
}

switch arguments.first {
case "prepare":
    try await prepare(directory: arguments[1], parks: Int(arguments[2]) ?? 10_000)
case "bare-server":
    try await bareServer(port: Int(arguments[1]) ?? 19090)
case "connect":
    let fleet = Fleet()
    await connectAndMeasure(host: arguments[1], port: Int(arguments[2])!, count: Int(arguments[3])!, pid: Int32(arguments[4])!, fleet: fleet)
    fleet.dropAll(but: 0)
case "run":
    // run HOST HTTP_PORT TCP_PORT SERVER_PID CONNECTIONS PARKS SECONDS CONCURRENCY[,…]
    try await runLoad(
        host: arguments[1], httpPort: Int(arguments[2])!, tcpPort: Int(arguments[3])!, pid: Int32(arguments[4])!,
        connections: Int(arguments[5])!, parks: Int(arguments[6])!, seconds: Double(arguments[7])!,
        concurrencies: arguments[8].split(separator: ",").compactMap { Int($0) })
default:
    print("usage: ParkGateDownlinkBench prepare DIR PARKS | bare-server PORT | connect HOST PORT N PID | run HOST HTTP TCP PID CONNECTIONS PARKS SECONDS CONC[,…]")
}
