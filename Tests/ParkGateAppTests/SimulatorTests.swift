import Foundation
import ParkGateApp
import ParkGateClient
import ParkGateProtocols
import ParkGateStore
import ParkGateTestSupport
import Testing

/// The simulator speaks the real wire format: everything it sends is acknowledged and stored.
@Suite(.timeLimit(.minutes(3))) struct SimulatorTests {
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

/// The T/CPMI lot simulator speaks the real wire format: everything it sends is acknowledged.
@Suite(.timeLimit(.minutes(3))) struct ParkingLotSimulatorTests {
    @Test func simulatedLotsAreAcknowledgedAndStored() async throws {
        try await TestServer.run { server in
            let platform = try Platform.open(server.config, logger: TestDatabases.logger)
            try await platform.withReadyStore { store in
                for index in 1...2 {
                    try await store.savePark(ParkRecord(
                        code: String(format: "SIM%03d", index), name: "模拟停车场 \(index)", totalSpaces: 20, account: "simlot\(index)",
                        passwordHash: try PasswordHash.make("sim", rounds: 1000), secret: "S", signatureOn: true, createdAt: Date(), updatedAt: Date()))
                }
            }
            let lots = (1...2).map { ParkingLotSimulator.Lot(account: "simlot\($0)", password: "sim", secret: "S", parkCode: String(format: "SIM%03d", $0), total: 20) }
            let report = try await ParkingLotSimulator(
                target: "http://127.0.0.1:\(server.port)", lots: lots, rate: 60, duration: 1.5, heartbeatInterval: 0.5).run()
            #expect(report.acknowledged == report.sent && report.sent > 90, "\(report)")
            #expect((report.byInterface["2"] ?? 0) > 0 && (report.byInterface["4"] ?? 0) > 0 && (report.byInterface["5"] ?? 0) > 0)
            let records = try await server.items("/api/v1/parking-records?limit=1000")
            #expect(records.count == report.byInterface["2"], "one record per entry")
            #expect(records.filter { $0["status"] as? String == "exited" }.count == report.byInterface["4"])
            #expect(try await server.items("/api/v1/findings?protocol=cpmi").isEmpty, "the simulator sends conforming messages")
            #expect(try await server.items("/api/v1/parks").allSatisfy { $0["online"] as? Bool == true })
        }
    }
}
