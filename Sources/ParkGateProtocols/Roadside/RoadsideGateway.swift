import Crypto
import Foundation
import Logging
import Metrics
import ParkGateModel
import ParkGateStore
import Synchronization

/// The roadside platform's request handling, independent of the HTTP framework: bytes in,
/// the protocol's answer out, storage through the group-commit writer.
public struct RoadsideGateway: Sendable {
    public static let protocolName = "roadside"

    public let credentials: RoadsideCredentials
    public let writer: GroupCommitWriter
    public let strict: Bool
    public let time: ChinaTime
    let logger: Logger

    public init(credentials: RoadsideCredentials, writer: GroupCommitWriter, strict: Bool, time: ChinaTime = ChinaTime(), logger: Logger) {
        self.credentials = credentials
        self.writer = writer
        self.strict = strict
        self.time = time
        self.logger = logger
    }

    /// `requestLogger` carries the request's metadata (its id) into the log lines.
    public func handle(
        _ endpoint: RoadsideEndpoint, contentType: String?, body: [UInt8], now: Date = Date(), requestLogger: Logger? = nil
    ) async -> RoadsideReply {
        let logger = requestLogger ?? self.logger
        let reply: RoadsideReply
        do {
            reply = try await process(endpoint, contentType: contentType, body: body, now: now)
        } catch let error as RoadsideError {
            reply = RoadsideReply(error)
        } catch {
            logger.error("roadside \(endpoint.rawValue): \(error)")
            reply = RoadsideReply(code: .serverError, msg: "服务端后台错误: storage failed, nothing was stored")
        }
        ReplyCounters.shared.increment(endpoint: endpoint, code: reply.code)
        if reply.code != .success {
            logger.info("roadside rejected", metadata: [
                "interface": "\(endpoint.path)", "code": "\(reply.code.rawValue)", "reason": "\(reply.msg)",
                "flowId": "\(reply.content.first { $0.0 == "flowId" }?.1 ?? "")",
            ])
        } else {
            logger.debug("roadside accepted", metadata: [
                "interface": "\(endpoint.path)", "flowId": "\(reply.content.first { $0.0 == "flowId" }?.1 ?? "")",
            ])
        }
        return reply
    }

    private func process(_ endpoint: RoadsideEndpoint, contentType: String?, body: [UInt8], now: Date) async throws -> RoadsideReply {
        let jdata = try RoadsideDecoder.jdata(contentType: contentType, body: body)
        let members = try RoadsideDecoder.members(jdata: jdata)
        // Strictness can be set per vendor, so find the vendor the message claims first.
        let claimed = members.first { $0.key.trimmedSpaces == "comType" }
        var vendorStrict = false
        if case .string(let code)? = claimed?.value {
            vendorStrict = try await credentials.vendor(code.trimmedSpaces, now: now)?.strict ?? false
        }
        var message = try RoadsideValidator(strict: strict || vendorStrict, time: time).validate(members, endpoint: endpoint)
        if endpoint == .token { return try await issueToken(message, now: now) }

        let comType = message["comType"]!
        let flowId = message["flowId"]!
        guard let token = try await credentials.liveToken(message["token"]!, now: now) else {
            throw RoadsideError(.tokenExpired, "token unknown or expired; get a new one from /park/token", flowId: flowId)
        }
        guard token.subject == comType else {
            throw RoadsideError(.forbidden, "token was issued to vendor \(token.subject), not comType \(comType)", flowId: flowId)
        }
        guard let vendor = try await credentials.vendor(comType, now: now) else {
            throw RoadsideError(.forbidden, "vendor \(comType) is not registered", flowId: flowId)
        }
        guard endpoint.allows(vendor.category) else {
            throw RoadsideError(.forbidden, "vendor \(comType) (\(vendor.category.label)) may not use \(endpoint.path)", flowId: flowId)
        }
        for problem in RoadsideValidator.flowIdDeviations(flowId, comType: comType, endpoint: endpoint) {
            message.findings.append(("flowId", problem, flowId))
            if strict || vendor.strict {
                throw RoadsideError(.badFormat, problem + " (strict mode)", flowId: flowId)
            }
        }
        if var error = message.formatError {
            error.flowId = flowId
            throw error
        }
        guard credentials.admit(vendor: comType, limit: vendor.rateLimit) else {
            throw RoadsideError(.tooFrequent, "vendor \(comType) is over its limit of \(vendor.rateLimit) requests per second", flowId: flowId)
        }
        let command = ingestCommand(message, jdata: jdata, now: now)
        do {
            _ = try await writer.submit(command)
        } catch StoreError.overloaded {
            throw RoadsideError(.tooFrequent, "platform busy: write queue full, retry later", flowId: flowId)
        } catch StoreError.shuttingDown {
            throw RoadsideError(.serverError, "platform shutting down: nothing stored, retry later", flowId: flowId)
        } catch {
            logger.error("roadside store failed: \(error)", metadata: ["flowId": "\(flowId)"])
            throw RoadsideError(.serverError, "服务端后台错误: storage failed, nothing was stored", flowId: flowId)
        }
        return RoadsideReply(code: .success, content: [("flowId", flowId)])
    }

    private func issueToken(_ message: RoadsideMessage, now: Date) async throws -> RoadsideReply {
        let comType = message["comType"]!
        guard let vendor = try await credentials.vendor(comType, now: now, fresh: true) else {
            throw RoadsideError(.badVendorKey, "comType \(comType) is not a registered vendor")
        }
        guard vendor.keyHash != nil else {
            throw RoadsideError(.badVendorKey, "vendor \(comType) has no comKey set yet")
        }
        if let error = message.formatError { throw error }
        guard credentials.admit(vendor: comType, limit: vendor.rateLimit) else {
            throw RoadsideError(.tooFrequent, "vendor \(comType) is over its limit of \(vendor.rateLimit) requests per second")
        }
        guard let token = try await credentials.issueToken(comType: comType, comKey: message["comKey"]!, now: now) else {
            throw RoadsideError(.badVendorKey, "comKey is wrong for vendor \(comType)")
        }
        let expire = Int(token.expiresAt.timeIntervalSince(token.issuedAt).rounded())
        return RoadsideReply(code: .success, content: [("token", token.token), ("expire", String(expire))])
    }

    /// `jdata`: the message as sent (its `jdata` parameter), stored as the raw body.
    func ingestCommand(_ message: RoadsideMessage, jdata: [UInt8], now: Date) -> IngestCommand {
        let comType = message["comType"]!
        let flowId = message["flowId"]!
        let endpoint = message.endpoint
        let hash = JSONText.hex(SHA256.hash(data: Self.canonical(message.fields)).prefix(16))
        let jdata = String(decoding: jdata, as: UTF8.self)
        let raw = RawMessage(
            protocolName: Self.protocolName, sender: comType, interface: endpoint.path, messageId: flowId,
            contentHash: hash, body: jdata, receivedAt: now)
        let findings = message.findings.map {
            Finding(protocolName: Self.protocolName, sender: comType, interface: endpoint.path, field: $0.field, rule: $0.rule, example: $0.example)
        }
        return IngestCommand(raw: raw, event: event(message, now: now), findings: findings)
    }

    /// What the content hash covers: the fields but the token, sorted by name, as
    /// `name=value` lines (a repeat with a fresh token is the same message).
    static func canonical(_ fields: [String: String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 })
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where key != "token" {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
            bytes.append(contentsOf: key.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: value.utf8)
        }
        return bytes
    }

    func event(_ message: RoadsideMessage, now: Date) -> DetectionEvent {
        let observation: Observation
        let timeText: String
        switch message.endpoint {
        case .camera, .hpcamera:
            observation = .passage(entering: message["inOutState"] == "1")
            timeText = message["dataTime"]!
        case .msensor:
            observation = .occupancy(occupied: message["psState"] == "1")
            timeText = message["dataTime"]!
        case .alarm:
            observation = .parkingAlarm(code: message["alarmCode"]!, level: message["alarmLevel"])
            timeText = message["alarmTime"]!
        case .deverror, .token:
            observation = .deviceError(code: message["alarmCode"]!)
            timeText = message["alarmTime"]!
        }
        var plate: Plate?
        if let sent = message["fvehPlate"] ?? message["vehPlate"] {
            let number = sent == "-" ? nil : sent.filter { !$0.isWhitespace }.uppercased()
            plate = Plate(number: number, kind: message["plateColor"])
        }
        var attributes: [String: String] = [:]
        for name in ["vehPlate", "fvehPlate", "fpsCode", "ifManualCheck", "plateFeature", "inOutState", "psState"] {
            if let value = message[name] { attributes[name] = value }
        }
        if message["fpsCode"] != nil { attributes["psCodeAsSent"] = message["psCode"] }
        return DetectionEvent(
            protocolName: Self.protocolName, messageId: message["flowId"]!, vendor: message["comType"]!,
            deviceCode: message["devCode"]!,
            berth: BerthKey(parkCode: message["parkCode"]!, psCode: message["fpsCode"] ?? message["psCode"]!),
            observation: observation, plate: plate, confidence: message["confidence"].flatMap { Int($0) },
            vehicleType: message["vehType"], bodyColor: message["vehColor"],
            images: ["Image1", "Image2", "Image3", "Image4"].compactMap { message[$0] },
            eventTime: time.parseCompact(timeText) ?? now, eventTimeText: timeText,
            entryTime: message["inTime"].flatMap(time.parseCompact), batteryLevel: message["devElec"],
            receivedAt: now, attributes: attributes)
    }
}

/// One counter per endpoint and code, made once (making a swift-metrics counter per request
/// costs a registry lookup).
final class ReplyCounters: Sendable {
    static let shared = ReplyCounters()
    private let counters = Mutex<[String: Counter]>([:])

    func increment(endpoint: RoadsideEndpoint, code: RoadsideResponseCode) {
        let key = endpoint.rawValue + "|" + code.rawValue
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "parkgate_roadside_replies_total", dimensions: [("endpoint", endpoint.rawValue), ("code", code.rawValue)])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
