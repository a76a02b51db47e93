import ParkGateModel

/// The six endpoints of section 3 and what each accepts.
public enum RoadsideEndpoint: String, CaseIterable, Sendable {
    case token, camera, hpcamera, msensor, alarm, deverror

    /// `/park/<name>`.
    public var path: String { "/park/" + rawValue }

    /// The message type digit of table 4.2 this endpoint's `flowId`s carry.
    public var messageType: RoadsideMessageType? {
        switch self {
        case .token: nil
        case .camera: .videoPile
        case .hpcamera: .highVideo
        case .msensor: .geomagnetic
        case .alarm: .parkingAlarm
        case .deverror: .deviceError
        }
    }

    /// PROFILE.md: `camera` ← video-pile vendors, `hpcamera` ← high/mid video, `msensor` ←
    /// geomagnetic, `alarm` and `deverror` ← all.
    public func allows(_ category: DeviceCategory) -> Bool {
        switch self {
        case .token, .alarm, .deverror: true
        case .camera, .hpcamera, .msensor: category.dataMessageTypes.contains(messageType!)
        }
    }

    /// The field table of the endpoint's section, in the document's order.
    public var fields: [RoadsideField] { Self.tables[self]!.fields }

    /// The same rows by name.
    public var fieldsByName: [String: RoadsideField] { Self.tables[self]!.byName }

    /// Each endpoint's table, built once: a request's validation used to build it (and the
    /// code sets in it) and its name index anew, ~3% of a roadside request's CPU.
    private static let tables: [RoadsideEndpoint: (fields: [RoadsideField], byName: [String: RoadsideField])] =
        Dictionary(uniqueKeysWithValues: allCases.map { endpoint in
            let fields = endpoint.table
            return (endpoint, (fields, Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })))
        })

    private var table: [RoadsideField] {
        let common: [RoadsideField] = [
            .init("token", required: true, format: .token),
            .init("comType", required: true, format: .text(max: 16)),
            .init("flowId", required: true, format: .flowId),
            .init("parkCode", required: true, format: .text(max: 64)),
            .init("devCode", required: true, format: .text(max: 64)),
            .init("psCode", required: true, format: .text(max: 64)),
        ]
        switch self {
        case .token:
            return [
                .init("comType", required: true, format: .text(max: 16)),
                .init("dataTime", required: true, format: .timestamp),
                .init("comKey", required: true, format: .text(max: 128)),
            ]
        case .camera, .hpcamera:
            return common + [
                .init("inOutState", required: true, format: .codes(["0", "1"])),
                .init("vehPlate", required: true, format: .text(max: 32)),
                .init("confidence", required: false, format: .integer(0...100)),
                .init("ifManualCheck", required: false, format: .codes(["0", "1"])),
                .init("fvehPlate", required: false, format: .text(max: 32)),
                .init("fpsCode", required: false, format: .text(max: 64)),
                .init("plateColor", required: false, format: .codes(Set(PlateKind.allCases.map(\.rawValue)))),
                .init("vehColor", required: false, format: .codes(Set(BodyColor.allCases.map(\.rawValue)))),
                .init("vehType", required: false, format: .codes(Set(RoadsideVehicleType.allCases.map(\.rawValue)))),
                .init("plateFeature", required: false, format: .plateFeature),
                .init("Image1", required: false, format: .text(max: 2048)),
                .init("Image2", required: false, format: .text(max: 2048)),
                .init("Image3", required: false, format: .text(max: 2048)),
                .init("Image4", required: false, format: .text(max: 2048)),
                .init("dataTime", required: true, format: .timestamp),
                .init("inTime", required: false, format: .timestamp),
            ]
        case .msensor:
            return common + [
                .init("psState", required: true, format: .codes(["0", "1"])),
                .init("devElec", required: false, format: .text(max: 32)),
                .init("dataTime", required: true, format: .timestamp),
            ]
        case .alarm:
            return common + [
                .init("alarmCode", required: true, format: .codes(Set(ParkingAlarmCode.allCases.map(\.rawValue)))),
                .init("alarmTime", required: true, format: .timestamp),
                .init("alarmLevel", required: false, format: .codes(Set(AlarmLevel.allCases.map(\.rawValue)))),
            ]
        case .deverror:
            // Only `0` is defined ("待完善"): other codes are a finding, not a rejection, unless strict.
            return common + [
                .init("alarmCode", required: true, format: .openCodes(Set(DeviceErrorCode.allCases.map(\.rawValue)))),
                .init("alarmTime", required: true, format: .timestamp),
            ]
        }
    }

    /// Keys the document's own examples use for table fields (README "Known defects").
    public static let aliases: [String: String] = [
        "fullImage": "Image1", "closeupImage": "Image2", "plateImage": "Image3",
    ]
}

/// One row of a field table.
public struct RoadsideField: Sendable {
    public enum Format: Sendable {
        case text(max: Int)
        case token
        case flowId
        case timestamp
        case codes(Set<String>)
        /// A code list the document left unfinished: unknown values are findings (strict: 205).
        case openCodes(Set<String>)
        case integer(ClosedRange<Int>)
        case plateFeature
    }

    public let name: String
    public let required: Bool
    public let format: Format

    init(_ name: String, required: Bool, format: Format) {
        self.name = name
        self.required = required
        self.format = format
    }
}
