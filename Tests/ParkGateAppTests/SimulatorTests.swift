import Foundation
import ParkGateClient
import ParkGateTestSupport
import Testing

/// The simulator speaks the real wire format: everything it sends is acknowledged and stored.
@Suite struct SimulatorTests {
    @Test func simulatedFleetIsAcknowledgedAndStored() async throws {
        try await TestServer.run { server in
            let simulator = RoadsideSimulator(
                target: "http://127.0.0.1:\(server.port)",
                vendors: [
                    .init(code: "102", key: TestServer.keys["102"]!, endpoint: "msensor"),
                    .init(code: "109", key: TestServer.keys["109"]!, endpoint: "camera"),
                    .init(code: "101", key: TestServer.keys["101"]!, endpoint: "hpcamera"),
                ],
                devices: 12, rate: 100, duration: 1.5, concurrency: 8)
            let report = try await simulator.run()
            #expect(report.sent == 150)
            #expect(report.acknowledged == report.sent, "\(report)")
            #expect(try await server.eventCount() == report.acknowledged)
            let findings = try await server.items("/api/v1/findings")
            #expect(findings.isEmpty, "the simulator sends conforming messages: \(findings)")
        }
    }

    @Test func failedMessagesWaitInTheOutboxAndAreRetried() async throws {
        let directory = TestDatabases.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("outbox.jsonl").path
        do {
            let outbox = try FileOutbox(path: path)
            let item = try outbox.append(interface: "msensor", payload: "{}", now: Date())
            _ = try outbox.append(interface: "msensor", payload: "{\"a\":\"b\"}", now: Date())
            try outbox.acknowledge(item.id)
        }
        let reopened = try FileOutbox(path: path)
        #expect(reopened.pending == 1)
        #expect(reopened.takeDue(now: Date(), limit: 10).first?.payload == "{\"a\":\"b\"}")
    }
}
