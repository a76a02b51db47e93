import Foundation
import ParkGateModel

/// A device test campaign (第三方检测): a site, the devices under test, a window and a ground truth.
public struct CampaignRecord: Sendable, Hashable, Encodable {
    public var name: String
    public var parkCode: String
    /// The site's berths; empty for the berths of the ground truth.
    public var berths: [String]
    /// Devices under test, as given: `devCode` or `vendor:devCode`.
    public var devices: [String]
    public var from: Date
    public var to: Date
    /// Matching tolerance, seconds.
    public var tolerance: Double
    /// The reference device (`devCode` or `vendor:devCode`) when it is the ground truth; nil
    /// when the truth was imported.
    public var reference: String?
    public var truthEvents: Int
    public var createdAt: Date
    public var createdBy: String

    public init(name: String, parkCode: String, berths: [String], devices: [String], from: Date, to: Date, tolerance: Double,
                reference: String?, truthEvents: Int = 0, createdAt: Date, createdBy: String) {
        (self.name, self.parkCode, self.berths, self.devices, self.from, self.to) = (name, parkCode, berths, devices, from, to)
        (self.tolerance, self.reference, self.truthEvents, self.createdAt, self.createdBy) = (tolerance, reference, truthEvents, createdAt, createdBy)
    }
}

/// An event of a device under test, with what the evaluation needs from its raw message.
public struct EvaluationEventRow: Sendable, Hashable {
    public var vendor, devCode: String
    public var event: ReportedEvent
}
