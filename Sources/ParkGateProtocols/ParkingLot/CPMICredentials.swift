import Foundation
import ParkGateStore
import Synchronization

/// The token → park lookup every T/CPMI request makes, cached for `cacheSeconds` so that the
/// hot path does not read the database twice per request. A login in this process forgets the
/// park's entries at once (its old token is revoked); a park changed elsewhere (its secret or
/// signature switch, another node's login) takes effect within `cacheSeconds`.
final class CPMICredentials: Sendable {
    let store: any Store
    let cacheSeconds: TimeInterval
    private let entries = Mutex<[String: (token: TokenRecord, park: ParkRecord, fetched: Date)]>([:])

    init(store: any Store, cacheSeconds: TimeInterval) {
        (self.store, self.cacheSeconds) = (store, cacheSeconds)
    }

    enum Lookup {
        case live(TokenRecord, ParkRecord)
        case invalidToken
        case noPark
    }

    func lookup(_ value: String, now: Date) async throws -> Lookup {
        guard !value.isEmpty else { return .invalidToken }
        if cacheSeconds > 0, let cached = entries.withLock({ $0[value] }), now.timeIntervalSince(cached.fetched) < cacheSeconds {
            return cached.token.expiresAt > now ? .live(cached.token, cached.park) : .invalidToken
        }
        guard let token = try await store.token(value), token.kind == "cpmi", token.expiresAt > now else { return .invalidToken }
        guard let park = try await store.park(code: token.subject) else { return .noPark }
        if cacheSeconds > 0 {
            entries.withLock { cache in
                if cache.count > 50_000 { cache.removeAll() }
                cache[value] = (token, park, now)
            }
        }
        return .live(token, park)
    }

    /// Drops what is cached for a park (its token was replaced).
    func forget(parkCode: String) {
        entries.withLock { cache in cache = cache.filter { $0.value.park.code != parkCode } }
    }
}
