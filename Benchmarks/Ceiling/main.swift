import Foundation
import Hummingbird
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
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
