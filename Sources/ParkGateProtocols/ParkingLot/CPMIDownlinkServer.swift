import Foundation
import Logging
import NIOCore
import NIOPosix
import ParkGateModel
import ParkGateStore
import ServiceLifecycle
import Synchronization

/// T/CPMI's downlink TCP server (B.3, PROFILE "Downlink TCP"): parks connect, log in with their
/// uplink token, and then answer the platform's requests (ACK packets) with REPLY packets.
/// Heartbeats (8) may come this way too.
public struct CPMIDownlinkServer: Service {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 9090
        public var frameLimit = CPMIFrame.defaultLimit
        /// B.3.4's idle times in seconds; 0 turns one off.
        public var readIdleTime: Double = 0
        public var writeIdleTime: Double = 0
        public var allIdleTime: Double = 7200
        /// A connection must log in within this many seconds.
        public var loginTimeout: Double = 30
        /// On shutdown, requests in flight get this long to be answered.
        public var shutdownGrace: Double = 5
        public init() {}
    }

    let configuration: Configuration
    let store: any Store
    let connections: CPMIConnections
    /// Hands an uplink envelope (a heartbeat over TCP) to the HTTP uplink's processing.
    let uplink: @Sendable ([UInt8]) async -> String
    let logger: Logger

    public init(configuration: Configuration, store: any Store, connections: CPMIConnections,
                uplink: @escaping @Sendable ([UInt8]) async -> String, logger: Logger) {
        (self.configuration, self.store, self.connections, self.uplink, self.logger) = (configuration, store, connections, uplink, logger)
    }

    /// PROFILE: a connection logs in with `{"code":"0","token":…,"oprNum":…}`.
    static let loginCode = "0"

    public func run() async throws {
        let configuration = self.configuration
        let logger = self.logger
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    func amount(_ seconds: Double) -> TimeAmount? { seconds > 0 ? .milliseconds(Int64(seconds * 1000)) : nil }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(
                        readTimeout: amount(configuration.readIdleTime), writeTimeout: amount(configuration.writeIdleTime),
                        allTimeout: amount(configuration.allIdleTime)))
                    try sync.addHandler(IdleCloser())
                    try sync.addHandler(ByteToMessageHandler(CPMIFrameDecoder(limit: configuration.frameLimit, logger: logger)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        connections.listening(on: server.channel.localAddress?.port ?? configuration.port)
        logger.info("T/CPMI downlink listening", metadata: ["port": "\(connections.listeningPort)"])
        let serverChannel = server.channel
        let connections = self.connections
        let grace = configuration.shutdownGrace
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await child in inbound {
                            group.addTask { await handle(child) }
                        }
                    }
                }
            } onGracefulShutdown: {
                serverChannel.close(promise: nil)
                Task { await connections.drain(grace: grace) }
            }
        } onCancel: {
            serverChannel.close(promise: nil)
            Task { await connections.drain(grace: 0) }
        }
    }

    /// One connection: login first, then replies, heartbeats and nothing else.
    func handle(_ child: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = child.channel
        connections.opened(channel)
        defer { connections.closed(channel) }
        let loggedIn = Atomic<Bool>(false)
        let loginTimer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(configuration.loginTimeout * 1000))) {
            if !loggedIn.load(ordering: .relaxed) { channel.close(promise: nil) }
        }
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(channel.remoteAddress?.description ?? "?")"
        var bound: CPMIConnection?
        do {
            try await child.executeThenClose { inbound, outbound in
                for try await packet in inbound {
                    let now = Date()
                    let bytes = Array(packet.readableBytesView)
                    let message: CPMIDownlinkMessage
                    do throws(CPMIEnvelope.Refusal) {
                        message = try CPMIDownlinkMessage.parse(bytes)
                    } catch {
                        logger.notice("T/CPMI downlink: unreadable packet", metadata: ["error": "\(error.message)"])
                        try await outbound.write(CPMIFrame.encode(CPMIEnvelope.answer(
                            code: error.code, oprNum: error.oprNum, result: error.result, message: error.message, token: "", secret: nil)))
                        if bound == nil { return }
                        continue
                    }
                    guard let connection = bound else {
                        guard let login = await self.login(message, channel: channel, outbound: outbound, now: now) else {
                            try await outbound.write(CPMIFrame.encode(CPMIEnvelope.answer(
                                code: message.code, oprNum: message.oprNum, result: .tokenInvalid,
                                message: message.code == Self.loginCode ? "token invalid, expired or revoked: log in over HTTP first" : "log in first: {\"code\":\"0\",\"token\":…}",
                                token: "", secret: nil)))
                            return
                        }
                        loggedIn.store(true, ordering: .relaxed)
                        loginTimer.cancel()
                        bound = login
                        logger[metadataKey: "park"] = "\(login.parkCode)"
                        try await outbound.write(CPMIFrame.encode(CPMIEnvelope.answer(
                            code: message.code, oprNum: message.oprNum, result: .success,
                            dataText: "{\"parkCode\":" + JSONText.quote(login.parkCode) + "}", token: login.token, secret: login.secret)))
                        connections.bind(login)
                        logger.info("T/CPMI downlink: park connected")
                        continue
                    }
                    connection.touched(now)
                    if let resultCode = message.resultCode {
                        var reply = CPMIReply(
                            code: message.code, oprNum: message.oprNum, resultCode: resultCode, resultMessage: message.resultMessage,
                            dataText: message.dataText, signatureValid: nil, receivedAt: now)
                        if connection.signatureOn {
                            reply.signatureValid = message.signature.uppercased()
                                == CPMIEnvelope.signature(dataText: message.dataText, token: connection.token, secret: connection.secret)
                        }
                        if !connection.complete(reply) {
                            logger.notice("T/CPMI downlink: reply for no waiting request", metadata: ["oprNum": "\(message.oprNum)", "code": "\(message.code)"])
                        }
                        continue
                    }
                    switch message.code {
                    case CPMIInterface.heartbeat.code:
                        try await outbound.write(CPMIFrame.encode(await uplink(bytes)))
                    case Self.loginCode:
                        try await outbound.write(CPMIFrame.encode(CPMIEnvelope.answer(
                            code: message.code, oprNum: message.oprNum, result: .success,
                            dataText: "{\"parkCode\":" + JSONText.quote(connection.parkCode) + "}", token: connection.token, secret: connection.secret)))
                    default:
                        try await outbound.write(CPMIFrame.encode(CPMIEnvelope.answer(
                            code: message.code, oprNum: message.oprNum, result: .unknownInterface,
                            message: "only login (0), heartbeat (8) and replies travel up the downlink; send \(message.code) to POST /cpmi",
                            token: connection.token, secret: connection.secret)))
                    }
                }
            }
        } catch {
            logger.debug("T/CPMI downlink connection ended", metadata: ["error": "\(error)"])
        }
        loginTimer.cancel()
        if let bound {
            connections.unbind(bound)
            logger.info("T/CPMI downlink: park disconnected")
        }
    }

    /// `{"code":"0","token":…}` with a live T/CPMI token binds the connection to its park.
    func login(_ message: CPMIDownlinkMessage, channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, now: Date) async -> CPMIConnection? {
        guard message.code == Self.loginCode, !message.token.isEmpty,
              let token = try? await store.token(message.token), token.kind == "cpmi", token.expiresAt > now,
              let park = try? await store.park(code: token.subject)
        else { return nil }
        return CPMIConnection(
            parkCode: park.code, token: message.token, secret: park.secret, signatureOn: park.signatureOn,
            channel: channel, outbound: outbound, now: now)
    }
}

/// One packet read off the downlink: a login, heartbeat or REPLY.
struct CPMIDownlinkMessage {
    var code = "", oprNum = "", token = "", signature = "", resultMessage = ""
    var resultCode: String?
    var dataText = "{}"

    static func parse(_ bytes: [UInt8]) throws(CPMIEnvelope.Refusal) -> CPMIDownlinkMessage {
        let members: [(key: String, value: JSONValue, span: Range<Int>)]
        do {
            members = try JSONObjectParser.parseWithSpans(bytes)
        } catch {
            throw CPMIEnvelope.Refusal(result: .badFormat, message: "the packet is not a JSON object (\(error))")
        }
        var message = CPMIDownlinkMessage()
        for member in members {
            let text: String? = if case .string(let value) = member.value { value } else if case .number(let value) = member.value { value } else { nil }
            switch member.key {
            case "code": message.code = text ?? ""
            case "oprNum": message.oprNum = text ?? ""
            case "token": message.token = text ?? ""
            case "signature": message.signature = text ?? ""
            case "resultCode": message.resultCode = text
            case "resultMessage", "ResultMessage": message.resultMessage = text ?? ""
            case "data" where member.value != .null: message.dataText = String(decoding: bytes[member.span], as: UTF8.self)
            default: break
            }
        }
        guard !message.code.isEmpty || message.resultCode != nil, !message.oprNum.isEmpty else {
            throw CPMIEnvelope.Refusal(result: .badFormat, message: "code and oprNum are required", code: message.code, oprNum: message.oprNum)
        }
        return message
    }
}

/// Closes a connection when `IdleStateHandler` reports one of B.3.4's idle times.
final class IdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
