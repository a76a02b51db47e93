import Foundation
import NIOCore
import ParkGateModel
import Synchronization

/// A park's answer (REPLY packet, B.3.3) to a platform request.
public struct CPMIReply: Sendable, Hashable {
    public var code: String
    public var oprNum: String
    public var resultCode: String
    public var resultMessage: String
    /// The exact text of `data` ("{}" when absent).
    public var dataText: String
    /// nil when the park does not sign; otherwise whether the signature matched.
    public var signatureValid: Bool?
    public var receivedAt: Date
}

public enum CPMIDownlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    case notConnected(String)
    case timeout(seconds: Double)
    case connectionClosed
    case shuttingDown

    public var description: String {
        switch self {
        case .notConnected(let park): "park \(park) is not connected to the downlink"
        case .timeout(let seconds): "no reply within \(seconds) s"
        case .connectionClosed: "the park's connection closed before it replied"
        case .shuttingDown: "the platform is shutting down"
        }
    }
}

/// One logged-in park connection.
public final class CPMIConnection: Sendable {
    public let parkCode: String
    public let remoteAddress: String
    public let connectedAt: Date
    /// The uplink token it logged in with (the signatures' token).
    let token: String
    let secret: String?
    let signatureOn: Bool
    let channel: any Channel
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let pending = Mutex<[String: EventLoopPromise<CPMIReply>]>([:])
    private let lastReadMs = Atomic<Int64>(0)

    init(parkCode: String, token: String, secret: String?, signatureOn: Bool, channel: any Channel,
         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, now: Date) {
        (self.parkCode, self.token, self.secret, self.signatureOn) = (parkCode, token, secret, signatureOn)
        (self.channel, self.outbound, self.connectedAt) = (channel, outbound, now)
        remoteAddress = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        lastReadMs.store(Int64(now.timeIntervalSince1970 * 1000), ordering: .relaxed)
    }

    public var pendingCount: Int { pending.withLock { $0.count } }
    public var lastRead: Date { Date(timeIntervalSince1970: Double(lastReadMs.load(ordering: .relaxed)) / 1000) }

    func touched(_ now: Date) { lastReadMs.store(Int64(now.timeIntervalSince1970 * 1000), ordering: .relaxed) }

    /// Sends one ACK packet and waits for the REPLY with the same `oprNum`. A park that does not
    /// take the packet off the wire within the timeout is disconnected (it is not reading).
    func request(code: String, oprNum: String, dataText: String, timeout: Double) async throws -> CPMIReply {
        let signature = CPMIEnvelope.signature(dataText: dataText, token: token, secret: secret)
        let packet = "{\"code\":" + JSONText.quote(code) + ",\"oprNum\":" + JSONText.quote(oprNum)
            + ",\"signature\":" + JSONText.quote(signature) + ",\"data\":" + dataText + "}"
        let promise = channel.eventLoop.makePromise(of: CPMIReply.self)
        let written = Atomic<Bool>(false)
        pending.withLock { $0[oprNum] = promise }
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { [self] in
            if let waiting = take(oprNum) {
                waiting.fail(CPMIDownlinkError.timeout(seconds: timeout))
                if !written.load(ordering: .relaxed) { channel.close(promise: nil) }
            }
        }
        do {
            try await outbound.write(CPMIFrame.encode(packet))
            written.store(true, ordering: .relaxed)
        } catch {
            timer.cancel()
            take(oprNum)?.fail(CPMIDownlinkError.connectionClosed)
        }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }

    @discardableResult func take(_ oprNum: String) -> EventLoopPromise<CPMIReply>? {
        pending.withLock { $0.removeValue(forKey: oprNum) }
    }

    /// Completes the request waiting for this reply; false for an `oprNum` nobody waits for.
    func complete(_ reply: CPMIReply) -> Bool {
        guard let promise = take(reply.oprNum) else { return false }
        promise.succeed(reply)
        return true
    }

    func failAll() {
        let all = pending.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for promise in all { promise.fail(CPMIDownlinkError.connectionClosed) }
    }
}

/// The live downlink connections, one per park: a new login for a park replaces (and closes)
/// the old connection.
public final class CPMIConnections: Sendable {
    public struct Info: Sendable, Encodable, Hashable {
        public var parkCode: String
        public var remoteAddress: String
        public var connectedAt: Date
        public var lastRead: Date
        public var pending: Int
    }

    private let table = Mutex<[String: CPMIConnection]>([:])
    /// Every open channel, logged in or not (closed on shutdown).
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let closing = Atomic<Bool>(false)
    private let port = Atomic<Int>(0)
    private let onConnect = Mutex<(@Sendable (String) -> Void)?>(nil)

    public init() {}

    /// The port the downlink server listens on (0 until it listens).
    public var listeningPort: Int { port.load(ordering: .relaxed) }
    func listening(on port: Int) { self.port.store(port, ordering: .relaxed) }

    /// Called with the park code after each successful login (to send what waits for it).
    public func whenConnected(_ handler: @escaping @Sendable (String) -> Void) { onConnect.withLock { $0 = handler } }

    public var count: Int { table.withLock { $0.count } }
    public var isShuttingDown: Bool { closing.load(ordering: .relaxed) }

    public func isConnected(_ parkCode: String) -> Bool { table.withLock { $0[parkCode] != nil } }

    public func info(_ parkCode: String) -> Info? { table.withLock { $0[parkCode] }.map(Self.info) }
    public func all() -> [Info] { table.withLock { Array($0.values) }.map(Self.info).sorted { $0.parkCode < $1.parkCode } }

    static func info(_ connection: CPMIConnection) -> Info {
        Info(parkCode: connection.parkCode, remoteAddress: connection.remoteAddress, connectedAt: connection.connectedAt,
             lastRead: connection.lastRead, pending: connection.pendingCount)
    }

    /// Sends a request to the park's live connection and waits for its reply.
    public func request(parkCode: String, code: String, oprNum: String, dataText: String, timeout: Double) async throws -> CPMIReply {
        guard !isShuttingDown else { throw CPMIDownlinkError.shuttingDown }
        guard let connection = table.withLock({ $0[parkCode] }) else { throw CPMIDownlinkError.notConnected(parkCode) }
        return try await connection.request(code: code, oprNum: oprNum, dataText: dataText, timeout: timeout)
    }

    func opened(_ channel: any Channel) {
        if closing.load(ordering: .relaxed) { channel.close(promise: nil) }
        open.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func closed(_ channel: any Channel) { _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }

    /// Open connections, logged in or not.
    public var openCount: Int { open.withLock { $0.count } }

    /// Binds a logged-in connection to its park; the connection it replaces is closed.
    func bind(_ connection: CPMIConnection) {
        let old = table.withLock { table in
            defer { table[connection.parkCode] = connection }
            return table[connection.parkCode]
        }
        if let old, old !== connection {
            old.failAll()
            old.channel.close(promise: nil)
        }
        let handler = onConnect.withLock { $0 }
        handler?(connection.parkCode)
    }

    func unbind(_ connection: CPMIConnection) {
        table.withLock { table in
            if table[connection.parkCode] === connection { table[connection.parkCode] = nil }
        }
        connection.failAll()
    }

    /// Graceful shutdown: refuse new requests, let those in flight finish (up to `grace`
    /// seconds), then close every connection.
    func drain(grace: Double) async {
        closing.store(true, ordering: .relaxed)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, table.withLock({ $0.values.contains { $0.pendingCount > 0 } }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for channel in open.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}
