import DequeModule
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The roadside ingest's writer: batches of `IngestCommand` through `Store.ingest`.
public typealias GroupCommitWriter = BatchCommitter<IngestCommand, IngestOutcome>

extension BatchCommitter where Command == IngestCommand, Outcome == IngestOutcome {
    public convenience init(store: any Store, capacity: Int = 10_000, maxBatch: Int = 512, logger: Logger) {
        self.init(capacity: capacity, maxBatch: maxBatch, logger: logger, label: "parkgate_commit") { try await store.ingest($0) }
    }
}

/// The T/CPMI uplink's writer: batches of `ParkingCommand`; two commands touching the same
/// request (`oprNum`), record or park state never share a batch.
public typealias ParkingWriter = BatchCommitter<ParkingCommand, ParkingOutcome>

extension BatchCommitter where Command == ParkingCommand, Outcome == ParkingOutcome {
    public convenience init(store: any Store, capacity: Int = 10_000, maxBatch: Int = 256, logger: Logger) {
        self.init(capacity: capacity, maxBatch: maxBatch, logger: logger, label: "parkgate_cpmi_commit", keys: { $0.conflictKeys }) {
            try await store.recordParkingBatch($0)
        }
    }
}

/// The video platform's writer: keep-alives, logins and uploads mark their devices as heard from,
/// many in one commit.
public typealias VideoTouchWriter = BatchCommitter<VideoTouch, Bool>

extension BatchCommitter where Command == VideoTouch, Outcome == Bool {
    public convenience init(store: any Store, capacity: Int = 10_000, maxBatch: Int = 512, logger: Logger) {
        self.init(capacity: capacity, maxBatch: maxBatch, logger: logger, label: "parkgate_video_touch") { touches in
            try await store.touchVideoDevices(touches)
            return touches.map { _ in true }
        }
    }
}

/// The Henan city platform's passages (`shareDrivingRecord`) with their relay calls; a serial
/// number is in one batch at most.
public typealias HenanPassageWriter = BatchCommitter<HenanPassageCommand, Bool>

extension BatchCommitter where Command == HenanPassageCommand, Outcome == Bool {
    public convenience init(store: any Store, capacity: Int = 10_000, maxBatch: Int = 256, logger: Logger) {
        self.init(capacity: capacity, maxBatch: maxBatch, logger: logger, label: "parkgate_henan_commit", keys: { [$0.passage.lsh] }) {
            try await store.saveHenanPassages($0)
        }
    }
}

/// Commits concurrent requests in batches: one transaction per batch, and each request is
/// answered only after its batch has committed.
///
/// Batching is natural: while one batch commits, new requests queue; the next batch takes all of
/// them (up to `maxBatch`). A lone request commits at once, so light load pays no batching
/// delay. The queue is bounded: past `capacity` waiting requests `submit` fails at once with
/// `StoreError.overloaded`, and the protocol answers its "too busy" code instead of queuing
/// without limit. On graceful shutdown the writer stops accepting and drains what it holds.
public final class BatchCommitter<Command: Sendable, Outcome: Sendable>: Service, Sendable {
    typealias Waiter = CheckedContinuation<Outcome, any Error>

    enum Action { case reject(StoreError), wake(CheckedContinuation<Void, Never>?) }
    enum Next { case batch([(Command, Waiter)]), finished, wait }

    struct State {
        var pending: Deque<(Command, Waiter)> = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var accepting = true
    }

    public let capacity: Int
    public let maxBatch: Int
    let logger: Logger
    /// Keys that must not repeat within one batch (a repeat starts the next batch).
    let keys: @Sendable (Command) -> [String]
    let commitBatch: @Sendable ([Command]) async throws -> [Outcome]
    private let state = Mutex(State())
    private let batchSize: Recorder
    private let commitTime: Metrics.Timer
    private let queueDepth: Gauge
    private let rejected: Counter

    public init(
        capacity: Int, maxBatch: Int, logger: Logger, label: String, keys: @escaping @Sendable (Command) -> [String] = { _ in [] },
        commit: @escaping @Sendable ([Command]) async throws -> [Outcome]
    ) {
        self.capacity = capacity
        self.maxBatch = maxBatch
        self.logger = logger
        self.keys = keys
        self.commitBatch = commit
        batchSize = Recorder(label: "\(label)_batch_size")
        commitTime = Metrics.Timer(label: "\(label)_duration_seconds")
        queueDepth = Gauge(label: "\(label)_queue_depth")
        rejected = Counter(label: "\(label)_rejected_total")
    }

    /// Queues one command and returns once it is durably stored (or throws).
    public func submit(_ command: Command) async throws -> Outcome {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let action = state.withLock { state -> Action in
                guard state.accepting else { return .reject(.shuttingDown) }
                guard state.pending.count < capacity else { return .reject(.overloaded) }
                state.pending.append((command, waiter))
                defer { state.wakeUp = nil }
                return .wake(state.wakeUp)
            }
            switch action {
            case .reject(let error):
                rejected.increment()
                waiter.resume(throwing: error)
            case .wake(let wakeUp):
                wakeUp?.resume()
            }
        }
    }

    /// The number of requests waiting for a commit.
    public var queued: Int { state.withLock { $0.pending.count } }

    public func run() async throws {
        // Cancellation (a service group giving up) ends the wait like a graceful shutdown does:
        // the writer's waits are continuations, which cancellation alone would never resume.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while let batch = await nextBatch() {
                    await commit(batch)
                }
            } onGracefulShutdown: {
                self.stopAccepting()
            }
        } onCancel: {
            self.stopAccepting()
        }
        logger.info("group-commit writer drained")
    }

    /// Stops taking new requests; those already queued are still committed.
    public func stopAccepting() {
        let wakeUp = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.accepting = false
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wakeUp?.resume()
    }

    private func nextBatch() async -> [(Command, Waiter)]? {
        while true {
            let next = state.withLock { state -> Next in
                if !state.pending.isEmpty {
                    var count = 0
                    var seen = Set<String>()
                    while count < min(maxBatch, state.pending.count) {
                        let commandKeys = keys(state.pending[count].0)
                        if count > 0, commandKeys.contains(where: seen.contains) { break }
                        seen.formUnion(commandKeys)
                        count += 1
                    }
                    let batch = Array(state.pending.prefix(count))
                    state.pending.removeFirst(count)
                    return .batch(batch)
                }
                return state.accepting ? .wait : .finished
            }
            switch next {
            case .batch(let batch): return batch
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (wakeUp: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.pending.isEmpty || !state.accepting { return true }
                        state.wakeUp = wakeUp
                        return false
                    }
                    if resumeNow { wakeUp.resume() }
                }
            }
        }
    }

    private func commit(_ batch: [(Command, Waiter)]) async {
        batchSize.record(batch.count)
        queueDepth.record(queued)
        let start = ContinuousClock.now
        do {
            let outcomes = try await commitBatch(batch.map(\.0))
            commitTime.recordInterval(since: start)
            for ((_, waiter), outcome) in zip(batch, outcomes) { waiter.resume(returning: outcome) }
        } catch {
            logger.error("batch of \(batch.count) failed to commit: \(error)")
            for (_, waiter) in batch { waiter.resume(throwing: error) }
        }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
