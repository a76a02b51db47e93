import Foundation
import Hummingbird
import ParkGateModel
import ParkGateProtocols

// The benchmark's ceiling: bare Hummingbird POST routes that read the same bodies, decode the
// same JSON and answer in each protocol's shape, storing nothing.
let port = Int(CommandLine.arguments.dropFirst().first ?? "8090") ?? 8090
let router = Router()
router.post("/park/msensor") { request, _ -> Response in
    var buffer = try await request.body.collect(upTo: 1 << 20)
    let body = buffer.readBytes(length: buffer.readableBytes) ?? []
    let encoding = WireBody.encoding(contentType: request.headers[.contentType], body: body)
    let jdata = try WireBody.parameter("jdata", in: body, encoding: encoding)
    let members = try JSONObjectParser.parse(jdata)
    var flowId = ""
    if case .string(let value)? = members.first(where: { $0.key == "flowId" })?.value { flowId = value }
    return HTTPExchange.json(#"{"code":"100","msg":"","content":{"flowId":"\#(flowId)"}}"#)
}
// The T/CPMI ceiling: the same envelope decoded, its signature checked and a signed answer
// written, nothing stored.
router.post("/cpmi") { request, _ -> Response in
    var buffer = try await request.body.collect(upTo: 8 << 20)
    let body = buffer.readBytes(length: buffer.readableBytes) ?? []
    let envelope = try CPMIEnvelope.decode(contentType: request.headers[.contentType], body: body)
    let secret = ProcessInfo.processInfo.environment["CPMI_SECRET"]
    let valid = CPMIEnvelope.signature(dataText: envelope.dataText, token: envelope.token, secret: secret) == envelope.signature.uppercased()
    return HTTPExchange.json(CPMIEnvelope.answer(
        code: envelope.code, oprNum: envelope.oprNum, result: valid ? .success : .badSignature, token: envelope.token, secret: secret))
}
// The Henan city ceiling: the envelope read and decoded as JSON, its `value` taken, the
// documented answer written; no token check, no rule, nothing stored.
for endpoint in ["get_data", "put_data"] {
    router.post(RouterPath("/ysgk/restapi/transportControl/\(endpoint)")) { request, _ -> Response in
        var buffer = try await request.body.collect(upTo: 4 << 20)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any], object["value"] is [String: Any] else {
            return HTTPExchange.json(#"{"code":"400","status":"服务器不理解请求的语法"}"#)
        }
        if object["ipctype"] as? String == "getCheckVehicle" {
            return HTTPExchange.json(#"{"code":"200","status":"服务器已成功处理了请求","value":{"isControl":"0","controlReason":""}}"#)
        }
        return HTTPExchange.json(#"{"code":"200","status":"服务器已成功处理了请求"}"#)
    }
}
// The Xiamen ceiling: the same parameters read, `imageJsonData` parsed and every image
// base64-decoded and sniffed, the documented answer written; no ledger, no key check, nothing stored.
for family in ["car", "face"] {
    router.post(RouterPath("/redis/rest/\(family)/saveImageData.json")) { request, _ -> Response in
        var buffer = try await request.body.collect(upTo: 24 << 20)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let encoding = WireBody.encoding(contentType: request.headers[.contentType], body: body)
        let json = try WireBody.parameter("imageJsonData", in: body, encoding: encoding)
        _ = try WireBody.parameter("appIdentityKey", in: body, encoding: encoding)
        var images = 0
        if let fields = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] {
            for key in ["zpcltp", "zpcptp", "zpcjt", "zpjsytp", "faceImages", "backgroundImage"] {
                let items = (fields[key] as? [Any]) ?? (fields[key].map { [$0] } ?? [])
                for case let item as [String: Any] in items {
                    if let content = item["content"] as? String, let bytes = Data(base64Encoded: content), ImageFormat.sniff(bytes) != nil { images += 1 }
                }
            }
        }
        return HTTPExchange.json(images > 0 ? #"{"success":true,"result":{"serviceName":"saveImageData"}}"# : #"{"success":false}"#)
    }
    router.post(RouterPath("/redis/rest/\(family)/keepAlive.json")) { request, _ -> Response in
        var buffer = try await request.body.collect(upTo: 1 << 20)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let encoding = WireBody.encoding(contentType: request.headers[.contentType], body: body)
        _ = try WireBody.parameter("deviceID", in: body, encoding: encoding)
        return HTTPExchange.json(#"{"success":true,"result":{"serviceName":"keepAlive"}}"#)
    }
    router.post(RouterPath("/redis/rest/\(family)/authenticate.json")) { _, _ -> Response in
        HTTPExchange.json(#"{"success":true,"result":{"serviceName":"authenticate","appIdentityKey":"CEILING"}}"#)
    }
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
