import Foundation
import Synchronization

/// What the Henan interfaces read on every request and rarely changes (tokens, the organ's
/// enterprise and gates, the control projects), kept for `seconds` (`henan.cacheSeconds`,
/// default 2; 0: off). A change made in this process is seen at once where it forgets the entry;
/// one made elsewhere (the CLI, another node) within `seconds`.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let seconds: TimeInterval
    private let entries = Mutex<[Key: (value: Value, fetched: Date)]>([:])

    init(seconds: TimeInterval) { self.seconds = seconds }

    func value(_ key: Key, now: Date, fetch: () async throws -> Value) async throws -> Value {
        if seconds > 0, let cached = entries.withLock({ $0[key] }), now.timeIntervalSince(cached.fetched) < seconds { return cached.value }
        let value = try await fetch()
        if seconds > 0 {
            entries.withLock { cache in
                if cache.count > 50_000 { cache.removeAll() }
                cache[key] = (value, now)
            }
        }
        return value
    }

    func forget(_ key: Key) { _ = entries.withLock { $0.removeValue(forKey: key) } }
}
