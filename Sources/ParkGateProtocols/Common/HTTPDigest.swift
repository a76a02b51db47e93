import Crypto
import Foundation
import ParkGateModel
import Synchronization

/// HTTP Digest access authentication (RFC 7616) for the server side: challenges with
/// SHA-256 and MD5, `qop=auth`, nonces that carry their own time and MAC (so no nonce table
/// is needed to check them), expire after `nonceLifetime` (answered with `stale=true`), and
/// cannot be replayed: each nonce's `nc` must grow. Used by the Xiamen platform's
/// `authenticate` (PROFILE "Xiamen").
public final class HTTPDigest: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case md5 = "MD5"
        case md5Sess = "MD5-sess"
        case sha256 = "SHA-256"
        case sha256Sess = "SHA-256-sess"

        func hash(_ text: String) -> String {
            switch self {
            case .md5, .md5Sess: Hex.string(Insecure.MD5.hash(data: Array(text.utf8)))
            case .sha256, .sha256Sess: Hex.string(SHA256.hash(data: Array(text.utf8)))
            }
        }

        var isSession: Bool { self == .md5Sess || self == .sha256Sess }
    }

    public enum Outcome: Sendable, Equatable {
        case authenticated(username: String)
        /// Send the challenges again; `stale` when only the nonce had expired.
        case challenge(stale: Bool, reason: String)
    }

    public let realm: String
    public let nonceLifetime: TimeInterval
    /// The nonces' MAC key (bytes: `SymmetricKey` is not `Sendable`).
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    let opaque: String
    /// Per nonce: the highest `nc` accepted and when the nonce was issued.
    private let counts = Mutex<[String: (count: UInt64, issued: Date)]>([:])

    public init(realm: String, nonceLifetime: TimeInterval = 300, key: [UInt8]? = nil) {
        (self.realm, self.nonceLifetime) = (realm, nonceLifetime)
        keyBytes = key ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        opaque = Hex.string(SHA256.hash(data: Array(realm.utf8)).prefix(16))
    }

    // MARK: challenges

    /// `WWW-Authenticate` values, SHA-256 first (RFC 7616 3.7: in order of preference).
    public func challenges(now: Date = Date(), stale: Bool = false) -> [String] {
        let nonce = makeNonce(now: now)
        return [Algorithm.sha256, .md5].map { algorithm in
            "Digest realm=\"\(realm)\", qop=\"auth\", algorithm=\(algorithm.rawValue), nonce=\"\(nonce)\", opaque=\"\(opaque)\""
                + (stale ? ", stale=true" : "")
        }
    }

    /// Base64 of the issue time (milliseconds, 8 bytes), 8 random bytes (two challenges in the
    /// same millisecond must not share a nonce: their `nc` counts would collide as replays) and
    /// 16 bytes of the HMAC-SHA256 of both.
    func makeNonce(now: Date) -> String {
        var bytes = Self.timeBytes(now) + (0..<8).map { _ in UInt8.random(in: 0...255) }
        bytes += Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key).prefix(16))
        return Data(bytes).base64EncodedString()
    }

    static func timeBytes(_ date: Date) -> [UInt8] {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        return (0..<8).map { UInt8(truncatingIfNeeded: milliseconds >> (56 - 8 * $0)) }
    }

    /// When a nonce of ours was issued; nil when it is not ours.
    func issued(_ nonce: String) -> Date? {
        guard let data = Data(base64Encoded: nonce), data.count == 32 else { return nil }
        let bytes = Array(data)
        let signed = Array(bytes[0..<16]), mac = Array(bytes[16..<32])
        let expected = Array(HMAC<SHA256>.authenticationCode(for: signed, using: key).prefix(16))
        let time = Array(bytes[0..<8])
        guard Self.constantTimeEqual(mac, expected) else { return nil }
        let milliseconds = time.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    // MARK: verification

    /// Checks an `Authorization` header for `method` and the request target `uri`;
    /// `password` gives an account's password (nil: no such account).
    public func verify(authorization: String?, method: String, uri: String, now: Date = Date(),
                       password: (String) -> String?) -> Outcome {
        verify(authorization: authorization, method: method, uri: uri, now: now) { username, algorithm in
            password(username).map { Self.ha1(algorithm: algorithm, username: username, realm: realm, password: $0) }
        }
    }

    /// H(username:realm:password) with the algorithm's hash: what an account keeps instead of its password.
    public static func ha1(algorithm: Algorithm, username: String, realm: String, password: String) -> String {
        algorithm.hash("\(username):\(realm):\(password)")
    }

    /// The same check with the accounts' stored H(username:realm:password) for the algorithm
    /// (`MD5` for MD5 and MD5-sess, `SHA-256` for the SHA-256 pair); nil: no such account.
    public func verify(authorization: String?, method: String, uri: String, now: Date = Date(),
                       ha1: (String, Algorithm) -> String?) -> Outcome {
        guard let authorization, let fields = Self.parse(authorization) else {
            return .challenge(stale: false, reason: "no Digest credentials")
        }
        guard let username = fields.username, let nonce = fields["nonce"], let response = fields["response"]?.lowercased(),
            let requestURI = fields["uri"]
        else { return .challenge(stale: false, reason: "the credentials lack username, nonce, uri or response") }
        guard fields["realm"] == realm else { return .challenge(stale: false, reason: "wrong realm") }
        guard requestURI == uri else { return .challenge(stale: false, reason: "the credentials are for another URI") }
        guard let algorithm = Algorithm(rawValue: fields["algorithm"] ?? "MD5") else {
            return .challenge(stale: false, reason: "unsupported algorithm \(fields["algorithm"] ?? "")")
        }
        if let echoed = fields["opaque"], echoed != opaque { return .challenge(stale: false, reason: "wrong opaque") }
        if fields["userhash"]?.lowercased() == "true" { return .challenge(stale: false, reason: "userhash is not offered") }
        guard let issued = issued(nonce) else { return .challenge(stale: false, reason: "not a nonce of this server") }
        guard now.timeIntervalSince(issued) <= nonceLifetime, issued.timeIntervalSince(now) < 5 else {
            return .challenge(stale: true, reason: "the nonce has expired")
        }
        let qop = fields["qop"]
        guard qop == nil || qop == "auth" else { return .challenge(stale: false, reason: "only qop=auth is offered") }
        var count: UInt64 = 0
        if qop != nil {
            guard let nc = fields["nc"], nc.count == 8, let value = UInt64(nc, radix: 16), value > 0, fields["cnonce"] != nil else {
                return .challenge(stale: false, reason: "qop=auth needs nc (8 hex digits) and cnonce")
            }
            count = value
        } else if algorithm.isSession {
            return .challenge(stale: false, reason: "a -sess algorithm needs qop=auth")
        }
        guard let stored = ha1(username, algorithm) else { return .challenge(stale: false, reason: "unknown account") }
        let expected = Self.response(
            algorithm: algorithm, ha1: stored, method: method, uri: requestURI, nonce: nonce, nc: fields["nc"], cnonce: fields["cnonce"], qop: qop)
        guard Self.constantTimeEqual(Array(expected.utf8), Array(response.utf8)) else {
            return .challenge(stale: false, reason: "wrong password or response")
        }
        // Replays: the same nonce must come with a higher count each time (without qop, once).
        let fresh = counts.withLock { table -> Bool in
            if table.count > 100_000 { table = table.filter { now.timeIntervalSince($0.value.issued) <= nonceLifetime } }
            if let last = table[nonce], last.count >= count { return false }
            table[nonce] = (count == 0 ? UInt64.max : count, issued)
            return true
        }
        guard fresh else { return .challenge(stale: false, reason: "replayed: nc \(fields["nc"] ?? "") was already used with this nonce") }
        return .authenticated(username: username)
    }

    /// The `response` of RFC 7616 3.4.1 (RFC 2069's form when `qop` is absent).
    public static func response(algorithm: Algorithm, username: String, realm: String, password: String, method: String, uri: String,
                                nonce: String, nc: String?, cnonce: String?, qop: String?) -> String {
        response(algorithm: algorithm, ha1: ha1(algorithm: algorithm, username: username, realm: realm, password: password), method: method,
                 uri: uri, nonce: nonce, nc: nc, cnonce: cnonce, qop: qop)
    }

    static func response(algorithm: Algorithm, ha1: String, method: String, uri: String, nonce: String, nc: String?, cnonce: String?,
                         qop: String?) -> String {
        var a1 = ha1
        if algorithm.isSession { a1 = algorithm.hash("\(a1):\(nonce):\(cnonce ?? "")") }
        let a2 = algorithm.hash("\(method):\(uri)")
        guard let qop else { return algorithm.hash("\(a1):\(nonce):\(a2)") }
        return algorithm.hash("\(a1):\(nonce):\(nc ?? ""):\(cnonce ?? ""):\(qop):\(a2)")
    }

    // MARK: parsing

    /// The username an `Authorization` header names (to look its account up before the check).
    public static func username(in header: String?) -> String? {
        header.flatMap(parse)?.username
    }

    /// The parameters of `Digest k=v, k="v", …` (names lower-cased); nil for another scheme.
    struct Fields {
        var values: [String: String]
        subscript(_ name: String) -> String? { values[name] }

        /// `username`, or RFC 7616's `username*=UTF-8''percent-encoded`.
        var username: String? {
            if let plain = values["username"] { return plain }
            guard let extended = values["username*"], let quote = extended.range(of: "''") else { return nil }
            guard extended[..<quote.lowerBound].uppercased() == "UTF-8" else { return nil }
            return String(extended[quote.upperBound...]).removingPercentEncoding
        }
    }

    static func parse(_ header: String) -> Fields? {
        var scalars = Substring(header).unicodeScalars.drop { $0 == " " }
        guard scalars.count > 6, String(String.UnicodeScalarView(scalars.prefix(6))).lowercased() == "digest",
            scalars.dropFirst(6).first == " "
        else { return nil }
        scalars = scalars.dropFirst(7)
        var values: [String: String] = [:]
        while true {
            scalars = scalars.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard !scalars.isEmpty else { break }
            let name = String(String.UnicodeScalarView(scalars.prefix { $0 != "=" && $0 != " " })).lowercased()
            scalars = scalars.dropFirst(name.unicodeScalars.count).drop { $0 == " " }
            guard scalars.first == "=" else { return nil }
            scalars = scalars.dropFirst().drop { $0 == " " }
            var value = String.UnicodeScalarView()
            if scalars.first == "\"" {
                scalars = scalars.dropFirst()
                var closed = false
                while let scalar = scalars.first {
                    scalars = scalars.dropFirst()
                    if scalar == "\\", let escaped = scalars.first {
                        value.append(escaped)
                        scalars = scalars.dropFirst()
                    } else if scalar == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(scalar)
                    }
                }
                guard closed else { return nil }
            } else {
                let token = scalars.prefix { $0 != "," && $0 != " " }
                value.append(contentsOf: token)
                scalars = scalars.dropFirst(token.count)
            }
            guard !name.isEmpty, values[name] == nil else { return nil }
            values[name] = String(value)
        }
        return Fields(values: values)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
