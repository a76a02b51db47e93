import Foundation

/// An open parking session as the rules need to see it.
public struct OpenSession: Sendable, Hashable {
    public var id: Int64
    public var plate: String?
    public var entryTime: Date

    public init(id: Int64, plate: String?, entryTime: Date) {
        self.id = id
        self.plate = plate
        self.entryTime = entryTime
    }
}

/// What an observation does to the parking sessions of one source on one berth.
public enum SessionDecision: Sendable, Hashable {
    case none
    /// Open a session at `entryTime`; close `supersedes` first (its exit was never seen).
    case open(entryTime: Date, plate: String?, supersedes: Int64?)
    /// Close the open session `id` at `exitTime`; `entryTime` corrects its start when the exit
    /// message carries `inTime`.
    case close(id: Int64, exitTime: Date, entryTime: Date)
    /// An exit with no open session: record a closed session from `entryTime` (nil when unknown).
    case closedWithoutEntry(entryTime: Date?, exitTime: Date, plate: String?)
}

/// Sessions are kept per source (vendor) and berth: on a test site several vendors' devices
/// watch the same berth, and each one's sessions are its own account of what happened.
public enum SessionRules {
    public static func decide(_ event: DetectionEvent, open: OpenSession?) -> SessionDecision {
        guard let entering = event.observation.impliedOccupancy else { return .none }
        let plate = event.plate?.number
        if entering {
            // A repeated "occupied" for the vehicle already inside changes nothing.
            if let open, open.plate == plate || plate == nil { return .none }
            return .open(entryTime: event.eventTime, plate: plate, supersedes: open?.id)
        }
        guard let open else {
            return .closedWithoutEntry(entryTime: event.entryTime, exitTime: event.eventTime, plate: plate)
        }
        let exitTime = max(event.eventTime, event.entryTime ?? open.entryTime)
        return .close(id: open.id, exitTime: exitTime, entryTime: event.entryTime ?? open.entryTime)
    }
}
