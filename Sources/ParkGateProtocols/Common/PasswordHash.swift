import Crypto
import Foundation
import _CryptoExtras

/// Slow salted password hashes (PBKDF2-HMAC-SHA256) for operator accounts and parking-lot accounts.
public enum PasswordHash {
    /// OWASP's minimum rounds for this function.
    public static let rounds = 210_000

    public static func make(_ password: String, rounds: Int = rounds) throws -> String {
        var random = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let key = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]),
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            let actual = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        // Constant-time comparison.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `make` off Swift's cooperative threads. 210,000 rounds hold a core for about 0.1 s; on
    /// one of the process's few cooperative threads a burst of logins would stall every request
    /// (ingest included) behind them.
    public static func hashed(_ password: String, rounds: Int = rounds) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try make(password, rounds: rounds) }) }
        }
    }

    /// `verify` off Swift's cooperative threads (see `hashed`).
    public static func matches(_ password: String, _ stored: String) async -> Bool {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: verify(password, against: stored)) }
        }
    }

    private static let queue = DispatchQueue(label: "parkgate.password-hash", qos: .userInitiated, attributes: .concurrent)

    static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}
