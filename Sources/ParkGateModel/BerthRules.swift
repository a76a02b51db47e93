import Foundation

/// The current occupancy of a berth, as the newest observation says.
public struct BerthSnapshot: Sendable, Hashable {
    public var occupied: Bool
    public var plate: String?
    /// When the berth took this state (the observation's event time).
    public var since: Date
    /// Event time of the newest observation applied.
    public var lastEventTime: Date
    public var deviceCode: String
    public var vendor: String

    public init(occupied: Bool, plate: String?, since: Date, lastEventTime: Date, deviceCode: String, vendor: String) {
        self.occupied = occupied
        self.plate = plate
        self.since = since
        self.lastEventTime = lastEventTime
        self.deviceCode = deviceCode
        self.vendor = vendor
    }
}

public enum BerthRules {
    /// The berth's state after `event`, or nil when the event does not change it: it carries no
    /// occupancy, or it is older than what the berth already reflects (late retries must not
    /// turn the clock back).
    public static func apply(_ event: DetectionEvent, to current: BerthSnapshot?) -> BerthSnapshot? {
        guard let occupied = event.observation.impliedOccupancy else { return nil }
        if let current, event.eventTime < current.lastEventTime { return nil }
        let plate = occupied ? event.plate?.number : nil
        let unchanged = current?.occupied == occupied
        return BerthSnapshot(
            occupied: occupied,
            plate: unchanged && plate == nil ? current?.plate : plate,
            since: unchanged ? current!.since : event.eventTime,
            lastEventTime: event.eventTime,
            deviceCode: event.deviceCode,
            vendor: event.vendor
        )
    }
}
