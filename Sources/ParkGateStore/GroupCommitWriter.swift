import DequeModule
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Commits concurrent ingest requests in batches: one transaction per batch, and each request
/// is answered only after its batch has committed.
///
/// Batching is natural: while one batch commits, new requests queue; the next batch takes all of
/// them (up to `maxBatch`). A lone request commits at once, so light load pays no batching
/// delay. The queue is bounded: past `capacity` waiting requests `submit` fails at once with
/// `StoreError.overloaded`, and the protocol answers its "too busy" code instead of queuing
/// without limit. On graceful shutdown the writer stops accepting and drains what it holds.
public final class GroupCommitWriter: Service, Sendable {
    typealias Waiter = CheckedContinuation<IngestOutcome, any Error>

    struct State {
        var pending: Deque<(IngestCommand, Waiter)> = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var accepting = true
    }

    public let store: any Store
    public let capacity: Int
    public let maxBatch: Int
    let logger: Logger
    private let state = Mutex(State())
    private let batchSize = Recorder(label: "parkgate_commit_batch_size")
    private let commitTime = Metrics.Timer(label: "parkgate_commit_duration_seconds")
    private let queueDepth = Gauge(label: "parkgate_commit_queue_depth")
    private let rejected = Counter(label: "parkgate_commit_rejected_total")

    public init(store: any Store, capacity: Int = 10_000, maxBatch: Int = 512, logger: Logger) {
        self.store = store
        self.capacity = capacity
        self.maxBatch = maxBatch
        self.logger = logger
    }

    /// Queues one command and returns once it is durably stored (or throws).
    public func submit(_ command: IngestCommand) async throws -> IngestOutcome {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            enum Action { case reject(StoreError), wake(CheckedContinuation<Void, Never>?) }
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
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await commit(batch)
            }
        } onGracefulShutdown: {
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

    private func nextBatch() async -> [(IngestCommand, Waiter)]? {
        while true {
            enum Next { case batch([(IngestCommand, Waiter)]), finished, wait }
            let next = state.withLock { state -> Next in
                if !state.pending.isEmpty {
                    let count = min(maxBatch, state.pending.count)
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

    private func commit(_ batch: [(IngestCommand, Waiter)]) async {
        batchSize.record(batch.count)
        queueDepth.record(queued)
        let start = ContinuousClock.now
        do {
            let outcomes = try await store.ingest(batch.map(\.0))
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
