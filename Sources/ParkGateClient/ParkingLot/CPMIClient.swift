import AsyncHTTPClient
import Crypto
import Foundation
import ParkGateModel
import NIOCore
import Synchronization

/// The parking-lot side of T/CPMI's uplink: login, signed requests, a token renewed on 9000,
/// and an outbox for what could not be delivered, retried every 10 minutes (5.1.2). Exits that
/// could not be delivered are kept as 补报账单 (14) and sent newest first after an outage
/// (5.2.6). A library a parking-lot vendor can embed.
public final class CPMIClient: Sendable {
    public struct Answer: Sendable {
        public var resultCode: String
        public var resultMessage: String
        public var dataText: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case transport(String), badAnswer(String), login(String)
        public var description: String {
            switch self {
            case .transport(let message): "transport: \(message)"
            case .badAnswer(let message): "unreadable answer: \(message)"
            case .login(let message): "login refused: \(message)"
            }
        }
    }

    public let baseURL: String
    public let account: String
    let password: String
    let secret: String?
    let http: HTTPClient
    public let outbox: any Outbox
    public let retryInterval: TimeInterval
    /// How long one request may take before it counts as undelivered (and goes to the outbox).
    public let requestTimeout: TimeInterval
    let token = Mutex<String?>(nil)
    let serial = Atomic<UInt64>(0)
    let failures = Mutex<[String]>([])

    /// The last few failures `sendOrKeep` kept in the outbox (transport errors, unreadable
    /// answers), newest last, so a report can say why.
    public var recentFailures: [String] { failures.withLock { $0 } }

    public init(baseURL: String, account: String, password: String, secret: String?, http: HTTPClient, outbox: any Outbox = MemoryOutbox(),
                retryInterval: TimeInterval = 600, requestTimeout: TimeInterval = 10) {
        (self.baseURL, self.account, self.password, self.secret, self.http) = (baseURL, account, password, secret, http)
        (self.outbox, self.retryInterval, self.requestTimeout) = (outbox, retryInterval, requestTimeout)
    }

    /// Upper-case hex MD5 of data text + token + secret (PROFILE).
    public static func signature(_ dataText: String, token: String, secret: String?) -> String {
        Hex.string(Insecure.MD5.hash(data: Array((dataText + token + (secret ?? "")).utf8)), uppercase: true)
    }

    /// Logs in (a new login revokes the previous token) and returns the token.
    @discardableResult
    public func login() async throws -> String {
        let data = "{\"parkUserName\":\(JSONText.quote(account)),\"parkUserPwd\":\(JSONText.quote(password))}"
        let answer = try await post(code: "1", dataText: data, token: "")
        guard answer.resultCode == "0000",
            let object = try? JSONSerialization.jsonObject(with: Data(answer.dataText.utf8)) as? [String: Any], let value = object["token"] as? String
        else { throw Failure.login("\(answer.resultCode) \(answer.resultMessage)") }
        token.withLock { $0 = value }
        return value
    }

    /// Sends one interface's `data` (JSON text); logs in first, and again once on 9000.
    public func send(code: String, dataText: String, oprNum: String? = nil) async throws -> Answer {
        let oprNum = oprNum ?? nextOprNum()
        var current = token.withLock { $0 }
        if current == nil { current = try await login() }
        var answer = try await post(code: code, dataText: dataText, token: current!, oprNum: oprNum)
        if answer.resultCode == "9000" {
            answer = try await post(code: code, dataText: dataText, token: try await login(), oprNum: oprNum)
        }
        return answer
    }

    /// Sends, and keeps what failed (transport or 9999) in the outbox under the same `oprNum`,
    /// so the platform recognises the retry. A failed exit (4) is kept as its 补报账单 (14)
    /// when `bill` is given.
    public func sendOrKeep(code: String, dataText: String, bill: String? = nil) async -> Answer? {
        let oprNum = nextOprNum()
        do {
            let answer = try await send(code: code, dataText: dataText, oprNum: oprNum)
            if answer.resultCode != "9999" { return answer }
            keep(code: code, dataText: dataText, oprNum: oprNum, bill: bill)
            return answer
        } catch {
            failures.withLock { list in
                list.append("\(code): \(error)")
                if list.count > 10 { list.removeFirst(list.count - 10) }
            }
            keep(code: code, dataText: dataText, oprNum: oprNum, bill: bill)
            return nil
        }
    }

    /// Retries what is due: bills (14) newest first, then the rest in order. Returns how many
    /// were delivered.
    public func retryDue(now: Date = Date(), limit: Int = 100) async -> Int {
        let due = outbox.takeDue(now: now, limit: limit)
        let bills = due.filter { $0.interface.hasPrefix("14|") }.sorted { $0.id > $1.id }
        var delivered = 0
        for item in bills + due.filter({ !$0.interface.hasPrefix("14|") }) {
            let parts = item.interface.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let answer = try? await send(code: parts[0], dataText: item.payload, oprNum: parts[1]),
                answer.resultCode != "9999"
            else {
                try? outbox.reschedule(item.id, at: now.addingTimeInterval(retryInterval))
                continue
            }
            try? outbox.acknowledge(item.id)
            delivered += 1
        }
        return delivered
    }

    func keep(code: String, dataText: String, oprNum: String, bill: String?) {
        let (keptCode, payload) = bill.map { ("14", $0) } ?? (code, dataText)
        if let item = try? outbox.append(interface: "\(keptCode)|\(oprNum)", payload: payload, now: Date()) {
            try? outbox.reschedule(item.id, at: Date().addingTimeInterval(retryInterval))
        }
    }

    func nextOprNum() -> String {
        "\(account)-\(UInt64(Date().timeIntervalSince1970 * 1000))-\(serial.add(1, ordering: .relaxed).newValue)"
    }

    func post(code: String, dataText: String, token: String, oprNum: String? = nil) async throws -> Answer {
        let signature = Self.signature(dataText, token: token, secret: secret)
        let envelope = "{\"token\":\(JSONText.quote(token)),\"code\":\(JSONText.quote(code)),\"oprNum\":\(JSONText.quote(oprNum ?? nextOprNum())),\"signature\":\(JSONText.quote(signature)),\"data\":\(dataText)}"
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        var request = HTTPClientRequest(url: "\(baseURL)/cpmi")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "param=" + envelope.addingPercentEncoding(withAllowedCharacters: allowed)!))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(requestTimeout * 1000)))
        } catch {
            throw Failure.transport("\(error)")
        }
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        guard response.status == .ok, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let result = object["resultCode"] as? String
        else { throw Failure.badAnswer("HTTP \(response.status.code): \(text.prefix(200))") }
        let dataText = text.range(of: "\"data\":").map { String(text[$0.upperBound...].dropLast()) } ?? "{}"
        return Answer(resultCode: result, resultMessage: object["resultMessage"] as? String ?? "", dataText: dataText)
    }
}
