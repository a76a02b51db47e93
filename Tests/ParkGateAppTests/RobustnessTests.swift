import Foundation
import HummingbirdTesting
import NIOCore
import ParkGateTestSupport
import Testing

/// Hostile and broken input never crashes or stalls the server.
@Suite(.timeLimit(.minutes(3))) struct RobustnessTests {
    @Test func oversizedBodiesGet413WithoutBeingRead() async throws {
        try await TestServer.run({ $0.bodyLimit = 4096 }) { server in
            // Declared too large: answered before the body is sent, connection closed.
            let socket = try RawSocket(port: server.port)
            defer { socket.close() }
            socket.send("POST /park/msensor HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{")
            let (text, closed) = await socket.readUntilClosed(timeout: 5)
            #expect(text.hasPrefix("HTTP/1.1 413"))
            #expect(closed)

            // Chunked, no length: cut off once past the limit.
            let chunk = String(repeating: "a", count: 3000)
            let chunked = "POST /park/msensor HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(repeating: "BB8\r\n\(chunk)\r\n", count: 4) + "0\r\n\r\n"
            #expect(try await RawSocket.statusLine(port: server.port, chunked).hasPrefix("HTTP/1.1 413"))
            let health = try await RawSocket.health(port: server.port)
            #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        }
    }

    @Test func slowClientsAreCutOff() async throws {
        try await TestServer.run({ $0.requestTimeout = 1 }, login: false) { server in
            // Slowloris: headers that never finish.
            let headers = try RawSocket(port: server.port)
            defer { headers.close() }
            headers.send("POST /park/msensor HTTP/1.1\r\nHost: x\r\n")
            let start = Date()
            var closed = false
            while Date().timeIntervalSince(start) < 6, !closed {
                headers.send("X-Slow: 1\r\n")
                closed = await headers.readUntilClosed(timeout: 0.4).closed
            }
            #expect(closed, "slow headers must be cut off")

            // A body that trickles in.
            let body = try RawSocket(port: server.port)
            defer { body.close() }
            body.send("POST /park/msensor HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            closed = false
            let bodyStart = Date()
            while Date().timeIntervalSince(bodyStart) < 6, !closed {
                body.send(" ")
                closed = await body.readUntilClosed(timeout: 0.4).closed
            }
            #expect(closed, "slow bodies must be cut off")
            let health = try await RawSocket.health(port: server.port)
            #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        }
    }

    @Test func malformedInputGetsProtocolCodes() async throws {
        try await TestServer.run { server in
            let sensor = try await server.token(vendor: "102")
            // Invalid UTF-8 inside jdata (%FF).
            var response = try await server.client.execute(
                uri: "/park/msensor", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "jdata=%7B%22token%22%3A%22%FF%22%7D"))
            #expect(try Reply(response.body).code == "203")
            // Deep nesting.
            let deep = String(repeating: "[", count: 200_000)
            #expect(try await server.post("msensor", deep, encoding: .json).code == "203")
            let deepValue = #"{"token":"\#(sensor)","x":"# + String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000) + "}"
            #expect(try await server.post("msensor", deepValue, encoding: .json).code == "203")
            // A huge string and unknown fields.
            var fields = Messages.msensor(sensor)
            fields["devCode"] = String(repeating: "Z", count: 500_000)
            fields["surprise"] = "field"
            #expect(try await server.post("msensor", Messages.json(fields), encoding: .json).code == "205")
            // Bad percent escape, missing jdata, wrong multipart.
            response = try await server.client.execute(
                uri: "/park/msensor", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "jdata=%ZZ"))
            #expect(try Reply(response.body).code == "203")
            response = try await server.client.execute(
                uri: "/park/msensor", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "other=1"))
            #expect(try Reply(response.body).code == "203")
            response = try await server.client.execute(
                uri: "/park/msensor", method: .post, headers: [.contentType: "multipart/form-data; boundary=Q"],
                body: ByteBuffer(string: "--Q\r\nContent-Disposition: form-data; name=\"jdata\"\r\n\r\n{}"))
            #expect(try Reply(response.body).code == "203")
            #expect(try await server.eventCount() == 0)
            // Unknown fields are accepted leniently, with a finding.
            var extra = Messages.msensor(sensor)
            extra["surprise"] = "field"
            #expect(try await server.post("msensor", Messages.json(extra)).code == "100")
        }
    }
}
