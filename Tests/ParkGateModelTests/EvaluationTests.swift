import Foundation
import ParkGateModel
import Testing

@Suite struct OptimalMatchingTests {
    @Test func findsMorePairsThanNearestFirst() {
        // Nearest-first pairs 14↔13 and leaves 10 and 18 apart (8 s > 4 s); optimal pairs both.
        let pairs = OptimalMatching.match([10, 14], [13, 18], tolerance: 4)
        #expect(pairs.map { [$0.0, $0.1] } == [[0, 0], [1, 1]])
    }

    @Test func prefersTheSmallestTotalDifference() {
        let pairs = OptimalMatching.match([0, 2], [1, 3], tolerance: 3)
        #expect(pairs.map { [$0.0, $0.1] } == [[0, 0], [1, 1]])
    }

    @Test func nothingFurtherThanTheTolerance() {
        #expect(OptimalMatching.match([0, 100], [50], tolerance: 10).isEmpty)
        #expect(OptimalMatching.match([], [1], tolerance: 10).isEmpty)
    }

    /// Against brute force over every assignment: same number of pairs, same total difference.
    @Test func agreesWithBruteForce() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Double(Int.random(in: 0...30, using: &generator)) }
            let b = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Double(Int.random(in: 0...30, using: &generator)) }
            let tolerance = Double(Int.random(in: 1...8, using: &generator))
            let pairs = OptimalMatching.match(a, b, tolerance: tolerance)
            #expect(Set(pairs.map(\.0)).count == pairs.count && Set(pairs.map(\.1)).count == pairs.count)
            #expect(pairs.allSatisfy { abs(a[$0.0] - b[$0.1]) <= tolerance })
            let best = bruteForce(a, b, tolerance)
            #expect(pairs.count == best.count, "a \(a) b \(b) tolerance \(tolerance)")
            #expect(abs(pairs.map { abs(a[$0.0] - b[$0.1]) }.reduce(0, +) - best.cost) < 1e-9, "a \(a) b \(b) tolerance \(tolerance)")
        }
    }

    func bruteForce(_ a: [Double], _ b: [Double], _ tolerance: Double) -> (count: Int, cost: Double) {
        var best = (count: 0, cost: 0.0)
        func search(_ i: Int, _ used: Set<Int>, _ count: Int, _ cost: Double) {
            if i == a.count {
                if count > best.count || (count == best.count && cost < best.cost) { best = (count, cost) }
                return
            }
            search(i + 1, used, count, cost)
            for j in b.indices where !used.contains(j) && abs(a[i] - b[j]) <= tolerance {
                search(i + 1, used.union([j]), count + 1, cost + abs(a[i] - b[j]))
            }
        }
        search(0, [], 0, 0)
        return best
    }
}

@Suite struct StatisticsTests {
    @Test func wilsonIntervalsStayInsideZeroAndOne() throws {
        let none = try #require(Statistics.wilson(successes: 0, trials: 10))
        #expect(none.low == 0 && abs(none.high - 0.2775) < 0.001)
        let all = try #require(Statistics.wilson(successes: 10, trials: 10))
        #expect(abs(all.low - 0.7225) < 0.001 && all.high == 1)
        let half = try #require(Statistics.wilson(successes: 50, trials: 100))
        #expect(abs(half.low - 0.4038) < 0.001 && abs(half.high - 0.5962) < 0.001)
        #expect(Statistics.wilson(successes: 0, trials: 0) == nil)
    }

    @Test func quantilesAndSlope() {
        let sorted = (1...100).map(Double.init)
        #expect(Statistics.quantile(sorted, 0.5) == 50)
        #expect(Statistics.quantile(sorted, 0.95) == 95)
        let interval = Statistics.quantileInterval(sorted, 0.5)!
        #expect(interval.low == 40 && interval.high == 60)
        #expect(Statistics.median([3, 1, 2, 10]) == 2.5)
        #expect(Statistics.slope([(0, 100), (1, 98), (2, 96)]) == -2)
    }
}

@Suite struct TruthCSVTests {
    let time = ChinaTime()

    @Test func readsTheDocumentedFormat() throws {
        let text = "\u{FEFF}psCode,event,time,plate,note\r\nP001,arrive,20260301083000,京A 12345,\"first, with comma\"\n\nP001,DEPART,20260301093512,,\n"
        let events = try TruthCSV.parse(text, time: time)
        #expect(events.count == 2)
        #expect(events[0] == TruthEvent(psCode: "P001", event: .arrive, time: time.parseCompact("20260301083000")!, plate: "京A12345"))
        #expect(events[1].event == .depart && events[1].plate == nil)
        #expect(try TruthCSV.parse(TruthCSV.format(events, time: time), time: time) == events)
    }

    @Test func columnsInAnyOrder() throws {
        let events = try TruthCSV.parse("time,plate,event,psCode\n20260301083000,-,arrive,B7\n", time: time)
        #expect(events == [TruthEvent(psCode: "B7", event: .arrive, time: time.parseCompact("20260301083000")!)])
    }

    @Test(arguments: [
        ("psCode,event,time\nP1,arrive,20260301083000\n", 1, "plate"),
        ("psCode,event,time,plate\nP1,arrived,20260301083000,\n", 2, "arrive or depart"),
        ("psCode,event,time,plate\nP1,arrive,20260301083000,\nP1,depart,2026-03-01 09:00,\n", 3, "YYYYMMDDHHmmss"),
        ("psCode,event,time,plate\n,arrive,20260301083000,\n", 2, "psCode"),
        ("", 1, "empty"),
    ])
    func refusesWithTheLine(text: String, line: Int, words: String) {
        #expect {
            try TruthCSV.parse(text, time: time)
        } throws: { error in
            guard let error = error as? TruthCSV.ParseError else { return false }
            return error.line == line && error.description.contains(words)
        }
    }
}

@Suite struct CampaignEvaluatorTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Two berths, three vehicles.
    static let truth: [TruthEvent] = [
        TruthEvent(psCode: "P1", event: .arrive, time: at(100), plate: "京A11111"),
        TruthEvent(psCode: "P1", event: .depart, time: at(1000), plate: "京A11111"),
        TruthEvent(psCode: "P1", event: .arrive, time: at(1500), plate: "沪B22222"),
        TruthEvent(psCode: "P2", event: .arrive, time: at(200), plate: "粤C33333"),
        TruthEvent(psCode: "P2", event: .depart, time: at(2500), plate: "粤C33333"),
    ]

    static func reports(offset: Double = 0, delay: Double = 2, skip: Set<Int> = [], misread: Set<Int> = [], extra: [ReportedEvent] = []) -> [ReportedEvent] {
        truth.enumerated().filter { !skip.contains($0.offset) }.map { index, event in
            ReportedEvent(
                kind: event.event == .arrive ? "entry" : "exit", psCode: event.psCode, flowId: "10910000000000000\(index)",
                eventTime: event.time.addingTimeInterval(offset + 1), receivedAt: event.time.addingTimeInterval(delay),
                plate: misread.contains(index) ? "京A11112" : event.plate, confidence: misread.contains(index) ? 65 : 95, imageCount: 1)
        } + extra
    }

    func evaluate(_ devices: [DeviceData]) -> EvaluationReport {
        let summary = CampaignSummary(name: "t", parkCode: "PK", from: "", to: "", tolerance: 30, truthSource: "csv", truthEvents: 0, berths: [], generatedAt: "")
        return CampaignEvaluator.evaluate(
            summary: summary, truth: Self.truth, devices: devices,
            settings: EvaluationSettings(window: DateInterval(start: Self.at(0), end: Self.at(3000)), tolerance: 30))
    }

    @Test func findsEachFaultAndOnlyIt() throws {
        let camera = DeviceUnderTest(vendor: "109", devCode: "C", category: .videoPile)
        let report = evaluate([
            DeviceData(device: DeviceUnderTest(vendor: "109", devCode: "GOOD", category: .videoPile), events: Self.reports()),
            DeviceData(device: DeviceUnderTest(vendor: "109", devCode: "LATE", category: .videoPile), events: Self.reports(offset: -90)),
            DeviceData(device: DeviceUnderTest(vendor: "102", devCode: "MISS", category: .geomagnetic), events: Self.reports(skip: [1]).map {
                var event = $0
                event.kind = event.kind == "entry" ? "occupied" : "vacant"
                event.plate = nil
                return event
            }),
            DeviceData(device: camera, events: Self.reports(misread: [2], extra: [
                ReportedEvent(kind: "entry", psCode: "P2", flowId: "x", eventTime: Self.at(2800), receivedAt: Self.at(2800), plate: "-"),
            ])),
        ])
        let byCode = Dictionary(uniqueKeysWithValues: report.devices.map { ($0.devCode, $0) })
        let good = try #require(byCode["GOOD"])
        #expect(good.recall == 1 && good.precision == 1 && good.plateAccuracy == 1 && good.occupancyAgreement! > 0.99)
        #expect(good.delayP50 == 2 && good.reportDelay.p50 == 1 && good.clockSkew == -1 && good.truthOffset == 1)

        let late = try #require(byCode["LATE"])
        #expect(late.recall == 1 && late.precision == 1)
        #expect(late.clockSkew == -91 && late.truthOffset == -89)
        #expect(late.delayP50 == 2, "the receipt delay does not depend on the device clock")

        let miss = try #require(byCode["MISS"])
        #expect(miss.departures.recall == 0.5 && miss.arrivals.recall == 1 && miss.precision == 1)
        #expect(miss.missed.map(\.psCode) == ["P1"] && miss.missed.first?.event == .depart)
        #expect(miss.plateAccuracy == nil)
        #expect(abs(miss.occupancyAgreement! - (6000 - 500) / 6000) < 0.01)

        let misread = try #require(byCode["C"])
        #expect(misread.plateAccuracy == 0.8 && misread.platesCompared == 5)
        #expect(misread.plateMisreads.map(\.truth) == ["沪B22222"])
        #expect(misread.falseEvents.count == 1 && misread.precision == 5.0 / 6)
        #expect(misread.confidenceBands.first { $0.band == "60-69" }?.accuracy == 0)

        let vendor109 = try #require(report.vendors.first { $0.vendor == "109" })
        #expect(vendor109.devices == ["C", "GOOD", "LATE"])
        #expect(vendor109.arrivals.truth == 9 && vendor109.plateAccuracy == 14.0 / 15)
        #expect(report.kinds.map(\.kind) == ["geomagnetic", "video-pile"])

        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"plateAccuracy\":null"), "sensors carry plateAccuracy null")
    }

    @Test func offsetSearchFindsALateClock() {
        let reports = Self.truth.map { ($0.psCode, $0.event, $0.time.addingTimeInterval(-90)) }
        #expect(CampaignEvaluator.estimateOffset(truth: Self.truth, reports: reports, center: -90, tolerance: 30, search: 600) == -90)
        #expect(CampaignEvaluator.estimateOffset(truth: Self.truth, reports: Array(reports.prefix(2)), center: 0, tolerance: 30, search: 600) == 0,
                "fewer than three pairs: no correction")
    }
}

@Suite struct HexTests {
    @Test func matchesFormattedHex() {
        let bytes: [UInt8] = [0, 1, 0x0F, 0x10, 0xAB, 0xFF]
        #expect(Hex.string(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.string(bytes, uppercase: true) == "00010F10ABFF")
        #expect(Hex.string([UInt8]()) == "")
    }
}
