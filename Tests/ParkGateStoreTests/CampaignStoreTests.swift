import Foundation
import ParkGateModel
import ParkGateStore
import ParkGateTestSupport
import Testing

/// Campaign storage, run against SQLite and PostgreSQL.
@Suite struct CampaignStoreTests {
    static let base = StoreContractTests.base

    @Test(arguments: Backend.available)
    func campaignsKeepTheirTruth(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let truth = [
                TruthEvent(psCode: "P1", event: .arrive, time: Self.base, plate: "京A12345"),
                TruthEvent(psCode: "P1", event: .depart, time: Self.base.addingTimeInterval(600)),
            ]
            let campaign = CampaignRecord(
                name: "c1", parkCode: "PK", berths: ["P1", "P2"], devices: ["109:D1", "D2"], from: Self.base,
                to: Self.base.addingTimeInterval(3600), tolerance: 12.5, reference: nil, createdAt: Self.base, createdBy: "admin")
            try await store.createCampaign(campaign, truth: truth)
            await #expect(throws: StoreError.self) { try await store.createCampaign(campaign, truth: []) }
            var expected = campaign
            expected.truthEvents = 2
            #expect(try await store.campaign(named: "c1") == expected)
            #expect(try await store.campaigns() == [expected])
            #expect(try await store.campaignTruth(named: "c1") == truth)
            #expect(try await store.deleteCampaign(named: "c1"))
            #expect(try await store.campaign(named: "c1") == nil)
            #expect(try await store.campaignTruth(named: "c1").isEmpty)
            #expect(try await !store.deleteCampaign(named: "c1"))
        }
    }

    @Test(arguments: Backend.available)
    func evaluationEventsByDeviceTimeOrReceipt(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            _ = try await store.ingest([
                StoreContractTests.command("A1", kind: .passage(entering: true), plate: "京A1", at: 0, dev: "D1"),
                StoreContractTests.command("A2", kind: .passage(entering: false), plate: "京A1", at: 100, dev: "D1"),
                StoreContractTests.command("B1", kind: .passage(entering: true), at: 50, dev: "D9"),
            ])
            // A device whose clock is eight hours behind: found by its receipt time.
            var late = StoreContractTests.command("L1", kind: .passage(entering: true), at: 60, dev: "D2")
            late.event.eventTime = Self.base.addingTimeInterval(60 - 8 * 3600)
            _ = try await store.ingest([late])
            let rows = try await store.evaluationEvents(
                parkCode: "PK", devCodes: ["D1", "D2"], from: Self.base.addingTimeInterval(-10), to: Self.base.addingTimeInterval(90))
            #expect(rows.map(\.event.flowId).sorted() == ["A1", "L1"])
            let first = try #require(rows.first { $0.event.flowId == "A1" })
            #expect(first.vendor == "109" && first.devCode == "D1" && first.event.kind == "entry" && first.event.plate == "京A1")
            #expect(first.event.receivedAt == Self.base && first.event.findings == 0)
        }
    }
}

/// The dashboard's figures, on both databases (PostgreSQL sums are NUMERIC unless cast).
@Suite struct DashboardStoreTests {
    @Test(arguments: Backend.available)
    func hourlyFlowsAndCounts(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let base = StoreContractTests.base
            _ = try await store.ingest([
                StoreContractTests.command("H1", kind: .passage(entering: true), ps: "P1", at: 0, dev: "D1"),
                StoreContractTests.command("H2", kind: .passage(entering: true), ps: "P2", at: 60, dev: "D1"),
                StoreContractTests.command("H3", kind: .passage(entering: false), ps: "P1", at: 3700, dev: "D1"),
            ])
            let flows = try await store.hourlyFlows(from: base.addingTimeInterval(-7200), to: base.addingTimeInterval(7200), scope: nil)
            #expect(flows.map(\.arrivals).reduce(0, +) == 2 && flows.map(\.departures).reduce(0, +) == 1)
            let counts = try await store.counts(scope: nil, since: base.addingTimeInterval(-1))
            #expect(counts.entriesSince == 2 && counts.exitsSince == 1)
            let scoped = try await store.counts(scope: RecordScope(parks: ["ELSEWHERE"]), since: base.addingTimeInterval(-1))
            #expect(scoped.events == 0 && scoped.entriesSince == 0)
        }
    }
}
