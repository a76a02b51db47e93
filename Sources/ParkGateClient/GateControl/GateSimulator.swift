import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import ParkGateModel
import Synchronization

/// Enterprises' gate systems of a Henan city platform (section 4.1): each enterprise takes a
/// token, files its fleet (`shareVehInfo`), and at `rate` passages per second all together its
/// gates check the truck (`getCheckVehicle`), lift the barrier unless it is controlled, report
/// the passage (`shareDrivingRecord`) and its front photo (`sharePhotoInfo`, multipart with a
/// real JPEG). Trucks carry realistic plates (豫 mostly, neighbouring provinces too), types,
/// fuels and emission stages; each goes in, then out.
public struct GateSimulator: Sendable {
    public var target: String
    public var enterprises: Int
    public var gates: Int
    public var rate: Double
    public var duration: Double
    /// Enterprise codes are `district` + a serial from 0001; accounts `sim<code>` / `password`.
    public var district: String
    public var password: String
    public var trucksPerEnterprise: Int
    public var photoShare: Double
    public var concurrency: Int

    public init(target: String, enterprises: Int, gates: Int, rate: Double, duration: Double, district: String = "411002", password: String = "sim",
                trucksPerEnterprise: Int = 20, photoShare: Double = 1, concurrency: Int = 32) {
        (self.target, self.enterprises, self.gates, self.rate, self.duration) = (target, enterprises, gates, rate, duration)
        (self.district, self.password, self.trucksPerEnterprise, self.photoShare, self.concurrency) = (district, password, trucksPerEnterprise, photoShare, concurrency)
    }

    public var enterpriseCodes: [String] { (1...max(enterprises, 1)).map { district + String(format: "%04d", $0) } }

    /// The registry commands to run on the city platform first.
    public var setupCommands: [String] {
        enterpriseCodes.flatMap { code -> [String] in
            ["parkgate organ add --organ \(code) --user sim\(code) --password \(password)",
             "parkgate enterprise add --code \(code) --name 模拟企业\(code.suffix(4)) --industry 4 --control-type 1"]
                + (1...max(gates, 1)).map { "parkgate gate add --enterprise \(code) --code \(String(format: "%02d", $0)) --type C" }
        }
    }

    public struct Truck: Sendable, Hashable {
        public var plate, color, type, fuel, stage: String
    }

    /// A fleet: 80% 豫 plates of Henan's cities, the rest from neighbouring provinces; yellow
    /// plates; heavy trucks and tractors; diesel mostly, natural gas and electric too; 国Ⅲ–国Ⅵ.
    public static func fleet(count: Int, seed: UInt64) -> [Truck] {
        var random = SplitMix(seed: seed)
        let henan = Array("ABCDEFGHJKLMNPQRSU"), neighbours = ["冀", "晋", "鲁", "皖", "陕", "鄂"]
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("0123456789")
        let types = ["H11", "H17", "Q11", "H12", "B11", "H14"], fuels = ["B", "B", "B", "B", "B", "B", "E", "E", "C", "B"]
        return (0..<count).map { _ in
            let province = random.next(100) < 80 ? "豫" + String(henan[random.next(henan.count)]) : neighbours[random.next(neighbours.count)] + String(letters[random.next(12)])
            var tail = ""
            for index in 0..<5 { tail.append(index == 0 && random.next(3) == 0 ? letters[random.next(letters.count)] : digits[random.next(10)]) }
            let fuel = fuels[random.next(fuels.count)]
            return Truck(plate: province + tail, color: fuel == "C" ? "4" : "1", type: types[random.next(types.count)], fuel: fuel,
                         stage: fuel == "C" ? "D" : String(3 + random.next(4)))
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var tokens = 0
        public var filings = Tally(), checks = Tally(), passages = Tally(), photos = Tally()
        public var controlled = 0
        public var seconds: Double = 0

        public typealias Tally = SimulatorTally

        public var description: String {
            ["tokens \(tokens)", filings.line("filings"), checks.line("checks"), passages.line("passages"), photos.line("photos"),
             "controlled \(controlled) (barrier kept down)", String(format: "%.1f s, %.1f passages/s", seconds, seconds > 0 ? Double(passages.ok) / seconds : 0)]
                .joined(separator: "\n")
        }
    }

    final class Tallies: Sendable {
        let report = Mutex(Report())
        /// Trucks inside their plant; the last serial second used per gate and direction.
        let inside = Mutex(Set<String>())
        let usedSeconds = Mutex([String: Date]())
    }

    public func run() async throws -> Report {
        // Each gate has connections of its own: with AsyncHTTPClient's default pool of 8 a busy
        // platform made requests wait for a connection until getConnectionFromPoolTimeout.
        try await withSimulatorHTTPClient(read: .seconds(30)) { try await run($0) }
    }

    func run(_ http: HTTPClient) async throws -> Report {
        let tallies = Tallies()
        let time = ChinaTime()
        let base = target.hasSuffix("/") ? String(target.dropLast()) : target
        func post(_ endpoint: String, _ body: [String: Any]) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: base + "/ysgk/restapi/transportControl/" + endpoint)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            let response = try await http.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? ["code": "HTTP \(response.status.code)"]
        }
        func timed(_ body: () async throws -> [String: Any]) async -> (code: String, ms: Double, answer: [String: Any]) {
            let start = ContinuousClock.now
            // A failure without an answer is tallied as transport with its error, so a report says why.
            let answer: [String: Any]
            do { answer = try await body() } catch { answer = ["code": "transport: " + String(String(describing: error).prefix(80))] }
            let elapsed = ContinuousClock.now - start
            return (answer["code"] as? String ?? (answer["result"] as? String ?? "?"), Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000, answer)
        }
        let licence = SyntheticScene(width: 160, height: 100, noise: 4, seed: 3).jpeg(.plate, quality: 70)
        let photo = SyntheticScene(width: 320, height: 180, noise: 8, seed: 5).jpeg(.vehicle, quality: 75)

        // Set-up: tokens and filings.
        var tokens: [String: String] = [:]
        var fleets: [String: [Truck]] = [:]
        for (index, code) in enterpriseCodes.enumerated() {
            let answer = try await post("get_data", ["organ": code, "ipctype": "getAccessToken", "username": "sim\(code)", "password": password])
            guard let token = answer["access_token"] as? String else {
                throw SimulatorError(description: "getAccessToken for \(code) failed: \(answer) (run the --print-setup commands first)")
            }
            tokens[code] = token
            tallies.report.withLock { $0.tokens += 1 }
            fleets[code] = Self.fleet(count: trucksPerEnterprise, seed: UInt64(index + 1))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for code in enterpriseCodes {
                for truck in fleets[code] ?? [] {
                    if inFlight >= concurrency { try await group.next(); inFlight -= 1 }
                    inFlight += 1
                    let token = tokens[code]!
                    group.addTask {
                        let value: [String: Any] = ["license": truck.plate, "licenseColor": truck.color, "vehicleType": truck.type, "useCharacter": "F",
                                                    "emissionStandard": truck.stage, "fuelType": truck.fuel, "onwer": "模拟运输公司",
                                                    "drivingLicenseImg": Data(licence).base64EncodedString()]
                        let outcome = await timed { try await post("put_data", ["organ": code, "ipctype": "shareVehInfo", "access_token": token, "value": value]) }
                        tallies.report.withLock { $0.filings.add(outcome.code, ms: outcome.ms, success: "200") }
                    }
                }
            }
            try await group.waitForAll()
        }

        // Passages at `rate`: a truck outside goes in, one inside comes out.
        let started = ContinuousClock.now
        let total = max(1, Int((rate * duration).rounded()))
        var random = SplitMix(seed: 42)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for index in 0..<total {
                let due = started + .milliseconds(Int64(Double(index) / rate * 1000))
                if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
                if inFlight >= concurrency { try await group.next(); inFlight -= 1 }
                inFlight += 1
                let code = enterpriseCodes[random.next(enterpriseCodes.count)]
                let gate = String(format: "%02d", 1 + random.next(max(gates, 1)))
                let fleet = fleets[code] ?? []
                let truck = fleet[random.next(fleet.count)]
                let withPhoto = Double(random.next(1000)) < photoShare * 1000
                let token = tokens[code]!
                group.addTask {
                    let entering = tallies.inside.withLock { set in
                        if set.contains(truck.plate) { set.remove(truck.plate); return false }
                        set.insert(truck.plate)
                        return true
                    }
                    let check = await timed {
                        try await post("get_data", ["organ": code, "ipctype": "getCheckVehicle", "access_token": token,
                                                    "value": ["license": truck.plate, "licenseColor": truck.color]])
                    }
                    let controlled = (check.answer["value"] as? [String: Any])?["isControl"] as? String == "1"
                    tallies.report.withLock { $0.checks.add(check.code, ms: check.ms, success: "200"); if controlled { $0.controlled += 1 } }
                    // The serial's time: now, or the next free second of this gate and direction.
                    let key = code + gate + (entering ? "A" : "B")
                    let passed = tallies.usedSeconds.withLock { used -> Date in
                        var at = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
                        if let last = used[key], last >= at { at = last.addingTimeInterval(1) }
                        used[key] = at
                        return at
                    }
                    let lsh = key + String(time.formatCompact(passed).dropFirst(2))
                    let value: [String: Any] = ["lsh": lsh, "qybh": code, "qymc": "模拟企业\(code.suffix(4))", "dzbh": gate, "cphm": truck.plate, "cpys": truck.color,
                                                "tgsjq": time.formatDashed(passed), "tgsjz": time.formatDashed(passed.addingTimeInterval(4)),
                                                "tgzt": entering ? "1" : "2", "bgzt": controlled ? "0" : "1"]
                    let record = await timed { try await post("put_data", ["organ": code, "ipctype": "shareDrivingRecord", "access_token": token, "value": value]) }
                    tallies.report.withLock { $0.passages.add(record.code, ms: record.ms, success: "200") }
                    guard withPhoto else { return }
                    let info: [String: Any] = ["organ": code, "ipctype": "sharePhotoInfo", "access_token": token, "value": [
                        "lsh": lsh, "qybh": code, "dzbh": gate, "cphm": truck.plate, "cpys": truck.color, "zpbh": "1", "zplx": entering ? "1" : "2",
                        "pzsj": time.formatDashed(passed)]]
                    let upload = await timed { try await Self.putFile(http, base: base, info: info, jpeg: photo) }
                    tallies.report.withLock { $0.photos.add(upload.code, ms: upload.ms, success: "200") }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        return tallies.report.withLock { report in
            report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return report
        }
    }

    /// 5.2's upload: multipart parts `file` and `info`.
    static func putFile(_ http: HTTPClient, base: String, info: [String: Any], jpeg: [UInt8]) async throws -> [String: Any] {
        let boundary = "ParkGateGate" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var body: [UInt8] = []
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"front.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += jpeg
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"info\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n".utf8)
        body += [UInt8](try JSONSerialization.data(withJSONObject: info))
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        var request = HTTPClientRequest(url: base + "/ysgk/restapi/transportControl/put_file")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? ["code": "HTTP \(response.status.code)"]
    }
}

public struct SimulatorError: Error, CustomStringConvertible {
    public let description: String
}

/// A small deterministic generator, so a fleet is the same every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
    }
}
