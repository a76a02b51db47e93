import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// A city platform's client of the provincial methods (section 4.2): POST
/// `{base}/ysgk/restapi/province/{MethodName}` with a JSON body, answered `result/err/data`.
public struct HenanProvinceClient: Sendable {
    public let base: String
    let http: HTTPClient
    let timeout: TimeAmount

    public init(base: String, http: HTTPClient = .shared, timeout: TimeAmount = .seconds(15)) {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        (self.base, self.http, self.timeout) = (trimmed, http, timeout)
    }

    /// The province's answer: `success` with its `data` (an object as one row, a list as its
    /// rows; text members only), or `fail` with its `err`.
    public enum Answer: Sendable {
        case success(data: [[String: String]])
        case fail(String)
    }

    /// The province could not be reached or did not answer in the document's form: try later.
    public struct Unreachable: Error, CustomStringConvertible {
        public let description: String
    }

    public func call(_ method: String, _ body: [String: Any]) async throws -> Answer {
        var request = HTTPClientRequest(url: base + "/ysgk/restapi/province/" + method)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 8 << 20)
        } catch {
            throw Unreachable(description: "\(method): \(error)")
        }
        guard response.status == .ok else { throw Unreachable(description: "\(method): HTTP \(response.status.code)") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any], let result = object["result"] as? String else {
            throw Unreachable(description: "\(method): not a result/err/data answer")
        }
        guard result == "success" else { return .fail(object["err"] as? String ?? "fail") }
        let rows = (object["data"] as? [[String: Any]]) ?? (object["data"] as? [String: Any]).map { [$0] } ?? []
        return .success(data: rows.map { $0.compactMapValues { $0 as? String } })
    }

    /// 4.2.1: the token and when it expires (`yyyyMMddHHmmss`, China time).
    public func authorise(orgSecret: String, username: String, password: String) async throws -> (token: String, expire: String?) {
        switch try await call("GetAuthorizationOrg", ["orgSecretCode": orgSecret, "username": username, "pwd": password]) {
        case .success(let data):
            guard let token = data.first?["accessToken"] else { throw Unreachable(description: "GetAuthorizationOrg: no accessToken in the answer") }
            return (token, data.first?["expire"])
        case .fail(let reason):
            throw Unreachable(description: "GetAuthorizationOrg refused: \(reason)")
        }
    }
}
