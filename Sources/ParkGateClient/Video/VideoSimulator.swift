import AsyncHTTPClient
import Foundation
import Synchronization

/// Cameras of a 雪亮工程 site: each device logs in with HTTP Digest, keeps alive every
/// `keepAliveInterval` (spread over the interval), and the vehicle checkpoints (`car`) and
/// face cameras (`face`) upload captures at `rate` per second all together, with real JPEG
/// pictures. A key that expired or was revoked is renewed by authenticating again and the
/// request is sent once more.
public struct VideoSimulator: Sendable {
    public struct Device: Sendable {
        public var id: String
        /// `car` or `face`.
        public var kind: String

        public init(id: String, kind: String) {
            (self.id, self.kind) = (id, kind)
        }
    }

    public var target: String
    public var credentials: DigestCredentials
    public var devices: [Device]
    /// Captures per second, all devices together.
    public var rate: Double
    public var duration: Double
    public var keepAliveInterval: Double
    public var concurrency: Int
    /// Size of the full pictures (vehicle, scene, face background).
    public var imageWidth: Int
    public var imageHeight: Int
    public var imageNoise: Int

    public init(target: String, credentials: DigestCredentials, devices: [Device], rate: Double, duration: Double, keepAliveInterval: Double = 60,
                concurrency: Int = 32, imageWidth: Int = 640, imageHeight: Int = 360, imageNoise: Int = 12) {
        (self.target, self.credentials, self.devices, self.rate, self.duration) = (target, credentials, devices, rate, duration)
        (self.keepAliveInterval, self.concurrency, self.imageWidth, self.imageHeight, self.imageNoise) = (keepAliveInterval, concurrency, imageWidth, imageHeight, imageNoise)
    }

    /// `count` devices with ids `<centre 8><00><132><serial 7>`: car checkpoints first, then
    /// face cameras (`faceShare` of them), as `parkgate device import --csv` takes them.
    public static func devices(count: Int, faceShare: Double = 0.3, centre: String = "35020000") -> [Device] {
        let faces = Int((Double(count) * faceShare).rounded())
        return (0..<count).map { index in
            Device(id: centre + "00" + "132" + String(format: "%07d", index + 1), kind: index < count - faces ? "car" : "face")
        }
    }

    /// The ledger CSV of `devices`.
    public static func ledgerCSV(_ devices: [Device]) -> String {
        "id,kind,name,place,longitude,latitude\n" + devices.enumerated().map { index, device in
            let name = device.kind == "car" ? "模拟卡口 \(index + 1)" : "模拟人像 \(index + 1)"
            return "\(device.id),\(device.kind),\(name),模拟路 \(index % 50 + 1) 号,118.\(String(format: "%04d", index % 10_000)),24.\(String(format: "%04d", (index * 7) % 10_000))"
        }.joined(separator: "\n") + "\n"
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var authenticated = 0
        public var renewals = 0
        public var keepAlives = Tally()
        public var captures = Tally()
        public var imageBytes = 0
        /// The steady phase (after every device logged in), and the logins before it.
        public var seconds: Double = 0
        public var loginSeconds: Double = 0

        public typealias Tally = SimulatorTally

        public var description: String {
            """
            authenticated \(authenticated) (\(String(format: "%.1f", loginSeconds)) s for the first logins)  key renewals \(renewals)
            \(keepAlives.line("keep-alives", seconds: seconds))
            \(captures.line("captures", seconds: seconds))  images \(imageBytes / max(captures.ok, 1) / 1024) KiB per capture
            \(String(format: "%.1f", seconds)) s
            """
        }
    }

    enum Job { case keepAlive(Int), capture(Int) }

    /// A device's key: none yet, the key, or a login under way that every request of the
    /// device waits for (a device logs in once, however many of its requests found the key stale).
    enum KeyState: Sendable {
        case none
        case key(String)
        case renewing(Task<String?, Never>)
    }

    /// State the workers share: the keys, the schedule, the report.
    final class Shared: Sendable {
        let keys: Mutex<[KeyState]>
        let schedule = Mutex((keepAlives: 0, captures: 0))
        let report = Mutex(Report())
        let serial = Atomic<Int>(0)

        init(count: Int) { keys = Mutex([KeyState](repeating: .none, count: count)) }
    }

    public func run() async throws -> Report {
        try await withSimulatorHTTPClient { http in try await run(client: VideoClient(baseURL: target, credentials: credentials, http: http)) }
    }

    func run(client: VideoClient) async throws -> Report {
        guard !devices.isEmpty else { return Report() }
        let shared = Shared(count: devices.count)
        let pictures = VideoPictures(width: imageWidth, height: imageHeight, noise: imageNoise)
        let loginStart = ContinuousClock.now
        // Everyone logs in first, as cameras do when they start.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<min(concurrency, devices.count) {
                group.addTask {
                    for index in stride(from: worker, to: devices.count, by: concurrency) {
                        if let key = try await renew(index, client: client, shared: shared, counted: false) { shared.keys.withLock { $0[index] = .key(key) } }
                    }
                }
            }
            try await group.waitForAll()
        }
        let start = ContinuousClock.now
        let loginElapsed = start - loginStart
        let cars = devices.indices.filter { devices[$0].kind == "car" }, faces = devices.indices.filter { devices[$0].kind != "car" }
        let capturing = cars + faces
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let (due, job) = next(shared: shared, capturing: capturing) {
                        let when = start + .milliseconds(Int64(due * 1000))
                        if when > ContinuousClock.now { try await Task.sleep(until: when) }
                        try await perform(job, client: client, shared: shared, pictures: pictures)
                    }
                }
            }
            try await group.waitForAll()
        }
        return shared.report.withLock { report in
            let elapsed = ContinuousClock.now - start
            report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            report.loginSeconds = Double(loginElapsed.components.seconds) + Double(loginElapsed.components.attoseconds) / 1e18
            return report
        }
    }

    /// The next job and its time (seconds from the start): keep-alive k of device k mod N at
    /// k·interval/N, capture m at m/rate; nil once both are past the duration.
    func next(shared: Shared, capturing: [Int]) -> (Double, Job)? {
        shared.schedule.withLock { schedule in
            let keepAliveDue = Double(schedule.keepAlives) * keepAliveInterval / Double(devices.count)
            let captureDue = rate > 0 && !capturing.isEmpty ? Double(schedule.captures) / rate : .infinity
            if min(keepAliveDue, captureDue) >= duration { return nil }
            if keepAliveDue <= captureDue {
                schedule.keepAlives += 1
                return (keepAliveDue, .keepAlive((schedule.keepAlives - 1) % devices.count))
            }
            schedule.captures += 1
            return (captureDue, .capture(capturing[(schedule.captures - 1) % capturing.count]))
        }
    }

    /// The key of device `index` for a request: the current one unless it is `stale` (the key
    /// a refused request used), else the result of one login that concurrent requests share.
    func key(_ index: Int, stale: String?, client: VideoClient, shared: Shared) async -> String? {
        let (current, login) = shared.keys.withLock { keys -> (String?, Task<String?, Never>?) in
            switch keys[index] {
            case .key(let key) where key != stale: return (key, nil)
            case .renewing(let task): return (nil, task)
            default:
                let task = Task { (try? await renew(index, client: client, shared: shared)) ?? nil }
                keys[index] = .renewing(task)
                return (nil, task)
            }
        }
        if let current { return current }
        guard let login else { return nil }
        let key = await login.value
        shared.keys.withLock { keys in
            if case .renewing = keys[index] { keys[index] = key.map(KeyState.key) ?? .none }
        }
        return key
    }

    /// Authenticates device `index` (digest, then the ledger) and returns its new key.
    func renew(_ index: Int, client: VideoClient, shared: Shared, counted: Bool = true) async throws -> String? {
        let answer = try await client.authenticate(family: devices[index].kind, deviceID: devices[index].id)
        guard answer.success, let key = answer.result["appIdentityKey"] else { return nil }
        shared.report.withLock { report in
            report.authenticated += 1
            if counted { report.renewals += 1 }
        }
        return key
    }

    func perform(_ job: Job, client: VideoClient, shared: Shared, pictures: VideoPictures) async throws {
        let index: Int
        switch job { case .keepAlive(let i), .capture(let i): index = i }
        let device = devices[index]
        var payload: (json: String, bytes: Int)?
        if case .capture = job { payload = pictures.capture(for: device, serial: shared.serial.add(1, ordering: .relaxed).newValue) }
        let began = ContinuousClock.now
        var answer: VideoClient.Answer?
        var stale: String?
        var loginRefused = false
        for attempt in 0..<2 {
            guard let key = await key(index, stale: stale, client: client, shared: shared) else {
                loginRefused = true
                break
            }
            if let payload {
                answer = try? await client.saveImageData(family: device.kind, deviceID: device.id, key: key, imageJsonData: payload.json)
            } else {
                answer = try? await client.keepAlive(family: device.kind, deviceID: device.id, key: key, sentAt: pictures.compactNow())
            }
            // An expired or revoked key: log in again and send once more.
            guard attempt == 0, let code = answer?.errorCode, ["EC001", "EC002", "EC003"].contains(code) else { break }
            stale = key
        }
        let elapsed = ContinuousClock.now - began
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let outcome = answer?.outcome ?? (loginRefused ? "login refused" : "transport")
        shared.report.withLock { report in
            if let payload {
                report.captures.add(outcome, ms: ms)
                if outcome == "ok" { report.imageBytes += payload.bytes }
            } else {
                report.keepAlives.add(outcome, ms: ms)
            }
        }
    }
}
