import ParkGateModel

/// A refusal with its table 4.1 code and a message naming what was wrong.
public struct RoadsideError: Error, Sendable, Equatable {
    public let code: RoadsideResponseCode
    public let message: String
    /// The request's `flowId`, when it could be read.
    public var flowId: String?

    public init(_ code: RoadsideResponseCode, _ message: String, flowId: String? = nil) {
        self.code = code
        self.message = message
        self.flowId = flowId
    }
}
