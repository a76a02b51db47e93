import Foundation
import HummingbirdTesting
import NIOCore
import ParkGateTestSupport
import Testing

/// Table 4.1 over real HTTP: every code path, and that a refused message stores nothing.
@Suite(.timeLimit(.minutes(3))) struct RoadsideHTTPTests {
    @Test func tokenEndpointCodes() async throws {
        try await TestServer.run { server in
            let ok = try await server.post("token", #"{"comType":"102","dataTime":"20171010123059","comKey":"4A8EE19823CF"}"#)
            #expect(ok.code == "100")
            #expect(ok.content["token"]?.count == 32)
            #expect(ok.content["token"]?.allSatisfy { $0.isHexDigit && !$0.isLowercase } == true)
            #expect(ok.content["expire"] == "3600")

            #expect(try await server.post("token", #"{"comType":"102","dataTime":"20171010123059","comKey":"WRONG"}"#).code == "200")
            #expect(try await server.post("token", #"{"comType":"555","dataTime":"20171010123059","comKey":"X"}"#).code == "200")
            // Table 4.3 vendor without a key yet.
            #expect(try await server.post("token", #"{"comType":"103","dataTime":"20171010123059","comKey":"X"}"#).code == "200")
            #expect(try await server.post("token", #"{"comType":"102","dataTime":"20171010123059"}"#).code == "204")
            #expect(try await server.post("token", #"{"comType":"102","dataTime":"20171310123059","comKey":"4A8EE19823CF"}"#).code == "205")
            #expect(try await server.post("token", #"{"comType":102,"dataTime":"20171010123059","comKey":"4A8EE19823CF"}"#).code == "202")
            #expect(try await server.post("token", "not json").code == "203")
        }
    }

    @Test func acceptedMessagesAreStoredOnceInEveryEncoding() async throws {
        try await TestServer.run { server in
            let sensor = try await server.token(vendor: "102")
            for encoding in [TestServer.Encoding.form, .multipart, .json] {
                let message = Messages.msensor(sensor, ps: "E-\(encoding)")
                let reply = try await server.post("msensor", Messages.json(message), encoding: encoding)
                #expect(reply.code == "100", "\(encoding): \(reply.msg)")
                #expect(reply.content["flowId"] == message["flowId"]!)
            }
            #expect(try await server.eventCount() == 3)

            // A repeat answers 100 with the same flowId and stores nothing new.
            let message = Messages.msensor(sensor, ps: "R1")
            let first = try await server.post("msensor", Messages.json(message))
            let repeated = try await server.post("msensor", Messages.json(message))
            #expect(first.code == "100" && repeated.code == "100")
            #expect(repeated.content["flowId"] == message["flowId"]!)
            #expect(try await server.eventCount() == 4)
        }
    }

    /// Each refused message: its code, and the event count unchanged.
    @Test func refusedMessagesStoreNothing() async throws {
        try await TestServer.run { server in
            let sensor = try await server.token(vendor: "102")
            let camera = try await server.token(vendor: "109")
            let cases: [(String, String, String, String)] = [
                ("201 unknown token", "msensor", Messages.json(Messages.msensor("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")), "201"),
                ("206 token of another vendor", "msensor", Messages.json(Messages.msensor(camera)), "206"),
                ("206 category may not use endpoint", "camera", Messages.json(Messages.camera(sensor, ["comType": "102"])), "206"),
                ("204 missing psCode", "msensor", Messages.json(Messages.msensor(sensor).filter { $0.key != "psCode" }), "204"),
                ("204 empty devCode", "msensor", Messages.json(Messages.msensor(sensor, ["devCode": ""])), "204"),
                ("204 null required", "msensor", Messages.json(Messages.msensor(sensor, ["psState": nil])), "204"),
                ("202 number", "msensor", Messages.json(Messages.msensor(sensor)).replacingOccurrences(of: #""psState":"1""#, with: #""psState":1"#), "202"),
                ("203 not JSON", "msensor", "{\"token\":", "203"),
                ("203 array", "msensor", "[1,2]", "203"),
                ("205 bad time", "msensor", Messages.json(Messages.msensor(sensor, time: "20240230083000")), "205"),
                ("205 psState outside list", "msensor", Messages.json(Messages.msensor(sensor, state: "2")), "205"),
                ("205 null optional", "msensor", Messages.json(Messages.msensor(sensor, ["devElec": nil])), "205"),
                ("205 confidence", "camera", Messages.json(Messages.camera(camera, ["confidence": "101"])), "205"),
                ("205 plateFeature", "camera", Messages.json(Messages.camera(camera, ["plateFeature": "1/2/3"])), "205"),
                ("205 plateColor", "camera", Messages.json(Messages.camera(camera, ["plateColor": "77"])), "205"),
                ("205 inTime", "camera", Messages.json(Messages.camera(camera, state: "0", ["inTime": "2024"])), "205"),
                ("205 alarmCode", "alarm", Messages.json(["token": sensor, "comType": "102", "flowId": Messages.flowId(vendor: "102", type: "4"), "parkCode": "P", "devCode": "D", "psCode": "S", "alarmCode": "7", "alarmTime": "20240301083000", "alarmLevel": ""]), "205"),
            ]
            for (name, endpoint, jdata, code) in cases {
                let reply = try await server.post(endpoint, jdata)
                #expect(reply.code == code, "\(name): got \(reply.code) \(reply.msg)")
                #expect(!reply.msg.isEmpty, "\(name): a refusal says why")
            }
            #expect(try await server.eventCount() == 0)
            let counts = try await server.api("/api/v1/summary")["counts"] as? [String: Any]
            #expect(counts?["rawMessages"] as? Int == 0)
        }
    }

    @Test func rateLimitAnswers207() async throws {
        try await TestServer.run(vendorSetup: { vendors in
            try await vendors.add(code: "102", key: nil, category: nil, name: nil, rateLimit: 3, strict: nil)
        }) { server in
            let sensor = try await server.token(vendor: "102")
            // Twenty at once, again until one is refused: a machine too busy to send more than
            // three a second in one round cannot hide the limit.
            var codes: [String] = []
            for round in 0..<10 where !codes.contains("207") {
                codes += try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<20 {
                        group.addTask { try await server.post("msensor", Messages.json(Messages.msensor(sensor, ps: "RL\(round)-\(index)"))).code }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
            }
            #expect(codes.contains("207"))
            #expect(try await server.eventCount() == codes.filter { $0 == "100" }.count)
        }
    }

    @Test func documentVariantsAreFindingsWhenLenientAndRefusedWhenStrict() async throws {
        let alarm: @Sendable (String) -> String = { token in
            #"{"token":"\#(token)","comType":"102","flowId":"1024000000000000001","parkCode":"ABC","devCode":"ABC123","psCode":"123456","alarmCode ":"1","alarmLevel ":"1","alarmTime ":"20171010123059"}"#
        }
        try await TestServer.run { server in
            let sensor = try await server.token(vendor: "102")
            #expect(try await server.post("alarm", alarm(sensor)).code == "100")
            let camera = try await server.token(vendor: "109")
            var fields = Messages.camera(camera)
            fields["Image1"] = nil
            fields["fullImage"] = "http://img/full.jpg"
            #expect(try await server.post("camera", Messages.json(fields)).code == "100")
            let findings = try await server.items("/api/v1/vendors/102/findings")
            let rules = findings.compactMap { $0["rule"] as? String }
            #expect(rules.contains("key written with surrounding spaces"))
            #expect(rules.contains { $0.contains("19 digits") })
            let cameraFindings = try await server.items("/api/v1/vendors/109/findings")
            #expect(cameraFindings.contains { ($0["field"] as? String) == "Image1" })
            let events = try await server.items("/api/v1/events?vendor=109")
            #expect((events.first?["data"] as? [String: String])?["images"] == "http://img/full.jpg")
        }
        try await TestServer.run({ $0.strict = true }) { server in
            let sensor = try await server.token(vendor: "102")
            #expect(try await server.post("alarm", alarm(sensor)).code == "205")
            #expect(try await server.eventCount() == 0)
        }
    }

    @Test func perVendorStrictness() async throws {
        try await TestServer.run(vendorSetup: { vendors in
            try await vendors.add(code: "102", key: nil, category: nil, name: nil, rateLimit: nil, strict: true)
        }) { server in
            let sensor = try await server.token(vendor: "102")
            let short = Messages.msensor(sensor, ["flowId": "102300000000000001"])
            #expect(try await server.post("msensor", Messages.json(short)).code == "205")
            #expect(try await server.post("msensor", Messages.json(Messages.msensor(sensor))).code == "100")
        }
    }
}
