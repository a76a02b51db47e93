import Foundation
import ParkGateModel
import Testing

@Suite struct ChinaTimeTests {
    let time = ChinaTime()

    @Test func parsesDocumentTimesAsChinaStandardTime() throws {
        let date = try #require(time.parseCompact("20171010123059"))
        #expect(date == Date(timeIntervalSince1970: 1_507_609_859))
        #expect(time.formatCompact(date) == "20171010123059")
    }

    @Test(arguments: ["20171310123059", "20170230120000", "20230229000000", "20171010246000", "2017101012305", "2017101012305a", "", "２０１７１０１０１２３０５９"])
    func refusesTimesThatAreNotRealInstants(_ text: String) {
        #expect(time.parseCompact(text) == nil)
    }

    @Test func leapDayIsReal() {
        #expect(time.parseCompact("20240229235959") != nil)
    }
}

@Suite struct RuleTests {
    static let base = Date(timeIntervalSince1970: 1_700_000_000)

    func event(_ observation: Observation, plate: String? = nil, at offset: TimeInterval = 0, entry: Date? = nil) -> DetectionEvent {
        DetectionEvent(
            protocolName: "t", messageId: "m", vendor: "v", deviceCode: "d", berth: BerthKey(parkCode: "p", psCode: "s"),
            observation: observation, plate: plate.map { Plate(number: $0) }, eventTime: Self.base.addingTimeInterval(offset),
            eventTimeText: "", entryTime: entry, receivedAt: Self.base)
    }

    @Test func berthFollowsNewestObservationOnly() throws {
        let occupied = try #require(BerthRules.apply(event(.passage(entering: true), plate: "A1", at: 10), to: nil))
        #expect(occupied.occupied && occupied.plate == "A1")
        #expect(BerthRules.apply(event(.occupancy(occupied: false), at: 5), to: occupied) == nil)
        let vacant = try #require(BerthRules.apply(event(.occupancy(occupied: false), at: 20), to: occupied))
        #expect(!vacant.occupied && vacant.plate == nil && vacant.since == Self.base.addingTimeInterval(20))
        #expect(BerthRules.apply(event(.parkingAlarm(code: "1", level: nil), at: 30), to: vacant) == nil)
        // A repeated "occupied" keeps the time the berth became occupied.
        let again = try #require(BerthRules.apply(event(.occupancy(occupied: true), at: 40), to: occupied))
        #expect(again.since == occupied.since && again.plate == "A1")
    }

    @Test func sessionsOpenCloseAndSupersede() {
        #expect(SessionRules.decide(event(.passage(entering: true), plate: "A1"), open: nil)
            == .open(entryTime: Self.base, plate: "A1", supersedes: nil))
        let open = OpenSession(id: 7, plate: "A1", entryTime: Self.base)
        #expect(SessionRules.decide(event(.passage(entering: true), plate: "A1", at: 5), open: open) == .none)
        #expect(SessionRules.decide(event(.passage(entering: true), plate: "B2", at: 5), open: open)
            == .open(entryTime: Self.base.addingTimeInterval(5), plate: "B2", supersedes: 7))
        #expect(SessionRules.decide(event(.passage(entering: false), plate: "A1", at: 60), open: open)
            == .close(id: 7, exitTime: Self.base.addingTimeInterval(60), entryTime: Self.base))
        let inTime = Self.base.addingTimeInterval(-30)
        #expect(SessionRules.decide(event(.passage(entering: false), at: 60, entry: inTime), open: nil)
            == .closedWithoutEntry(entryTime: inTime, exitTime: Self.base.addingTimeInterval(60), plate: nil))
        #expect(SessionRules.decide(event(.deviceError(code: "0")), open: open) == .none)
    }

    @Test func codeTablesMatchTheDocument() {
        #expect(RoadsideResponseCode.allCases.map(\.rawValue) == ["100", "200", "201", "202", "203", "204", "205", "206", "207", "301", "999"])
        #expect(RoadsideVendorTable.rows.map(\.code) == (101...112).map(String.init))
        #expect(ParkingAlarmCode.allCases.map(\.rawValue) == ["1", "2", "3", "4", "5", "10", "11", "12", "99"])
        #expect(RoadsideMessageType(code: "3")?.label == "地磁线圈数据")
    }
}

/// T/CPMI's Float money (appendix C), kept in fen.
@Suite struct MoneyTests {
    @Test(arguments: [
        ("12.5", 1250), ("12.50", 1250), ("4", 400), ("0.01", 1), ("-3", -300), ("-0.05", -5), (" 7.2 ", 720),
        ("12.500", 1250), (".5", 50), ("12.", 1200), ("0", 0), ("9999999999999999.99", 999_999_999_999_999_999),
    ] as [(String, Int64)])
    func readsAmountsWithAtMostTwoDecimals(_ text: String, _ fen: Int64) {
        #expect(Money(text)?.fen == fen)
    }

    @Test(arguments: ["", " ", "-", ".", "12.505", "1.2.3", "1e2", "+5", "abc", "12,5", "１２", "10000000000000000", "5-"])
    func refusesWhatIsNotSuchAnAmount(_ text: String) {
        #expect(Money(text) == nil)
    }

    @Test func writesTwoDecimals() {
        #expect(Money(fen: 1250).text == "12.50")
        #expect(Money(fen: 5).text == "0.05")
        #expect(Money(fen: -5).text == "-0.05")
        #expect(Money(fen: -1207).text == "-12.07")
        #expect(Money(fen: 0).text == "0.00")
        #expect(Money(fen: 100_000).text == "1000.00")
    }
}
