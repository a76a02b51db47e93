import Foundation
import Hummingbird
import Logging
import ParkGateModel
import ParkGateStore

/// The Henan city platform's interfaces for enterprises' gate systems (section 4.1), under
/// `/ysgk/restapi/transportControl/`: the `organ`/`ipctype`/`access_token`/`value` envelope,
/// answered `{"code","status",…}` with section 2.6's codes: all eight interfaces, the three
/// filing interfaces also in their flat form (answered `result/err/data`).
public struct HenanCityGateway: Sendable {
    let store: any Store
    let blobs: BlobStore
    let time: ChinaTime
    let tokenLifetime: TimeInterval
    let logger: Logger
    /// Passages go through it (many per commit) when given.
    let passageWriter: HenanPassageWriter?
    let tokens: TTLCache<String, TokenRecord?>
    let enterprises: TTLCache<String, HenanEnterprise?>
    let gates: TTLCache<String, [HenanGate]>
    let projects: TTLCache<Int, [ControlEngine.Project]>

    public init(store: any Store, blobs: BlobStore, time: ChinaTime = ChinaTime(), tokenLifetime: TimeInterval = 7200, cacheSeconds: TimeInterval = 0,
                passages: HenanPassageWriter? = nil, logger: Logger) {
        (self.store, self.blobs, self.time, self.tokenLifetime, self.logger) = (store, blobs, time, tokenLifetime, logger)
        passageWriter = passages
        (tokens, enterprises) = (TTLCache(seconds: cacheSeconds), TTLCache(seconds: cacheSeconds))
        (gates, projects) = (TTLCache(seconds: cacheSeconds), TTLCache(seconds: cacheSeconds))
    }

    /// Table A.4, the codes these interfaces give.
    public enum Code: String, Sendable {
        case ok = "200", badRequest = "400", unauthorized = "401", forbidden = "403", notFound = "404", serverError = "500"
        case fileMissing = "702", fileName = "948", fileUnpack = "949", format = "952"

        var status: String {
            switch self {
            case .ok: "服务器已成功处理了请求"
            case .badRequest: "服务器不理解请求的语法"
            case .unauthorized: "请求要求身份验证"
            case .forbidden: "服务器拒绝请求"
            case .notFound: "服务器找不到请求的网页"
            case .serverError: "服务器遭遇异常阻止了当前请求的执行"
            case .fileMissing: "请求文件不存在"
            case .fileName: "请求文件名格式不正确"
            case .fileUnpack: "文件解压失败"
            case .format: "格式校验失败"
            }
        }
    }

    struct Failure: Error {
        let code: Code
        let message: String
    }

    /// `{"code","status"[,members]}`; a refusal's status carries the reason after the document's text.
    static func answer(_ code: Code, reason: String? = nil, _ members: [(String, String)] = [], value: String? = nil) -> String {
        var text = "{\"code\":\"\(code.rawValue)\",\"status\":" + JSONText.quote(code.status + (reason.map { "：" + $0 } ?? ""))
        for (key, member) in members { text += "," + JSONText.quote(key) + ":" + JSONText.quote(member) }
        if let value { text += ",\"value\":" + value }
        return text + "}"
    }

    /// Which endpoint serves each interface of table 3.1.
    static let endpoints: [String: String] = [
        "getAccessToken": "get_data", "getCheckVehicle": "get_data", "shareVehInfo": "put_data", "shareDrivingRecord": "put_data",
        "sharePhotoInfo": "put_file", "shareGoodsRecord": "put_data", "shareInnerVehInfo": "put_data", "shareInnerMHYElec": "put_data",
    ]

    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        for endpoint in ["get_data", "put_data", "put_file"] {
            router.post(RouterPath("/ysgk/restapi/transportControl/\(endpoint)")) { request, _ -> Response in
                try await HTTPExchange.respond(to: request, limit: bodyLimit) { bytes in
                    HTTPExchange.json(try await handle(endpoint: endpoint, body: bytes, contentType: request.headers[.contentType], now: Date()))
                }
            }
        }
    }

    func handle(endpoint: String, body: [UInt8], contentType: String? = nil, now: Date) async throws -> String {
        var body = body
        var upload: Upload?
        // put_file as 5.2's example sends it: multipart parts `info` (the envelope) and `file`.
        if endpoint == "put_file", case .multipart(let boundary) = WireBody.encoding(contentType: contentType, body: body) {
            do {
                guard let info = try WireBody.part("info", in: body, boundary: boundary) else {
                    return Self.answer(.badRequest, reason: "the multipart part info (the envelope) is missing")
                }
                if let file = try WireBody.part("file", in: body, boundary: boundary) {
                    guard !file.bytes.isEmpty else { return Self.answer(.fileMissing, reason: "the multipart part file is empty") }
                    upload = Upload(filename: file.filename, bytes: file.bytes)
                }
                body = info.bytes
            } catch {
                return Self.answer(.badRequest, reason: "\(error)")
            }
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return Self.answer(.badRequest, reason: "the body is not a JSON object")
        }
        let fields = HenanFields(object)
        // The filing interfaces' flat form (README "Known defects"): no envelope, answered result/err/data.
        if fields.text("ipctype") == nil, endpoint == "put_data", fields.text("accessToken") != nil || fields.text("companySecretCode") != nil {
            return try await flatFiling(fields, now: now)
        }
        guard let ipctype = fields.text("ipctype") else { return Self.answer(.badRequest, reason: "ipctype is required") }
        guard let home = Self.endpoints[ipctype] else { return Self.answer(.notFound, reason: "unknown ipctype \(ipctype)") }
        guard home == endpoint else { return Self.answer(.notFound, reason: "\(ipctype) is served at \(home), not \(endpoint)") }
        do {
            if ipctype == "getAccessToken" { return try await accessToken(fields, now: now) }
            let organ = try await authorise(fields, now: now)
            let value = fields.object("value")
            switch ipctype {
            case "getCheckVehicle": return try await checkVehicle(fields, organ: organ, now: now)
            case "shareDrivingRecord": return try await recordPassage(value, organ: organ, now: now)
            case "sharePhotoInfo": return try await recordPhoto(value, upload: upload, organ: organ, now: now)
            case "shareGoodsRecord": return try await recordGoods(value, organ: organ, now: now)
            case "shareInnerVehInfo": try await saveLedgerEntry(.vehicle, value, organ: organ, now: now)
            case "shareInnerMHYElec": try await saveLedgerEntry(.machinery, value, organ: organ, now: now)
            default: try await saveFiling(value, organ: organ, now: now)
            }
            return Self.answer(.ok)
        } catch let failure as Failure {
            return Self.answer(failure.code, reason: failure.message)
        } catch {
            // Storage or anything else: 500, and nothing was answered as stored.
            logger.error("henan \(ipctype) failed: \(error)")
            return Self.answer(.serverError, reason: "not stored (\(error)): send again")
        }
    }

    /// 4.1.1: `organ`, `username`, `password` → a 2-hour `access_token` and the server time.
    func accessToken(_ fields: HenanFields, now: Date) async throws -> String {
        guard let organ = fields.text("organ"), let username = fields.text("username"), let password = fields.text("password") else {
            return Self.answer(.badRequest, reason: "organ, username and password are required")
        }
        guard let account = try await store.henanOrgan(organ), account.username == username, await PasswordHash.matches(password, account.passwordHash) else {
            return Self.answer(.unauthorized, reason: "unknown organ or wrong username or password")
        }
        let token = SecureToken.hex()
        try await store.insertToken(TokenRecord(token: token, kind: "henan", subject: organ, issuedAt: now, expiresAt: now.addingTimeInterval(tokenLifetime)))
        return Self.answer(.ok, [("access_token", token), ("datetime", time.formatDashed(now))])
    }

    /// The envelope's token: 401 missing, unknown or expired; 403 another organ's.
    func authorise(_ fields: HenanFields, now: Date) async throws -> String {
        guard let organ = fields.text("organ") else { throw Failure(code: .badRequest, message: "organ is required") }
        guard let value = fields.text("access_token") else { throw Failure(code: .unauthorized, message: "access_token is required: call getAccessToken") }
        guard let token = try await tokens.value(value, now: now, fetch: { try await store.token(value) }), token.kind == "henan", token.expiresAt > now else {
            throw Failure(code: .unauthorized, message: "access_token unknown or expired (2 hours): call getAccessToken")
        }
        guard token.subject == organ else { throw Failure(code: .forbidden, message: "the access_token belongs to another organ") }
        return organ
    }
}
