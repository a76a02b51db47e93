import Foundation
import ParkGateStore

/// The user log: every login and every change, with who, when, what, before and after.
public struct AuditLog: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static func json(_ value: (any Encodable)?) -> String? {
        guard let value else { return nil }
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func record(
        _ username: String, _ action: String, target: String, before: (any Encodable)? = nil, after: (any Encodable)? = nil,
        channel: String, at time: Date = Date()
    ) async throws {
        try await store.appendAudit(AuditEntry(
            at: time, username: username, action: action, target: target, before: Self.json(before), after: Self.json(after),
            channel: channel))
    }
}

/// A vendor as the user log and the API show it: the key's hash never leaves the store.
struct VendorView: Encodable, Sendable {
    let code, name, category, categoryLabel: String
    let hasKey: Bool
    let rateLimit: Int
    let strict: Bool
    let createdAt, updatedAt: Date

    init(_ vendor: VendorRecord) {
        code = vendor.code
        name = vendor.name
        category = vendor.category.rawValue
        categoryLabel = vendor.category.label
        hasKey = vendor.keyHash != nil
        rateLimit = vendor.rateLimit
        strict = vendor.strict
        createdAt = vendor.createdAt
        updatedAt = vendor.updatedAt
    }
}

/// A user as the user log and the API show it: no password hash.
struct UserView: Encodable, Sendable {
    let username, role, roleLabel: String
    let scope: RecordScope?
    let createdAt: Date

    init(_ user: UserRecord) {
        username = user.username
        role = user.role
        roleLabel = user.parsedRole?.label.zh ?? user.role
        scope = user.scope
        createdAt = user.createdAt
    }
}
