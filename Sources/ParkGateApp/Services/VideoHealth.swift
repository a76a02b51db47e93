import Foundation
import ParkGateModel
import ParkGateStore

/// The availability rate (完好率) of the video devices per day, overall and per area (the
/// first six digits of the GB/T 28181 id: province, city, district), against 附件 2's 95%.
public struct VideoHealth: Sendable {
    let store: any Store
    let time: ChinaTime

    public init(store: any Store, time: ChinaTime) { (self.store, self.time) = (store, time) }

    public struct Day: Sendable, Encodable {
        public var day: String
        public var figures: [VideoAvailability.Figure]
    }

    /// The days from `from` to `to` (China time, both included), newest first; today counts up to `now`.
    /// `only`: what a scoped user may see (its devices and areas).
    public func days(from: Date, to: Date, now: Date = Date(), only: RecordScope? = nil) async throws -> [Day] {
        let last = time.startOfDay(to)
        let inputs = try await store.videoAvailabilityInputs(until: min(now, last.addingTimeInterval(86_400)))
            .filter { only?.allowsVideoDevice($0.id) ?? true }
        var days: [Day] = []
        var start = last
        while start >= time.startOfDay(from), days.count < 366 {
            let end = min(start.addingTimeInterval(86_400), now)
            if end > start {
                days.append(Day(day: String(time.formatDashed(start).prefix(10)),
                                figures: VideoAvailability.figures(inputs, from: start, to: end, group: VideoAvailability.area(of:))))
            }
            start = time.startOfDay(start.addingTimeInterval(-3600))
        }
        return days
    }
}
