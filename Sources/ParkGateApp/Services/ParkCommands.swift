import Foundation
import Logging
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import ServiceLifecycle
import Synchronization

/// Everything the platform sends to parks over the T/CPMI downlink: each request is kept
/// (who asked, when, what the park answered); requests of the synchronised tables and pushes
/// wait in an outbox while their park is offline and go out in order once it logs in.
public final class ParkCommands: Service, Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case unknownInterface(String)
        case unknownPark(String)
        case invalid([String])

        public var description: String {
            switch self {
            case .unknownInterface(let code): "\(code) is not a downlink interface (9, 10, 11, 12, 16–22, 26, 28, 29, 31)"
            case .unknownPark(let code): "no park \(code)"
            case .invalid(let problems): problems.joined(separator: "; ")
            }
        }
    }

    let store: any Store
    let connections: CPMIConnections
    let time: ChinaTime
    let logger: Logger
    /// Section 5: a failed synchronisation is repeated after 10 minutes.
    let retryInterval: Double
    /// Durable requests the park keeps refusing stop after this many attempts.
    let maxAttempts: Int
    /// Seconds added to every interface's reply limit (section 5's 2 s for a gate, 30 s for a
    /// push …), for lots on slow links; 0 keeps the document's limits.
    let replyGrace: Double
    let sweepInterval: Double
    let isReady: @Sendable () -> Bool
    private let flushing = Mutex<(running: Set<String>, again: Set<String>)>(([], []))

    public init(store: any Store, connections: CPMIConnections, time: ChinaTime, retryInterval: Double = 600, maxAttempts: Int = 10,
                replyGrace: Double = 0, sweepInterval: Double = 5, isReady: @escaping @Sendable () -> Bool = { true }, logger: Logger) {
        self.isReady = isReady
        (self.store, self.connections, self.time, self.logger) = (store, connections, time, logger)
        (self.retryInterval, self.maxAttempts, self.sweepInterval) = (retryInterval, maxAttempts, sweepInterval)
        self.replyGrace = replyGrace
    }

    // MARK: asking

    /// Seconds the park has to reply to a request of this interface.
    func replyLimit(_ spec: CPMIDownlinkSpec) -> Double { spec.timeout + replyGrace }

    /// Records a request and, when its park is online, sends it and waits for the reply (a
    /// durable request goes through the park's outbox so that order is kept). Returns the
    /// request as it stands: `succeeded`/`failed` with the park's answer, `timeout`, `offline`
    /// (refused), or `queued`.
    public func send(parkCode: String, code: String, dataText: String, by username: String, now: Date = Date()) async throws -> ParkCommandRecord {
        let values = CPMIDownlinkSpec.values(dataText)
        guard let spec = CPMIDownlinkSpec.spec(code: code) else { throw Failure.unknownInterface(code) }
        guard try await store.park(code: parkCode) != nil else { throw Failure.unknownPark(parkCode) }
        let problems = spec.problems(values)
        guard problems.isEmpty else { throw Failure.invalid(problems) }
        let id = store.newCommandId(now: now)
        var command = ParkCommandRecord(
            id: id, parkCode: parkCode, code: code, oprNum: "PG" + String(id), data: CPMIDownlinkSpec.data(dataText, parkCode: parkCode, values: values),
            durable: spec.durable, status: .queued, requestedBy: username, requestedAt: now,
            expiresAt: spec.durable ? nil : now.addingTimeInterval(replyLimit(spec)))
        if spec.durable {
            try await store.saveCommand(command)
            guard connections.isConnected(parkCode) else { return command }
            kick(parkCode)
            return try await awaitOutcome(id: id, within: replyLimit(spec) + 2)
        }
        guard connections.isConnected(parkCode) else {
            command.status = .offline
            command.error = CPMIDownlinkError.notConnected(parkCode).description
            try await store.saveCommand(command)
            return command
        }
        return try await deliver(command, spec: spec)
    }

    /// Puts a durable request in the park's outbox without waiting for it (the blacklist and
    /// other fan-outs to many parks).
    public func enqueue(parkCode: String, code: String, dataText: String, by username: String, now: Date = Date()) async throws -> ParkCommandRecord {
        let command = try await Self.queue(in: store, parkCode: parkCode, code: code, dataText: dataText, by: username, now: now)
        if connections.isConnected(parkCode) { kick(parkCode) }
        return command
    }

    /// Stores a durable request as queued; the running platform's outbox sweep sends it (how
    /// commands run outside the server, such as `parkgate member add`, reach the parks).
    public static func queue(in store: any Store, parkCode: String, code: String, dataText: String, by username: String, now: Date = Date()) async throws -> ParkCommandRecord {
        guard let spec = CPMIDownlinkSpec.spec(code: code), spec.durable else { throw Failure.unknownInterface(code) }
        let id = store.newCommandId(now: now)
        let command = ParkCommandRecord(
            id: id, parkCode: parkCode, code: code, oprNum: "PG" + String(id), data: CPMIDownlinkSpec.data(dataText, parkCode: parkCode, values: CPMIDownlinkSpec.values(dataText)),
            durable: true, status: .queued, requestedBy: username, requestedAt: now)
        try await store.saveCommand(command)
        return command
    }

    /// Polls the stored request until its fate is known or `within` seconds pass.
    func awaitOutcome(id: Int64, within seconds: Double) async throws -> ParkCommandRecord {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            guard let command = try await store.command(id: id) else { throw Failure.invalid(["request \(id) vanished"]) }
            let settled = command.status != .queued && command.status != .sent
            if settled || Date() >= deadline { return command }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends one request, waits for the reply and keeps the outcome.
    @discardableResult
    func deliver(_ original: ParkCommandRecord, spec: CPMIDownlinkSpec) async throws -> ParkCommandRecord {
        var command = original
        let sentAt = Date()
        command.attempts += 1
        (command.status, command.sentAt) = (.sent, sentAt)
        try await store.saveCommand(command)
        do {
            let reply = try await connections.request(
                parkCode: command.parkCode, code: command.code, oprNum: command.oprNum, dataText: command.data, timeout: replyLimit(spec))
            (command.repliedAt, command.resultCode, command.resultMessage, command.replyData) = (reply.receivedAt, reply.resultCode, reply.resultMessage, reply.dataText)
            command.error = nil
            if reply.signatureValid == false {
                command.status = .failed
                command.error = "\(CPMIResult.badSignature.rawValue): the reply's signature does not match MD5(data + token + secret)"
            } else if reply.resultCode == CPMIResult.success.rawValue {
                command.status = .succeeded
                try await accepted(command, spec: spec)
            } else {
                command.status = .failed
            }
            if command.code == CPMIInterface.feeQuery.code {
                let check = try await checkFee(command)
                command.checked = check.json
                if let mismatch = check.mismatch {
                    // In the alarm inbox, so that an auditor sees lots that charge other than their tariff.
                    try await store.raiseParkAlarm(
                        kind: "fee-mismatch", code: command.code, parkCode: command.parkCode, subject: CPMIDownlinkSpec.values(command.data)["recordCode"] ?? "",
                        messageId: command.oprNum, description: mismatch, at: command.repliedAt ?? Date())
                }
            }
        } catch let error as CPMIDownlinkError {
            command.error = error.description
            switch error {
            case .timeout: command.status = .timeout
            case .notConnected, .connectionClosed, .shuttingDown: command.status = spec.durable ? .queued : .offline
            }
        }
        if spec.durable, command.status != .succeeded {
            // The outbox tries again: at once when the park reconnects, after the retry interval otherwise.
            if command.attempts >= maxAttempts {
                if command.status == .queued { command.status = .failed }
            } else {
                let reconnecting = command.status == .queued
                command.status = .queued
                command.nextAttemptAt = reconnecting ? nil : Date().addingTimeInterval(retryInterval)
            }
        }
        try await store.saveCommand(command)
        logger.info("T/CPMI downlink request", metadata: [
            "park": "\(command.parkCode)", "code": "\(command.code)", "oprNum": "\(command.oprNum)", "status": "\(command.status.rawValue)",
            "ms": "\(Int(Date().timeIntervalSince(sentAt) * 1000))",
        ])
        return command
    }

    /// What a park accepted becomes the platform's record of its synchronised tables.
    func accepted(_ command: ParkCommandRecord, spec: CPMIDownlinkSpec) async throws {
        let values = CPMIDownlinkSpec.values(command.data)
        switch spec.interface {
        case .prepayment:
            // The platform collected it: auto-pay and the fee check count it like the lot's own.
            try await store.savePlatformPrepayment(parkCode: command.parkCode, CPMIDownlinkSpec.prepayment(values, time: time), at: Date())
            return
        case .invoice:
            let invoice = InvoiceIssued(
                recordCode: values["recordCode"] ?? "", invoiceCode: values["invoiceCode"] ?? "",
                payment: values["payment"].flatMap { Money($0) } ?? Money(fen: 0))
            try await store.savePlatformInvoice(parkCode: command.parkCode, invoice, at: Date())
            return
        default: break
        }
        guard let entry = spec.syncEntry(values) else { return }
        try await store.savePlatformSyncEntry(
            parkCode: command.parkCode, interface: command.code, key: entry.key, values: entry.values, removed: entry.removed, at: Date())
    }

    // MARK: the outbox

    /// Sends what waits for a park, in order, one at a time (at most one flush per park runs).
    public func kick(_ parkCode: String) {
        let start = flushing.withLock { state -> Bool in
            if state.running.contains(parkCode) {
                state.again.insert(parkCode)
                return false
            }
            state.running.insert(parkCode)
            return true
        }
        guard start else { return }
        Task { await flush(parkCode) }
    }

    func flush(_ parkCode: String) async {
        while true {
            do {
                let due = try await store.dueCommands(parkCode: parkCode, now: Date(), limit: 100)
                for command in due {
                    guard connections.isConnected(parkCode), let spec = CPMIDownlinkSpec.spec(code: command.code) else { break }
                    try await deliver(command, spec: spec)
                }
            } catch {
                logger.error("T/CPMI outbox flush failed", metadata: ["park": "\(parkCode)", "error": "\(error)"])
            }
            let again = flushing.withLock { state -> Bool in
                if state.again.remove(parkCode) != nil { return true }
                state.running.remove(parkCode)
                return false
            }
            if !again { return }
        }
    }

    public func run() async throws {
        // The schema is ready only once the platform has prepared it (before the HTTP server starts).
        while !isReady() {
            if Task.isCancelledOrShuttingDown { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
        }
        connections.whenConnected { [self] park in kick(park) }
        var requeued = false
        while !Task.isCancelledOrShuttingDown {
            do {
                if !requeued {
                    try await store.requeueInterruptedCommands(now: Date())
                    requeued = true
                }
                let due = try await store.dueCommands(parkCode: nil, now: Date(), limit: 1000)
                for park in Set(due.map(\.parkCode)) where connections.isConnected(park) { kick(park) }
            } catch {
                logger.error("T/CPMI outbox sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { [sweepInterval] in try await Task.sleep(for: .milliseconds(Int64(sweepInterval * 1000))) }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
