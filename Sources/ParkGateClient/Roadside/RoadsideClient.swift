import AsyncHTTPClient
import Foundation
import NIOCore
import ParkGateModel
import Synchronization

/// The device side of the roadside protocol: token management and sending `jdata`.
///
/// The token is renewed before it expires (at 80% of `expire`) and once more when the platform
/// answers 201. Messages that fail go to the outbox and are retried every `retryInterval`
/// (section 1 item 5: at least once a minute) until the platform answers 100.
public final class RoadsideClient: Sendable {
    public struct Reply: Sendable, Equatable {
        public var code: String
        public var msg: String
        public var content: [String: String]
    }

    public enum Failure: Error, CustomStringConvertible {
        case transport(String)
        case badReply(String)
        case refused(Reply)

        public var description: String {
            switch self {
            case .transport(let message): "transport: \(message)"
            case .badReply(let text): "unparseable reply: \(text.prefix(200))"
            case .refused(let reply): "refused with \(reply.code): \(reply.msg)"
            }
        }
    }

    public let baseURL: String
    public let comType: String
    public let comKey: String
    public let retryInterval: TimeInterval
    public let outbox: any Outbox
    let http: HTTPClient
    private let token = Mutex<(value: String, renewAt: Date)?>(nil)

    public init(baseURL: String, comType: String, comKey: String, http: HTTPClient, outbox: any Outbox = MemoryOutbox(), retryInterval: TimeInterval = 60) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.comType = comType
        self.comKey = comKey
        self.http = http
        self.outbox = outbox
        self.retryInterval = retryInterval
    }

    /// The current token, fetching a new one when none is held or it is due for renewal.
    public func currentToken(now: Date = Date()) async throws -> String {
        if let held = token.withLock({ $0 }), held.renewAt > now { return held.value }
        let dataTime = Self.compactTime(now)
        let reply = try await post("token", fields: ["comType": comType, "dataTime": dataTime, "comKey": comKey])
        guard reply.code == "100", let value = reply.content["token"] else { throw Failure.refused(reply) }
        let lifetime = reply.content["expire"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 3600
        token.withLock { $0 = (value, now.addingTimeInterval(lifetime * 0.8)) }
        return value
    }

    /// Sends one data message (the token is filled in); renews the token once on 201.
    public func send(_ endpoint: String, fields: [String: String]) async throws -> Reply {
        var fields = fields
        fields["token"] = try await currentToken()
        var reply = try await post(endpoint, fields: fields)
        if reply.code == "201" {
            token.withLock { $0 = nil }
            fields["token"] = try await currentToken()
            reply = try await post(endpoint, fields: fields)
        }
        return reply
    }

    /// Sends, and on failure keeps the message in the outbox for `retryDue`.
    public func sendOrKeep(_ endpoint: String, fields: [String: String]) async -> Reply? {
        do {
            let reply = try await send(endpoint, fields: fields)
            if reply.code == "100" { return reply }
            keep(endpoint, fields)
            return reply
        } catch {
            keep(endpoint, fields)
            return nil
        }
    }

    /// Retries what is due in the outbox; returns how many were delivered.
    public func retryDue(now: Date = Date(), limit: Int = 100) async -> Int {
        var delivered = 0
        for item in outbox.takeDue(now: now, limit: limit) {
            guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(item.payload.utf8)),
                let reply = try? await send(item.interface, fields: fields), reply.code == "100"
            else {
                try? outbox.reschedule(item.id, at: now.addingTimeInterval(retryInterval))
                continue
            }
            try? outbox.acknowledge(item.id)
            delivered += 1
        }
        return delivered
    }

    private func keep(_ endpoint: String, _ fields: [String: String]) {
        guard let data = try? JSONEncoder().encode(fields.filter { $0.key != "token" }) else { return }
        if let item = try? outbox.append(interface: endpoint, payload: String(decoding: data, as: UTF8.self), now: Date()) {
            try? outbox.reschedule(item.id, at: Date().addingTimeInterval(retryInterval))
        }
    }

    func post(_ endpoint: String, fields: [String: String]) async throws -> Reply {
        let json = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = "jdata=" + String(decoding: json, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: allowed)!
        var request = HTTPClientRequest(url: "\(baseURL)/park/\(endpoint)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: body))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(10))
        } catch {
            throw Failure.transport("\(error)")
        }
        let buffer = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: buffer)
        guard response.status == .ok,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let code = object["code"] as? String
        else { throw Failure.badReply("HTTP \(response.status.code): \(text)") }
        return Reply(code: code, msg: object["msg"] as? String ?? "", content: object["content"] as? [String: String] ?? [:])
    }

    /// `YYYYMMDDHHmmss` in China Standard Time.
    public static func compactTime(_ date: Date) -> String {
        chinaTime.formatCompact(date)
    }

    private static let chinaTime = ChinaTime()
}
