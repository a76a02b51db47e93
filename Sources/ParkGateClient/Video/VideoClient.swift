import AsyncHTTPClient
import Foundation
import NIOCore

/// The device side of the Xiamen platform (附件 2, attachments 1 and 2, section 2): digest
/// login to `authenticate.json` for an `appIdentityKey`, then `keepAlive`, `saveImageData`,
/// `unregister` and `timing` under `/redis/rest/face/` or `/redis/rest/car/`. A vendor can use
/// it as it is; the simulator does.
public struct VideoClient: Sendable {
    public let baseURL: String
    public let credentials: DigestCredentials
    let http: HTTPClient

    public init(baseURL: String, credentials: DigestCredentials, http: HTTPClient) {
        (self.baseURL, self.credentials, self.http) = (baseURL, credentials, http)
    }

    /// One answer: `{"success":…,"result":{"serviceName",…,"errorCode"},"message"}`.
    public struct Answer: Sendable {
        public var status: Int
        public var success: Bool
        public var errorCode: String?
        public var message: String?
        /// `result`'s members as text.
        public var result: [String: String]

        /// What a report counts it as: `ok`, the error code, or `HTTP <status>`.
        public var outcome: String { success ? "ok" : errorCode ?? "HTTP \(status)" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    func path(_ family: String, _ service: String) -> String { "/redis/rest/\(family)/\(service).json" }

    func post(_ uri: String, contentType: String, body: ByteBuffer, authorization: String? = nil) async throws -> (HTTPClientResponse, Answer) {
        var request = HTTPClientRequest(url: baseURL + uri)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(body)
        let response = try await http.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return (response, Self.answer(status: Int(response.status.code), buffer))
    }

    static func answer(status: Int, _ buffer: ByteBuffer) -> Answer {
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
        var result: [String: String] = [:]
        for (key, value) in object["result"] as? [String: Any] ?? [:] { result[key] = "\(value)" }
        return Answer(status: status, success: object["success"] as? Bool ?? false, errorCode: result["errorCode"],
                      message: object["message"] as? String, result: result)
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    /// 2.1: asks once, answers the digest challenge (SHA-256 when offered), returns the answer
    /// with `appIdentityKey` in `result` on success. `nodeID` authenticates a node instead.
    public func authenticate(family: String, deviceID: String? = nil, nodeID: String? = nil) async throws -> Answer {
        let uri = path(family, "authenticate")
        var fields: [(String, String)] = []
        if let deviceID { fields.append(("deviceID", deviceID)) }
        if let nodeID { fields.append(("nodeID", nodeID)) }
        let type = "application/x-www-form-urlencoded"
        let (first, firstAnswer) = try await post(uri, contentType: type, body: Self.form(fields))
        guard first.status.code == 401 else { return firstAnswer }
        guard let challenge = DigestCredentials.challenges(first.headers["WWW-Authenticate"]).first else {
            throw Failure(description: "401 without a Digest challenge")
        }
        return try await post(uri, contentType: type, body: Self.form(fields),
                              authorization: credentials.authorization(for: challenge, method: "POST", uri: uri)).1
    }

    /// 2.2
    public func keepAlive(family: String, deviceID: String, key: String, sentAt: String) async throws -> Answer {
        try await post(path(family, "keepAlive"), contentType: "application/x-www-form-urlencoded",
                       body: Self.form([("deviceID", deviceID), ("appIdentityKey", key), ("statusSendTime", sentAt)])).1
    }

    /// 2.4
    public func unregister(family: String, deviceID: String, key: String) async throws -> Answer {
        try await post(path(family, "unregister"), contentType: "application/x-www-form-urlencoded",
                       body: Self.form([("deviceID", deviceID), ("appIdentityKey", key)])).1
    }

    /// 1 人脸入库 / 车辆入库, as `multipart/form-data` (no percent-encoding of the base64).
    public func saveImageData(family: String, deviceID: String, key: String, imageJsonData: String, nodeID: String? = nil) async throws -> Answer {
        let boundary = "----ParkGateVideo" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var fields = [("imageGateTagCode", deviceID), ("appIdentityKey", key), ("imageJsonData", imageJsonData)]
        if let nodeID { fields.append(("nodeID", nodeID)) }
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n")
            body.writeString(value)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return try await post(path(family, "saveImageData"), contentType: "multipart/form-data; boundary=\(boundary)", body: body).1
    }

    /// 2.3: the platform's time, `yyyy-MM-dd HH:mm:ss`.
    public func timing(family: String) async throws -> String? {
        let response = try await http.execute(HTTPClientRequest(url: baseURL + path(family, "timing")), timeout: .seconds(10))
        return Self.answer(status: Int(response.status.code), try await response.body.collect(upTo: 1 << 16)).result["systemTime"]
    }
}
