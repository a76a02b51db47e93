import Foundation
import Synchronization

/// Time-ordered 63-bit ids, unique across nodes: milliseconds since 2020 (41 bits), a random
/// node number fixed per process (10 bits), a per-millisecond counter (12 bits).
public final class IDGenerator: Sendable {
    private static let epochMs: Int64 = 1_577_836_800_000
    private let node: Int64
    private let state = Mutex<(ms: Int64, counter: Int64)>((0, 0))

    public init(node: Int64 = Int64.random(in: 0..<1024)) {
        self.node = node & 1023
    }

    public func next(now: Date = Date()) -> Int64 {
        let ms = Int64(now.timeIntervalSince1970 * 1000) - Self.epochMs
        let (stamp, counter) = state.withLock { state -> (Int64, Int64) in
            if ms > state.ms {
                state = (ms, 0)
            } else {
                state.counter += 1
                if state.counter > 4095 { state = (state.ms + 1, 0) }
            }
            return (state.ms, state.counter)
        }
        return stamp << 22 | node << 12 | counter
    }

    /// The smallest id that can have been generated at `date` (for time-range queries by id).
    public static func floor(at date: Date) -> Int64 {
        (Int64(date.timeIntervalSince1970 * 1000) - epochMs) << 22
    }
}
