import Foundation
import Hummingbird
import Logging
import NIOCore
import ParkGateModel
import ParkGateStore

/// The Xiamen platform's device interfaces (附件 2's attachments 1 and 2, section 2) for both
/// families, `/redis/rest/face/` and `/redis/rest/car/`: `authenticate.json` behind HTTP
/// Digest, then `keepAlive.json`, `timing.json` and `unregister.json` with the
/// `appIdentityKey` it issues (24 hours). Parameters come as form fields or a JSON object.
public struct VideoGateway: Sendable {
    let store: any Store
    let digest: HTTPDigest
    let time: ChinaTime
    let keyLifetime: TimeInterval
    let blobs: BlobStore
    /// Largest decoded image (bytes).
    let imageLimit: Int
    let logger: Logger
    /// Marks a device as heard from, durably, before the answer (the server batches these
    /// through `VideoTouchWriter`: one commit for many keep-alives).
    let touch: @Sendable (String, Date) async throws -> Void

    public init(store: any Store, blobs: BlobStore, time: ChinaTime = ChinaTime(), nonceLifetime: TimeInterval = 300, keyLifetime: TimeInterval = 86_400,
                imageLimit: Int = 5 << 20, touches: VideoTouchWriter? = nil, logger: Logger) {
        (self.store, self.blobs, self.time, self.keyLifetime, self.imageLimit, self.logger) = (store, blobs, time, keyLifetime, imageLimit, logger)
        digest = HTTPDigest(realm: VideoPlatform.realm, nonceLifetime: nonceLifetime)
        touch = { [store] id, time in
            guard let touches else { return try await store.touchVideoDevice(id: id, at: time) }
            do {
                _ = try await touches.submit(VideoTouch(id: id, at: time))
            } catch StoreError.overloaded {
                // The document has no code for a busy platform: HTTP 503, and the device tries again.
                throw HTTPError(.serviceUnavailable, message: "the platform is busy: try again")
            }
        }
    }

    /// The document's error codes.
    public enum ErrorCode: String, Sendable {
        /// 设备未注册
        case notRegistered = "EC000"
        /// 接口服务未认证
        case notAuthenticated = "EC001"
        /// 接口服务认证过期
        case expired = "EC002"
        /// 认证无效
        case invalid = "EC003"
    }

    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    static func success(_ service: String, _ extra: [(String, String)] = []) -> String {
        "{\"success\":true,\"result\":" + JSONText.object([("serviceName", service)] + extra) + "}"
    }

    static func failure(_ service: String, _ failure: Failure) -> String {
        "{\"success\":false,\"result\":" + JSONText.object([("serviceName", service), ("errorCode", failure.code.rawValue)])
            + ",\"message\":" + JSONText.quote(failure.message) + "}"
    }

    /// A refused request is answered and goes into the device's log (section 三(一) 设备日志),
    /// whether the ledger knows the id or not: an operator sees who is knocking.
    func refuse(_ service: String, id: String?, _ failure: Failure, now: Date) async throws -> String {
        try await log(id, "error", "\(service): \(failure.code.rawValue) \(failure.message)", now: now)
        return Self.failure(service, failure)
    }

    func log(_ id: String?, _ kind: String, _ detail: String, now: Date) async throws {
        guard let id, !id.isEmpty else { return }
        try await store.appendVideoDeviceEvent(VideoDeviceEvent(id: 0, deviceId: String(id.prefix(64)), at: now, kind: kind, detail: detail))
    }

    /// The named parameters of a form, multipart or JSON body (JSON members as text).
    static func parameters(_ names: [String], contentType: String?, body: [UInt8]) -> [String: String] {
        let encoding = WireBody.encoding(contentType: contentType, body: body)
        var values: [String: String] = [:]
        if encoding == .json {
            guard let members = try? JSONObjectParser.parse(body) else { return [:] }
            for (key, value) in members where names.contains(key) {
                switch value {
                case .string(let text), .number(let text): values[key] = text
                default: break
                }
            }
            return values
        }
        for name in names {
            if let bytes = try? WireBody.parameter(name, in: body, encoding: encoding) { values[name] = String(decoding: bytes, as: UTF8.self) }
        }
        return values
    }

    // MARK: the interfaces

    /// 2.1: digest first; then the device (or node) must be in the ledger; a new key replaces
    /// the id's previous one.
    func authenticate(_ values: [String: String], username: String, now: Date) async throws -> String {
        let node = values["nodeID"].flatMap { $0.isEmpty ? nil : $0 }
        guard let id = node ?? values["deviceID"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return Self.failure("authenticate", Failure(code: .notRegistered, message: "deviceID or nodeID is required"))
        }
        let role = node == nil ? "device" : "node"
        guard let device = try await store.videoDevice(id: id), device.role == role, device.status == "active" else {
            return try await refuse("authenticate", id: id, Failure(code: .notRegistered, message: "\(role) \(id) is not in the ledger"), now: now)
        }
        let key = SecureToken.hex()
        let expires = now.addingTimeInterval(keyLifetime)
        try await store.replaceParkToken(TokenRecord(token: key, kind: "video", subject: id, issuedAt: now, expiresAt: expires))
        try await log(id, "authenticate", "digest account \(username); key valid until \(time.formatDashed(expires))", now: now)
        try await touch(id, now)
        return Self.success("authenticate", [("appIdentityKey", key)])
    }

    /// The key of a request for `id`: EC001 without one, EC003 unknown, revoked or another
    /// device's (a node's key covers the devices that report through it), EC002 expired.
    func checkKey(_ values: [String: String], id: String, device: VideoDevice, now: Date) async throws -> Failure? {
        guard let key = values["appIdentityKey"], !key.isEmpty else {
            return Failure(code: .notAuthenticated, message: "appIdentityKey is required: call authenticate first")
        }
        guard let token = try await store.token(key), token.kind == "video" else {
            return Failure(code: .invalid, message: "appIdentityKey unknown or revoked: authenticate again")
        }
        guard token.subject == id || token.subject == device.nodeId else {
            return Failure(code: .invalid, message: "appIdentityKey belongs to another device")
        }
        guard token.expiresAt > now else { return Failure(code: .expired, message: "appIdentityKey expired (24 hours): authenticate again") }
        return nil
    }

    /// 2.2
    func keepAlive(_ values: [String: String], now: Date) async throws -> String {
        guard let id = values["deviceID"], !id.isEmpty, let device = try await store.videoDevice(id: id), device.status == "active" else {
            return try await refuse("keepAlive", id: values["deviceID"], Failure(code: .notRegistered, message: "deviceID \(values["deviceID"] ?? "") is not in the ledger"), now: now)
        }
        if let failure = try await checkKey(values, id: id, device: device, now: now) { return try await refuse("keepAlive", id: id, failure, now: now) }
        try await touch(id, now)
        return Self.success("keepAlive")
    }

    /// 2.4: the key is revoked.
    func unregister(_ values: [String: String], now: Date) async throws -> String {
        let node = values["nodeID"].flatMap { $0.isEmpty ? nil : $0 }
        guard let id = node ?? values["deviceID"], !id.isEmpty, let device = try await store.videoDevice(id: id), device.status == "active" else {
            return try await refuse("unregister", id: node ?? values["deviceID"], Failure(code: .notRegistered, message: "deviceID or nodeID is not in the ledger"), now: now)
        }
        if let failure = try await checkKey(values, id: id, device: device, now: now) { return try await refuse("unregister", id: id, failure, now: now) }
        try await store.deleteToken(values["appIdentityKey"] ?? "")
        try await log(id, "unregister", "key revoked", now: now)
        return Self.success("unregister")
    }

    /// A request the document has no code for (its `imageJsonData` is not usable): HTTP 400,
    /// `success` false with the reason and no `errorCode`.
    struct BadData: Error {
        let message: String
    }

    /// 1 人脸入库 / 车辆入库: the device (`imageGateTagCode`) and its key are checked like a
    /// keep-alive; the images are decoded, checked and stored by content before the capture is
    /// committed; a repeat of a stored capture is answered success and stores nothing new.
    func saveImageData(family: String, _ values: [String: String], now: Date) async throws -> (ok: Bool, answer: String) {
        let service = "saveImageData"
        guard let id = values["imageGateTagCode"], !id.isEmpty, let device = try await store.videoDevice(id: id), device.status == "active" else {
            let failure = Failure(code: .notRegistered, message: "imageGateTagCode \(values["imageGateTagCode"] ?? "") is not in the ledger")
            return (true, try await refuse(service, id: values["imageGateTagCode"], failure, now: now))
        }
        if let failure = try await checkKey(values, id: id, device: device, now: now) { return (true, try await refuse(service, id: id, failure, now: now)) }
        do {
            let capture = try VideoCaptureReader(family: family, deviceId: id, imageLimit: imageLimit, blobs: blobs, time: time)
                .read(values["imageJsonData"] ?? "", id: store.newCaptureId(now: now), now: now, place: device.place)
            _ = try await store.saveVideoCapture(capture)
            try await touch(id, now)
            return (true, Self.success(service))
        } catch let bad as BadData {
            try await log(id, "error", "\(service): \(bad.message)", now: now)
            return (false, "{\"success\":false,\"result\":" + JSONText.object([("serviceName", service)]) + ",\"message\":" + JSONText.quote(bad.message) + "}")
        }
    }

    // MARK: routes

    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        for family in ["face", "car"] {
            let base = "/redis/rest/\(family)"
            router.get(RouterPath(base + "/timing.json")) { _, _ -> Response in
                HTTPExchange.json("{\"success\":true,\"result\":" + JSONText.object([("systemTime", time.formatDashed(Date()))]) + "}")
            }
            router.post(RouterPath(base + "/authenticate.json")) { request, _ -> Response in
                try await HTTPExchange.respond(to: request, limit: bodyLimit) { bytes -> Response in
                    let now = Date()
                    let values = Self.parameters(["deviceID", "nodeID"], contentType: request.headers[.contentType], body: bytes)
                    let header = request.headers[.authorization]
                    let account = try await HTTPDigest.username(in: header).asyncMap { try await store.videoAccount(username: $0) } ?? nil
                    let outcome = digest.verify(authorization: header, method: request.method.rawValue, uri: request.uri.description, now: now) { name, algorithm in
                        guard let account, account.username == name, account.realm == VideoPlatform.realm else { return nil }
                        return algorithm == .md5 || algorithm == .md5Sess ? account.ha1MD5 : account.ha1SHA256
                    }
                    switch outcome {
                    case .authenticated(let username):
                        return HTTPExchange.json(try await authenticate(values, username: username, now: now))
                    case .challenge(let stale, let reason):
                        // Every login's first request is asked for credentials, and an old nonce is renewed:
                        // only credentials that were refused go into the device's log.
                        if header != nil, !stale {
                            try await log(values["nodeID"].flatMap { $0.isEmpty ? nil : $0 } ?? values["deviceID"], "error", "authenticate: digest refused (\(reason))", now: now)
                        }
                        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
                        headers[values: .wwwAuthenticate] = digest.challenges(now: now, stale: stale)
                        let body = Self.failure("authenticate", Failure(code: .notAuthenticated, message: "digest authentication required: \(reason)"))
                        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
                    }
                }
            }
            router.post(RouterPath(base + "/keepAlive.json")) { request, _ -> Response in
                try await answer(request, bodyLimit: bodyLimit, names: ["deviceID", "appIdentityKey", "statusSendTime"]) {
                    try await keepAlive($0, now: Date())
                }
            }
            let imageBodyLimit = max(bodyLimit, imageLimit * 4)
            router.post(RouterPath(base + "/saveImageData.json")) { request, _ -> Response in
                try await HTTPExchange.respond(to: request, limit: imageBodyLimit) { bytes in
                    let values = Self.parameters(["imageGateTagCode", "appIdentityKey", "imageJsonData", "nodeID"], contentType: request.headers[.contentType], body: bytes)
                    let (ok, answer) = try await saveImageData(family: family, values, now: Date())
                    var response = HTTPExchange.json(answer)
                    if !ok { response.status = .badRequest }
                    return response
                }
            }
            router.post(RouterPath(base + "/unregister.json")) { request, _ -> Response in
                try await answer(request, bodyLimit: bodyLimit, names: ["deviceID", "nodeID", "appIdentityKey"]) { try await unregister($0, now: Date()) }
            }
        }
    }

    /// Reads the parameters and answers with `body`'s JSON (200, as the document shows).
    func answer(_ request: Request, bodyLimit: Int, names: [String], _ body: ([String: String]) async throws -> String) async throws -> Response {
        try await HTTPExchange.respond(to: request, limit: bodyLimit) { bytes in
            HTTPExchange.json(try await body(Self.parameters(names, contentType: request.headers[.contentType], body: bytes)))
        }
    }
}
