import Foundation
import Hummingbird
import ParkGateProtocols

// The benchmark's ceiling: a bare Hummingbird POST route that reads the same form body,
// decodes the same jdata JSON and answers in the roadside shape, storing nothing.
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
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
