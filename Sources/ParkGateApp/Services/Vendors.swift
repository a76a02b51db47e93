import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// Registering roadside vendors (`comType`) and their keys.
public struct Vendors: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public enum Failure: Error, CustomStringConvertible {
        case badCode(String), needsCategory(String), badRateLimit
        public var description: String {
            switch self {
            case .badCode(let code): "vendor code \(code) must be three digits (table 4.3)"
            case .needsCategory(let code): "vendor \(code) is not in table 4.3: give --category geomagnetic|video-pile|high-video|mid-video"
            case .badRateLimit: "the rate limit must be 0 (none) or more"
            }
        }
    }

    /// Creates or updates a vendor; fields not given keep their current value.
    @discardableResult
    public func add(
        code: String, key: String?, category: DeviceCategory?, name: String?, rateLimit: Int?, strict: Bool?, now: Date = Date()
    ) async throws -> VendorRecord {
        guard code.count == 3, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { throw Failure.badCode(code) }
        if let rateLimit, rateLimit < 0 { throw Failure.badRateLimit }
        let existing = try await store.vendor(code: code)
        let seed = RoadsideVendorTable.rows.first { $0.code == code }
        guard let category = category ?? existing?.category ?? seed?.category else { throw Failure.needsCategory(code) }
        let record = VendorRecord(
            code: code, name: name ?? existing?.name ?? seed?.name ?? "厂商 \(code)", category: category,
            keyHash: key.map(RoadsideCredentials.hashKey) ?? existing?.keyHash, rateLimit: rateLimit ?? existing?.rateLimit ?? 0,
            strict: strict ?? existing?.strict ?? false, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveVendor(record)
        return record
    }
}
