import Crypto
import Foundation
import Hummingbird
import Logging
import ParkGateModel
import ParkGateStore

/// The Henan provincial platform's methods for city platforms (section 4.2) at
/// `POST /ysgk/restapi/province/{MethodName}`: a JSON body, answered
/// `{"result":"success"|"fail","err","data"}` (HTTP 200; `result` says the outcome, `err` why).
public struct HenanProvinceGateway: Sendable {
    let store: any Store
    let blobs: BlobStore
    let time: ChinaTime
    let tokenLifetime: TimeInterval
    /// Reads a driving licence picture (DrivingLicenseScanEx); nil when no OCR is installed.
    let scanLicence: (@Sendable ([UInt8]) async -> [String: String]?)?
    let logger: Logger

    public init(store: any Store, blobs: BlobStore, time: ChinaTime = ChinaTime(), tokenLifetime: TimeInterval = 7200,
                scanLicence: (@Sendable ([UInt8]) async -> [String: String]?)? = nil, logger: Logger) {
        (self.store, self.blobs, self.time, self.tokenLifetime, self.scanLicence, self.logger) = (store, blobs, time, tokenLifetime, scanLicence, logger)
    }

    /// The 29 methods of table 3.2; the sections' `InnerMHYElecAccount*` and the list's
    /// `InnerFYElecAccount*` name the same two.
    public static let methods: [String] = [
        "GetAuthorizationOrg", "VehVerifyEx", "GetNeedCompleteVehEx", "DrivingLicenseScanEx", "AddCompany", "AddGate", "GetCompanyInfo",
        "GetGateInfo", "ModifyCompany", "ModifyGate", "SendEnterExitDataEx", "SendDayDataCity", "SendDayDataDistrict", "SendGoodsRecordData",
        "VehElecAccountAdd", "VehElecAccountModify", "VehElecAccountGain", "InnerVehElecAccountAdd", "InnerVehElecAccountModify",
        "InnerMHYElecAccountAdd", "InnerMHYElecAccountModify", "RunControlProject", "ModifyControlProject", "CloseControlProject",
        "GateStatusReport", "SeasonalControlReport", "CheckFeedbackReport", "ElectronicFenceAdd", "ElectronicFenceModify",
    ]
    static let aliases = ["InnerFYElecAccountAdd": "InnerMHYElecAccountAdd", "InnerFYElecAccountModify": "InnerMHYElecAccountModify"]

    /// A code list a field must be in: its table's name and the check.
    typealias CodeCheck = (table: String, valid: @Sendable (String) -> Bool)

    struct Fail: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func success(_ data: Any = [String: Any]()) -> String {
        let object: [String: Any] = ["result": "success", "err": "", "data": data]
        let bytes = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: bytes, as: UTF8.self)
    }

    static func fail(_ reason: String) -> String {
        "{\"data\":{},\"err\":" + JSONText.quote(reason) + ",\"result\":\"fail\"}"
    }

    public func register<Context: RequestContext>(on router: Router<Context>, bodyLimit: Int) {
        router.post("/ysgk/restapi/province/:method") { request, context -> Response in
            try await HTTPExchange.respond(to: request, limit: bodyLimit) { bytes in
                HTTPExchange.json(try await handle(method: context.parameters.get("method") ?? "", body: bytes, now: Date()))
            }
        }
    }

    /// One call: the method's checks, then what it stores, then the answer (never before the store).
    public func handle(method name: String, body: [UInt8], now: Date) async throws -> String {
        let method = Self.aliases[name] ?? name
        guard Self.methods.contains(method) else { return Self.fail("unknown method \(name): see section 4.2 for the 29 methods") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return Self.fail("the body is not a JSON object")
        }
        let fields = HenanFields(object)
        do {
            if method == "GetAuthorizationOrg" { return try await authorise(fields, now: now) }
            let city = try await city(fields, now: now)
            switch method {
            case "VehVerifyEx": return try await verify(fields, city: city, now: now)
            case "GetNeedCompleteVehEx": return try await needComplete(fields, city: city)
            case "DrivingLicenseScanEx": return try await scan(fields, city: city)
            case "AddCompany": return try await addCompany(fields.object("data"), city: city, now: now)
            case "ModifyCompany": return try await modifyCompany(fields.object("data"), city: city, now: now)
            case "GetCompanyInfo": return try await companyInfo(fields, city: city)
            case "AddGate": return try await addGate(fields, city: city, now: now)
            case "ModifyGate": return try await modifyGate(fields, city: city, now: now)
            case "GetGateInfo": return try await gateInfo(fields, city: city)
            case "VehElecAccountAdd", "VehElecAccountModify": return try await fileVehicle(fields, city: city, modify: method.hasSuffix("Modify"), now: now)
            case "VehElecAccountGain": return try await vehicleFiling(fields)
            case "InnerVehElecAccountAdd", "InnerVehElecAccountModify", "InnerMHYElecAccountAdd", "InnerMHYElecAccountModify":
                return try await ledger(method, fields, city: city, now: now)
            case "RunControlProject", "ModifyControlProject", "CloseControlProject": return try await project(method, fields, city: city, now: now)
            case "ElectronicFenceAdd", "ElectronicFenceModify": return try await fence(fields, city: city, modify: method.hasSuffix("Modify"), now: now)
            default: return try await report(method, fields, city: city, now: now)
            }
        } catch let failure as Fail {
            return Self.fail(failure.reason)
        } catch let failure as HenanCityGateway.Failure {
            return Self.fail(failure.message)
        } catch {
            logger.error("henan province \(method) failed: \(error)")
            return Self.fail("server error, nothing stored (\(error)): send again")
        }
    }

    // MARK: Authorisation

    /// 4.2.1: a city presents its `orgSecretCode`, username and password (`parkgate city add`).
    func authorise(_ fields: HenanFields, now: Date) async throws -> String {
        let (secret, username, password) = (fields.text("orgSecretCode"), fields.text("username"), fields.text("pwd"))
        guard let secret, let username, let password else { throw Fail("orgSecretCode, username and pwd are required") }
        guard let city = try await store.henanCities().first(where: { $0.orgSecret == secret }), city.username == username,
            await PasswordHash.matches(password, city.passwordHash)
        else { throw Fail("unknown orgSecretCode or wrong username or pwd") }
        let token = SecureToken.hex()
        let expiry = now.addingTimeInterval(tokenLifetime)
        try await store.insertToken(TokenRecord(token: token, kind: "henan-city", subject: city.organ, issuedAt: now, expiresAt: expiry))
        return Self.success(["accessToken": token, "expire": time.formatCompact(expiry), "serverTime": time.formatCompact(now)])
    }

    /// The city behind `accessToken`.
    func city(_ fields: HenanFields, now: Date) async throws -> String {
        guard let value = fields.text("accessToken") else { throw Fail("accessToken is required: call GetAuthorizationOrg") }
        guard let token = try await store.token(value), token.kind == "henan-city", token.expiresAt > now else {
            throw Fail("accessToken unknown or expired: call GetAuthorizationOrg")
        }
        return token.subject
    }

    /// The enterprise a `companySecretCode` was issued for; it must be one of the city's.
    func company(secret: String?, city: String) async throws -> HenanProvinceCompany {
        guard let secret else { throw Fail("companySecretCode is required") }
        guard let company = try await store.henanProvinceCompany(code: nil, secret: secret) else { throw Fail("unknown companySecretCode") }
        guard company.city == city else { throw Fail("companySecretCode belongs to an enterprise of another city") }
        return company
    }

    /// A registered enterprise of the city by its code.
    func company(code: String?, city: String) async throws -> HenanProvinceCompany {
        guard let code else { throw Fail("companyCode is required") }
        guard let company = try await store.henanProvinceCompany(code: code, secret: nil) else { throw Fail("enterprise \(code) is not registered (AddCompany)") }
        guard company.city == city else { throw Fail("enterprise \(code) belongs to another city") }
        return company
    }

    /// `licensePK`: 32 upper-case hex characters derived from what identifies the record, so
    /// the same vehicle gets the same key however often (and through whichever city) it is filed.
    static func recordKey(_ parts: String...) -> String {
        JSONText.hex(SHA256.hash(data: Data(parts.joined(separator: "|").utf8)).prefix(16)).uppercased()
    }

    // MARK: Checks shared by the methods

    /// 7.x code lists, lengths, and times, named by field.
    static func check(_ fields: HenanFields, required: [String], codes: [String: CodeCheck] = [:],
                      lengths: [String: Int] = [:]) throws {
        if let missing = required.first(where: { fields.text($0) == nil }) { throw Fail("\(missing) is required") }
        for (key, code) in codes.sorted(by: { $0.key < $1.key }) {
            if let value = fields.text(key), !code.valid(value) { throw Fail("\(key) \(value) is not in \(code.table)") }
        }
        for (key, limit) in lengths.sorted(by: { $0.key < $1.key }) {
            if let value = fields.text(key), value.count > limit { throw Fail("\(key) is longer than \(limit) characters") }
        }
    }

    static let plateColor: CodeCheck = ("7.1", { HenanPlateColor(code: $0) != nil })
    static let stage: CodeCheck = ("7.6", { HenanEmissionStage(code: $0) != nil })
    static let status: CodeCheck = ("1 正常, 2 断网/封存, 3 注销", { ["1", "2", "3"].contains($0) })

    /// A time as the cities send them: `yyyy-MM-dd HH:mm:ss`, `yyyyMMddHHmmss` or `yyyyMMddHHmm`.
    func parseTime(_ text: String) -> Date? {
        time.parseDashed(text) ?? time.parseCompact(text) ?? (text.count == 12 ? time.parseCompact(text + "00") : nil)
    }

    func requireTime(_ fields: HenanFields, _ key: String, optional: Bool = false) throws -> Date? {
        guard let text = fields.text(key) else {
            if optional { return nil }
            throw Fail("\(key) is required")
        }
        guard let date = parseTime(text) else { throw Fail("\(key) \(text) is not a time (yyyy-MM-dd HH:mm:ss or yyyyMMddHHmmss)") }
        return date
    }

    /// The fields of an object as text (nested values left out).
    static func texts(_ fields: HenanFields, except: Set<String> = ["accessToken"]) -> [String: String] {
        var texts: [String: String] = [:]
        for key in fields.members.keys where !except.contains(key) {
            if let value = fields.text(key) { texts[key] = value }
        }
        return texts
    }

    /// A list member's objects.
    static func list(_ fields: HenanFields, _ key: String) throws -> [HenanFields] {
        guard let items = fields.members[key] as? [Any], !items.isEmpty else { throw Fail("\(key) is required: a list of objects") }
        return try items.map { item in
            guard let object = item as? [String: Any] else { throw Fail("\(key) must hold objects") }
            return HenanFields(object)
        }
    }
}
