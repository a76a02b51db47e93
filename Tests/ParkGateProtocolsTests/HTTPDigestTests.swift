import Foundation
@testable import ParkGateProtocols
import Testing

/// RFC 7616 Digest authentication: the RFC's own examples, then the server's challenge →
/// answer → check cycle with expiry, replays and wrong passwords.
@Suite struct HTTPDigestTests {
    // RFC 7616 section 3.9.1.
    static let rfc = (username: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life", uri: "/dir/index.html",
                      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")

    @Test func theRFCExamples() {
        let r = Self.rfc
        #expect(HTTPDigest.response(algorithm: .md5, username: r.username, realm: r.realm, password: r.password, method: "GET", uri: r.uri,
                                    nonce: r.nonce, nc: "00000001", cnonce: r.cnonce, qop: "auth") == "8ca523f5e9506fed4657c9700eebdbec")
        #expect(HTTPDigest.response(algorithm: .sha256, username: r.username, realm: r.realm, password: r.password, method: "GET", uri: r.uri,
                                    nonce: r.nonce, nc: "00000001", cnonce: r.cnonce, qop: "auth")
            == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        let header = #"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
        let fields = HTTPDigest.parse(header)
        #expect(fields?["algorithm"] == "SHA-256" && fields?["nc"] == "00000001" && fields?.username == "Mufasa" && fields?["qop"] == "auth")
        // RFC 7616 3.4.4: username* in UTF-8.
        #expect(HTTPDigest.parse(#"Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="r""#)?.username == "Jäsøn Doe")
        #expect(HTTPDigest.parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == nil)
        #expect(HTTPDigest.parse(#"Digest username="unterminated"#) == nil)
    }

    /// What a device does with a challenge.
    static func answer(_ challenge: String, username: String = "lpt", password: String = "lpt123", method: String = "POST",
                       uri: String = "/redis/rest/car/authenticate.json", nc: String = "00000001") -> String {
        let fields = HTTPDigest.parse(challenge)!
        let algorithm = HTTPDigest.Algorithm(rawValue: fields["algorithm"]!)!
        let cnonce = "0a4f113b"
        let response = HTTPDigest.response(algorithm: algorithm, username: username, realm: fields["realm"]!, password: password, method: method,
                                           uri: uri, nonce: fields["nonce"]!, nc: nc, cnonce: cnonce, qop: "auth")
        return #"Digest username="\#(username)", realm="\#(fields["realm"]!)", nonce="\#(fields["nonce"]!)", uri="\#(uri)", algorithm=\#(algorithm.rawValue), qop=auth, nc=\#(nc), cnonce="\#(cnonce)", response="\#(response)", opaque="\#(fields["opaque"]!)""#
    }

    @Test func challengeAnswerAndCheck() throws {
        let digest = HTTPDigest(realm: "ParkGate video", nonceLifetime: 300)
        let accounts = ["lpt": "lpt123"]
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let challenges = digest.challenges(now: now)
        #expect(challenges.count == 2 && challenges[0].contains("algorithm=SHA-256") && challenges[1].contains("algorithm=MD5"))
        // Many devices log in at once: challenges of the same millisecond still get nonces of their own.
        let nonces = (0..<100).map { _ in digest.challenges(now: now)[0].split(separator: "nonce=\"")[1].prefix { $0 != "\"" } }
        #expect(Set(nonces).count == 100)
        // Both challenges carry one nonce; each algorithm gets a nonce of its own here.
        for (index, algorithm) in ["SHA-256", "MD5"].enumerated() {
            let challenge = try #require(digest.challenges(now: now.addingTimeInterval(Double(index) / 100)).first { $0.contains("algorithm=\(algorithm),") })
            let header = Self.answer(challenge)
            let uri = "/redis/rest/car/authenticate.json"
            #expect(digest.verify(authorization: header, method: "POST", uri: uri, now: now, password: { accounts[$0] }) == .authenticated(username: "lpt"))
            // The same nonce and count again is a replay; a higher count is fine.
            #expect(digest.verify(authorization: header, method: "POST", uri: uri, now: now, password: { accounts[$0] })
                == .challenge(stale: false, reason: "replayed: nc 00000001 was already used with this nonce"))
            #expect(digest.verify(authorization: Self.answer(challenge, nc: "00000002"), method: "POST", uri: uri, now: now, password: { accounts[$0] })
                == .authenticated(username: "lpt"))
            // Wrong password, unknown account, another URI, another method.
            #expect(digest.verify(authorization: Self.answer(challenge, password: "nope", nc: "00000003"), method: "POST", uri: uri, now: now,
                                  password: { accounts[$0] }) == .challenge(stale: false, reason: "wrong password or response"))
            #expect(digest.verify(authorization: Self.answer(challenge, username: "who", nc: "00000003"), method: "POST", uri: uri, now: now,
                                  password: { accounts[$0] }) == .challenge(stale: false, reason: "unknown account"))
            #expect(digest.verify(authorization: Self.answer(challenge, nc: "00000003"), method: "POST", uri: "/other", now: now,
                                  password: { accounts[$0] }) == .challenge(stale: false, reason: "the credentials are for another URI"))
            #expect(digest.verify(authorization: Self.answer(challenge, nc: "00000003"), method: "GET", uri: uri, now: now,
                                  password: { accounts[$0] }) == .challenge(stale: false, reason: "wrong password or response"))
            // Expired: stale, so the client retries with the new nonce without asking the user.
            #expect(digest.verify(authorization: Self.answer(challenge, nc: "00000004"), method: "POST", uri: uri, now: now.addingTimeInterval(301),
                                  password: { accounts[$0] }) == .challenge(stale: true, reason: "the nonce has expired"))
        }
        // A nonce of another server (or forged) is refused.
        let other = HTTPDigest(realm: "ParkGate video")
        #expect(digest.verify(authorization: Self.answer(other.challenges(now: now)[0]), method: "POST", uri: "/redis/rest/car/authenticate.json",
                              now: now, password: { accounts[$0] }) == .challenge(stale: false, reason: "not a nonce of this server"))
        #expect(digest.verify(authorization: nil, method: "POST", uri: "/", now: now, password: { accounts[$0] })
            == .challenge(stale: false, reason: "no Digest credentials"))
        #expect(digest.challenges(now: now, stale: true)[0].hasSuffix("stale=true"))
    }
}
