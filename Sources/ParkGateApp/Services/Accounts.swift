import Foundation
import ParkGateProtocols
import ParkGateStore

/// Operator accounts: slow salted password hashes and bearer tokens for `/api/v1`.
public struct Accounts: Sendable {
    public static let roles: Set<String> = Set(Role.allCases.map(\.rawValue))
    public static let tokenLifetime: TimeInterval = 12 * 3600

    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public enum Failure: Error, CustomStringConvertible {
        case badRole(String), emptyPassword, badUsername, badArea(String)
        public var description: String {
            switch self {
            case .badRole(let role): "unknown role \(role); use one of \(Accounts.roles.sorted().joined(separator: ", "))"
            case .emptyPassword: "the password must not be empty"
            case .badUsername: "the username must be 1–64 characters without spaces"
            case .badArea(let area): "video area \(area) must be the leading 2, 4, 6 or 8 digits of GB/T 28181 ids"
            }
        }
    }

    /// Creates a user, or changes one: a nil password keeps the current one (a new user needs one).
    /// `rounds`: the hash's PBKDF2 rounds (OWASP's minimum by default; tests that create many users use fewer).
    @discardableResult
    public func addUser(
        username: String, password: String?, role: String, scope: RecordScope? = nil, rounds: Int = PasswordHash.rounds, now: Date = Date()
    ) async throws -> UserRecord {
        guard Self.roles.contains(role) else { throw Failure.badRole(role) }
        guard (1...64).contains(username.count), !username.contains(where: { $0.isWhitespace || $0 == "/" }) else { throw Failure.badUsername }
        if let area = scope?.areas.first(where: { ![2, 4, 6, 8].contains($0.count) || !$0.allSatisfy(\.isASCII) || !$0.allSatisfy(\.isNumber) }) {
            throw Failure.badArea(area)
        }
        let existing = try await store.user(named: username)
        let hash: String
        if let password {
            guard !password.isEmpty else { throw Failure.emptyPassword }
            hash = try await PasswordHash.hashed(password, rounds: rounds)
        } else {
            guard let existing else { throw Failure.emptyPassword }
            hash = existing.passwordHash
        }
        let user = UserRecord(
            username: username, passwordHash: hash, role: role, scope: role == Role.scoped.rawValue ? (scope ?? RecordScope()) : nil,
            createdAt: existing?.createdAt ?? now)
        try await store.saveUser(user)
        return user
    }

    /// A bearer token for valid credentials, nil otherwise.
    public func login(username: String, password: String, now: Date = Date()) async throws -> TokenRecord? {
        guard let user = try await store.user(named: username), await PasswordHash.matches(password, user.passwordHash) else {
            return nil
        }
        let value = SecureToken.hex(bytes: 32, uppercase: false)
        let token = TokenRecord(token: value, kind: "api", subject: username, issuedAt: now, expiresAt: now.addingTimeInterval(Self.tokenLifetime))
        try await store.insertToken(token)
        return token
    }

    /// The user a live API token belongs to.
    public func authenticate(token: String, now: Date = Date()) async throws -> UserRecord? {
        guard let record = try await store.token(token), record.kind == "api", record.expiresAt > now else { return nil }
        return try await store.user(named: record.subject)
    }

}
