import Foundation
import Logging
import NIOCore
import NIOPosix
import ParkGateModel
import Synchronization

/// A platform request as a parking lot receives it over the downlink (ACK packet, B.3.2).
public struct CPMIDownlinkRequest: Sendable {
    public var code: String
    public var oprNum: String
    /// The exact `data` text and its members as text.
    public var dataText: String
    public var values: [String: String]
    /// Whether the platform's signature matched MD5(data + token + secret).
    public var signatureValid: Bool
}

/// The lot's answer (REPLY packet, B.3.3).
public struct CPMIDownlinkAnswer: Sendable {
    public var resultCode: String
    public var resultMessage: String
    public var dataText: String

    public init(resultCode: String = "0000", resultMessage: String = "成功", dataText: String = "{}") {
        (self.resultCode, self.resultMessage, self.dataText) = (resultCode, resultMessage, dataText)
    }
}

/// The parking lot's end of T/CPMI's downlink: connects, logs in with the uplink token
/// (`{"code":"0",…}`), answers each request with `handler`, and can send heartbeats.
public final class CPMIDownlinkClient: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case loginRefused(String)
        case closed
        public var description: String {
            switch self {
            case .loginRefused(let message): "the platform refused the downlink login: \(message)"
            case .closed: "the platform closed the connection"
            }
        }
    }

    public let host: String
    public let port: Int
    public let token: String
    public let secret: String?
    let logger: Logger
    private let channel = Mutex<(any Channel)?>(nil)
    private let serial = Atomic<UInt64>(0)

    public init(host: String, port: Int, token: String, secret: String?, logger: Logger = Logger(label: "cpmi-downlink")) {
        (self.host, self.port, self.token, self.secret, self.logger) = (host, port, token, secret, logger)
    }

    /// Closes the current connection (a dropped line, on demand).
    public func drop() { channel.withLock { $0 }?.close(promise: nil) }

    public var isConnected: Bool { channel.withLock { $0?.isActive ?? false } }

    /// One connection: logs in, then answers requests until the platform closes it, `drop()`
    /// is called or the task is cancelled. `onLogin` runs once the platform accepted the login.
    public func session(
        onLogin: @Sendable () -> Void = {},
        handler: @escaping @Sendable (CPMIDownlinkRequest) async -> CPMIDownlinkAnswer
    ) async throws {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        channel.withLock { $0 = connection.channel }
        defer { channel.withLock { $0 = nil } }
        try await withTaskCancellationHandler {
            try await connection.executeThenClose { inbound, outbound in
                let login = "{\"code\":\"0\",\"token\":" + JSONText.quote(token) + ",\"oprNum\":" + JSONText.quote(nextOprNum()) + "}"
                try await outbound.write(ByteBuffer(string: CPMIFraming.packet(login)))
                var pending: [UInt8] = []
                var searched = 0
                var loggedIn = false
                for try await chunk in inbound {
                    pending.append(contentsOf: chunk.readableBytesView)
                    var packets: [[UInt8]] = []
                    scanning: while true {
                        switch CPMIFraming.scan(pending, searched: searched) {
                        case .skip(let count, _): pending.removeFirst(count); searched = 0
                        case .packet(let body, let consumed):
                            packets.append(Array(pending[body]))
                            pending.removeFirst(consumed)
                            searched = 0
                        case .needMore(let at): searched = at; break scanning
                        case .tooLarge: throw Failure.closed
                        }
                    }
                    for packet in packets {
                        guard let object = (try? JSONSerialization.jsonObject(with: Data(packet))) as? [String: Any] else { continue }
                        let code = Self.text(object["code"]), oprNum = Self.text(object["oprNum"])
                        if let result = object["resultCode"] {
                            // An answer to us: the login's, or a heartbeat's.
                            if code == "0" {
                                guard Self.text(result) == "0000" else { throw Failure.loginRefused(Self.text(object["resultMessage"])) }
                                loggedIn = true
                                onLogin()
                            }
                            continue
                        }
                        guard loggedIn else { continue }
                        let dataText = Self.dataText(packet) ?? "{}"
                        let request = CPMIDownlinkRequest(
                            code: code, oprNum: oprNum, dataText: dataText, values: Self.values(object["data"]),
                            signatureValid: Self.text(object["signature"]).uppercased() == CPMIClient.signature(dataText, token: token, secret: secret))
                        let answer = await handler(request)
                        let reply = "{\"code\":" + JSONText.quote(code) + ",\"oprNum\":" + JSONText.quote(oprNum)
                            + ",\"resultCode\":" + JSONText.quote(answer.resultCode) + ",\"resultMessage\":" + JSONText.quote(answer.resultMessage)
                            + ",\"signature\":" + JSONText.quote(CPMIClient.signature(answer.dataText, token: token, secret: secret))
                            + ",\"data\":" + answer.dataText + "}"
                        try await outbound.write(ByteBuffer(string: CPMIFraming.packet(reply)))
                    }
                }
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
    }

    /// Sends a heartbeat (8) over the connection; false when there is none.
    @discardableResult
    public func heartbeat() -> Bool {
        guard let channel = channel.withLock({ $0 }), channel.isActive else { return false }
        let data = "{}"
        let packet = "{\"token\":" + JSONText.quote(token) + ",\"code\":\"8\",\"oprNum\":" + JSONText.quote(nextOprNum())
            + ",\"signature\":" + JSONText.quote(CPMIClient.signature(data, token: token, secret: secret)) + ",\"data\":" + data + "}"
        channel.writeAndFlush(ByteBuffer(string: CPMIFraming.packet(packet)), promise: nil)
        return true
    }

    func nextOprNum() -> String { "DL" + String(Int(Date().timeIntervalSince1970)) + String(serial.add(1, ordering: .relaxed).newValue) }

    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: ""
        }
    }

    /// Members as text; nested arrays and objects as JSON.
    static func values(_ data: Any?) -> [String: String] {
        guard let object = data as? [String: Any] else { return [:] }
        var values: [String: String] = [:]
        for (key, value) in object {
            if value is [Any] || value is [String: Any] {
                values[key] = (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) }
            } else if !(value is NSNull) {
                values[key] = text(value)
            }
        }
        return values
    }

    /// The exact text of the top-level `data` member, which the platform writes last after
    /// string members (`"data":` cannot occur inside a JSON string: its quotes are escaped).
    static func dataText(_ packet: [UInt8]) -> String? {
        let text = String(decoding: packet, as: UTF8.self)
        guard let marker = text.range(of: "\"data\":"), let end = text.lastIndex(of: "}"), marker.upperBound < end else { return nil }
        return String(text[marker.upperBound..<end])
    }
}
