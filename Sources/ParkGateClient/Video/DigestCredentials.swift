import Crypto
import Foundation

/// The client side of HTTP Digest (RFC 7616): reads a server's `WWW-Authenticate` challenges,
/// picks SHA-256 when offered (else MD5) and writes the `Authorization` answer with `qop=auth`.
public struct DigestCredentials: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        (self.username, self.password) = (username, password)
    }

    /// One parsed `Digest` challenge.
    public struct Challenge: Sendable, Equatable {
        public var realm: String
        public var nonce: String
        public var opaque: String?
        public var algorithm: String
        public var qop: [String]
        public var stale: Bool
    }

    /// The challenges among `headers` (values of `WWW-Authenticate`), strongest first.
    public static func challenges(_ headers: [String]) -> [Challenge] {
        let parsed = headers.compactMap { header -> Challenge? in
            guard header.lowercased().hasPrefix("digest ") else { return nil }
            let fields = parameters(String(header.dropFirst(7)))
            guard let realm = fields["realm"], let nonce = fields["nonce"] else { return nil }
            return Challenge(realm: realm, nonce: nonce, opaque: fields["opaque"], algorithm: fields["algorithm"] ?? "MD5",
                             qop: (fields["qop"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                             stale: fields["stale"]?.lowercased() == "true")
        }
        return parsed.filter { $0.algorithm.uppercased() == "SHA-256" } + parsed.filter { $0.algorithm.uppercased() == "MD5" }
    }

    /// `key=value` and `key="quoted, value"` pairs separated by commas.
    static func parameters(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(character); escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { break } else { value.append(character) }
                }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            fields[key] = value
        }
        return fields
    }

    static func hash(_ algorithm: String, _ text: String) -> String {
        let bytes: [UInt8] = algorithm.uppercased() == "SHA-256" ? Array(SHA256.hash(data: Array(text.utf8))) : Array(Insecure.MD5.hash(data: Array(text.utf8)))
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The `Authorization` value answering `challenge` for `method` and request target `uri`;
    /// `nc` counts this nonce's uses (1 for the first).
    public func authorization(for challenge: Challenge, method: String, uri: String, nc: Int = 1, cnonce: String? = nil) -> String {
        let cnonce = cnonce ?? (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let count = String(format: "%08x", nc)
        let ha1 = Self.hash(challenge.algorithm, "\(username):\(challenge.realm):\(password)")
        let ha2 = Self.hash(challenge.algorithm, "\(method):\(uri)")
        var header = "Digest username=\"\(username)\", realm=\"\(challenge.realm)\", nonce=\"\(challenge.nonce)\", uri=\"\(uri)\", algorithm=\(challenge.algorithm)"
        if challenge.qop.contains("auth") {
            let response = Self.hash(challenge.algorithm, "\(ha1):\(challenge.nonce):\(count):\(cnonce):auth:\(ha2)")
            header += ", qop=auth, nc=\(count), cnonce=\"\(cnonce)\", response=\"\(response)\""
        } else {
            header += ", response=\"\(Self.hash(challenge.algorithm, "\(ha1):\(challenge.nonce):\(ha2)"))\""
        }
        if let opaque = challenge.opaque { header += ", opaque=\"\(opaque)\"" }
        return header
    }
}
