import Crypto
import Foundation
import ParkGateModel
import ParkGateStore
import Synchronization

/// Vendors, their keys and the tokens they are issued, with the caches the hot path needs.
///
/// Tokens are immutable once issued, so a positive lookup is cached until it expires. Vendors
/// are cached for `vendorCacheSeconds`, so a key or limit changed by `parkgate vendor add`
/// while the server runs takes effect within that time (the token endpoint always reads fresh).
public final class RoadsideCredentials: Sendable {
    public let store: any Store
    public let tokenLifetime: TimeInterval
    public let vendorCacheSeconds: TimeInterval
    private let tokens = Mutex<[String: TokenRecord]>([:])
    private let vendors = Mutex<[String: (record: VendorRecord?, fetched: Date)]>([:])
    private let buckets = Mutex<[String: (level: Double, at: ContinuousClock.Instant)]>([:])

    public init(store: any Store, tokenLifetime: TimeInterval = 3600, vendorCacheSeconds: TimeInterval = 2) {
        self.store = store
        self.tokenLifetime = tokenLifetime
        self.vendorCacheSeconds = vendorCacheSeconds
    }

    public static func hashKey(_ key: String) -> String {
        Hex.string(SHA256.hash(data: Data(key.utf8)))
    }

    /// 32 upper-case hex characters from the system's secure generator.
    public static func newToken() -> String {
        SecureToken.hex()
    }

    /// The vendor `comType` names, from the cache when fresh.
    public func vendor(_ code: String, now: Date = Date(), fresh: Bool = false) async throws -> VendorRecord? {
        if !fresh, let cached = vendors.withLock({ $0[code] }), now.timeIntervalSince(cached.fetched) < vendorCacheSeconds {
            return cached.record
        }
        let record = try await store.vendor(code: code)
        vendors.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[code] = (record, now)
        }
        return record
    }

    /// Issues a token for a vendor whose key matches; stored before it is returned.
    public func issueToken(comType: String, comKey: String, now: Date = Date()) async throws -> TokenRecord? {
        guard let vendor = try await vendor(comType, now: now, fresh: true), let hash = vendor.keyHash,
            hash == Self.hashKey(comKey)
        else { return nil }
        let token = TokenRecord(
            token: Self.newToken(), kind: "roadside", subject: vendor.code, issuedAt: now,
            expiresAt: now.addingTimeInterval(tokenLifetime))
        try await store.insertToken(token)
        tokens.withLock { cache in
            if cache.count > 100_000 { cache = cache.filter { $0.value.expiresAt > now } }
            cache[token.token] = token
        }
        return token
    }

    /// The live roadside token with this value, if any.
    public func liveToken(_ value: String, now: Date = Date()) async throws -> TokenRecord? {
        if let cached = tokens.withLock({ $0[value] }) {
            return cached.expiresAt > now ? cached : nil
        }
        guard let record = try await store.token(value), record.kind == "roadside" else { return nil }
        tokens.withLock { cache in
            if cache.count > 100_000 { cache = cache.filter { $0.value.expiresAt > now } }
            cache[value] = record
        }
        return record.expiresAt > now ? record : nil
    }

    /// Token bucket per vendor: `limit` requests per second with a burst of `limit`.
    public func admit(vendor: String, limit: Int) -> Bool {
        guard limit > 0 else { return true }
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            var bucket = buckets[vendor] ?? (Double(limit), now)
            let elapsed = now - bucket.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.level = min(Double(limit), bucket.level + seconds * Double(limit))
            bucket.at = now
            let admitted = bucket.level >= 1
            if admitted { bucket.level -= 1 }
            buckets[vendor] = bucket
            return admitted
        }
    }
}
