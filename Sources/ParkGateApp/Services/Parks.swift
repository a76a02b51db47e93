import Foundation
import ParkGateProtocols
import ParkGateStore

/// Registering parking lots (T/CPMI) and their accounts: one place for the CLI, the API and the console.
public struct Parks: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Creates or changes a park; a nil password or secret keeps the current one (a new park needs a password).
    @discardableResult
    public func save(code: String, name: String?, total: Int?, account: String?, password: String?, secret: String?,
                     signatureOn: Bool?, now: Date = Date()) async throws -> ParkRecord {
        guard (1...50).contains(code.count), code.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }) else {
            throw Invalid(description: "the park code must be 1–50 letters, digits, - or _")
        }
        let existing = try await store.park(code: code)
        guard let total = total ?? existing?.totalSpaces, total > 0 else { throw Invalid(description: "total spaces must be more than 0") }
        guard let account = account ?? existing?.account, !account.isEmpty else { throw Invalid(description: "an account (parkUserName) is required") }
        if let other = try await store.park(account: account), other.code != code {
            throw Invalid(description: "account \(account) belongs to park \(other.code)")
        }
        let hash: String
        if let password, !password.isEmpty {
            hash = try await PasswordHash.hashed(password)
        } else if let existing {
            hash = existing.passwordHash
        } else {
            throw Invalid(description: "a new park needs a password")
        }
        let park = ParkRecord(
            code: code, name: name ?? existing?.name ?? code, totalSpaces: total, emptySpaces: existing?.emptySpaces, account: account,
            passwordHash: hash, secret: secret.flatMap { $0.isEmpty ? nil : $0 } ?? existing?.secret,
            signatureOn: signatureOn ?? existing?.signatureOn ?? true, weather: existing?.weather, situation: existing?.situation,
            lastHeartbeat: existing?.lastHeartbeat, online: existing?.online ?? false, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.savePark(park)
        return park
    }
}
