import Crypto
import Foundation
import ParkGateModel

/// The uplink envelope of B.2.3: `token`, `code`, `oprNum`, `signature`, `data`, in form field
/// `param` or as the JSON body (PROFILE "T/CPMI").
public struct CPMIEnvelope: Sendable {
    public var token: String
    public var code: String
    public var oprNum: String
    public var signature: String
    /// `data` exactly as it appears in the request: what the signature covers.
    public var dataText: String
    /// The members of `data` when it is an object.
    public var data: [(key: String, value: JSONValue)]
    public var dataIsObject: Bool
    /// The members of each object when `data` is an array of objects (several images).
    public var dataItems: [[(key: String, value: JSONValue)]] = []
    /// The whole envelope as received, kept as the raw message.
    public var text: String

    public struct Refusal: Error, Sendable {
        public var result: CPMIResult
        public var message: String
        /// What could be read of the request, for the answer.
        public var code = ""
        public var oprNum = ""
    }

    public static func decode(contentType: String?, body: [UInt8]) throws(Refusal) -> CPMIEnvelope {
        let encoding = WireBody.encoding(contentType: contentType, body: body)
        let param: [UInt8]
        do {
            param = try WireBody.parameter("param", in: body, encoding: encoding)
        } catch .missingParameter {
            throw Refusal(result: .badFormat, message: "no param field: send param={JSON} or the JSON object as the body")
        } catch {
            throw Refusal(result: .badFormat, message: "the body could not be decoded: \(error)")
        }
        guard param.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw Refusal(result: .emptyString, message: "param is an empty string")
        }
        let members: [(key: String, value: JSONValue, span: Range<Int>)]
        do {
            members = try JSONObjectParser.parseWithSpans(param)
        } catch {
            throw Refusal(result: .badFormat, message: "param is not a JSON object (\(error))")
        }
        func text(_ name: String) throws(Refusal) -> String? {
            guard let member = members.first(where: { $0.key == name }) else { return nil }
            switch member.value {
            case .string(let value): return value
            case .null: return nil
            default: throw Refusal(result: .badFormat, message: "\(name) must be a string, not a \(member.value.typeName)")
            }
        }
        let code = try text("code") ?? "", oprNum = try text("oprNum") ?? ""
        guard !code.isEmpty, !oprNum.isEmpty else {
            throw Refusal(result: .badFormat, message: "code and oprNum are required", code: code, oprNum: oprNum)
        }
        guard let data = members.first(where: { $0.key == "data" }), data.value != .null else {
            throw Refusal(result: .emptyBody, message: "data is missing", code: code, oprNum: oprNum)
        }
        let dataBytes = Array(param[data.span])
        var dataMembers: [(key: String, value: JSONValue)] = []
        var items: [[(key: String, value: JSONValue)]] = []
        if data.value == .object { dataMembers = (try? JSONObjectParser.parse(dataBytes)) ?? [] }
        if data.value == .array, let array = try? JSONSerialization.jsonObject(with: Data(dataBytes)) as? [Any] {
            items = array.compactMap { element in
                (element as? [String: Any]).map { object in object.map { (key: $0.key, value: JSONValue(foundation: $0.value)) } }
            }
        }
        var envelope = CPMIEnvelope(
            token: try text("token") ?? "", code: code, oprNum: oprNum, signature: try text("signature") ?? "",
            dataText: String(decoding: dataBytes, as: UTF8.self), data: dataMembers, dataIsObject: data.value == .object,
            text: String(decoding: param, as: UTF8.self))
        envelope.dataItems = items
        return envelope
    }

    /// PROFILE: upper-case hex MD5 of the `data` text, then the token (empty for login), then the
    /// park's key-pool secret where one is set.
    public static func signature(dataText: String, token: String, secret: String?) -> String {
        Hex.string(Insecure.MD5.hash(data: Array((dataText + token + (secret ?? "")).utf8)), uppercase: true)
    }

    /// The answer of B.2.3.5, signed over its own `data` text.
    public static func answer(code: String, oprNum: String, result: CPMIResult, message: String? = nil, dataText: String = "{}",
                              token: String, secret: String?) -> String {
        let signature = signature(dataText: dataText, token: token, secret: secret)
        return "{" + [
            "\"code\":" + JSONText.quote(code), "\"oprNum\":" + JSONText.quote(oprNum), "\"resultCode\":" + JSONText.quote(result.rawValue),
            "\"resultMessage\":" + JSONText.quote(message ?? result.message), "\"signature\":" + JSONText.quote(signature),
            "\"data\":" + dataText,
        ].joined(separator: ",") + "}"
    }
}
