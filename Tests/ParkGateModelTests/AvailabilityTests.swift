import Foundation
import ParkGateModel
import Testing

@Suite struct AvailabilityTests {
    static let day = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ hours: Double) -> Date { day.addingTimeInterval(hours * 3600) }

    @Test func onlineSecondsFromChanges() {
        // Online before the day, off from 6:00 to 8:00, on until the end.
        let flaky = VideoAvailability.Device(id: "35020000001320000001", since: Self.at(-48), changes: [
            .init(online: true, at: Self.at(-47)), .init(online: false, at: Self.at(6)), .init(online: true, at: Self.at(8)),
        ])
        let (online, expected) = VideoAvailability.seconds(flaky, from: Self.at(0), to: Self.at(24))
        #expect(online == 22 * 3600 && expected == 24 * 3600)
        // Added at noon and never heard from: offline for the half day it existed.
        let silent = VideoAvailability.Device(id: "35020500001320000002", since: Self.at(12), changes: [])
        #expect(VideoAvailability.seconds(silent, from: Self.at(0), to: Self.at(24)) == (0, 12 * 3600))
        // Added tomorrow: not counted.
        let later = VideoAvailability.Device(id: "35020500001320000003", since: Self.at(30), changes: [])
        let figures = VideoAvailability.figures([flaky, silent, later], from: Self.at(0), to: Self.at(24), group: VideoAvailability.area(of:))
        #expect(figures.map(\.group) == ["all", "350200", "350205"])
        #expect(figures[0].devices == 2 && figures[0].rate == 22.0 / 36.0 && figures[0].meetsRequirement == false)
        #expect(figures[1].rate == 22.0 / 24.0 && figures[2].rate == 0)
        #expect(VideoAvailability.figures([], from: Self.at(0), to: Self.at(24), group: VideoAvailability.area(of:)).first?.rate == nil)
    }
}
