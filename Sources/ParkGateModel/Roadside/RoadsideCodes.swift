/// Table 4.1 响应状态代码 of the roadside protocol.
public enum RoadsideResponseCode: String, CodeTable {
    case success = "100"
    case badVendorKey = "200"
    case tokenExpired = "201"
    case typeMismatch = "202"
    case unparseable = "203"
    case requiredMissing = "204"
    case badFormat = "205"
    case forbidden = "206"
    case tooFrequent = "207"
    case serverError = "301"
    case unknown = "999"

    public var label: String {
        switch self {
        case .success: "访问正常,传输成功"
        case .badVendorKey: "验证码错误"
        case .tokenExpired: "token 过期"
        case .typeMismatch: "数据类型不匹配"
        case .unparseable: "无法正确解析数据"
        case .requiredMissing: "必要字段缺失"
        case .badFormat: "字段格式错误"
        case .forbidden: "无权限访问对应接口"
        case .tooFrequent: "访问频率过高"
        case .serverError: "服务端后台错误"
        case .unknown: "未知错误"
        }
    }
}

/// Table 4.2 消息类型代码: the fourth digit of a `flowId`.
public enum RoadsideMessageType: String, CodeTable {
    case videoPile = "1"
    case highVideo = "2"
    case geomagnetic = "3"
    case parkingAlarm = "4"
    case deviceError = "5"

    public var label: String {
        switch self {
        case .videoPile: "视频柱数据"
        case .highVideo: "高位视频数据"
        case .geomagnetic: "地磁线圈数据"
        case .parkingAlarm: "异常停车数据"
        case .deviceError: "设备异常数据"
        }
    }
}

/// The kind of detection device a vendor code (table 4.3) stands for.
public enum DeviceCategory: String, CodeTable, Codable {
    case geomagnetic
    case videoPile = "video-pile"
    case highVideo = "high-video"
    case midVideo = "mid-video"

    public var label: String {
        switch self {
        case .geomagnetic: "地磁/线圈"
        case .videoPile: "矮桩/视频桩"
        case .highVideo: "高位视频"
        case .midVideo: "中位视频"
        }
    }

    /// The endpoints a vendor of this category may call besides `alarm` and `deverror`.
    public var dataMessageTypes: Set<RoadsideMessageType> {
        switch self {
        case .geomagnetic: [.geomagnetic]
        case .videoPile: [.videoPile]
        case .highVideo, .midVideo: [.highVideo]
        }
    }
}

/// One row of table 4.3 厂商设备类型代码.
public struct SeedVendor: Sendable, Hashable {
    public let code: String
    public let name: String
    public let category: DeviceCategory
}

public enum RoadsideVendorTable {
    /// Table 4.3 as printed; ParkGate creates these vendors (without keys) on first start.
    public static let rows: [SeedVendor] = [
        SeedVendor(code: "101", name: "优先科技高位视频设备", category: .highVideo),
        SeedVendor(code: "102", name: "优先科技地磁设备", category: .geomagnetic),
        SeedVendor(code: "103", name: "青岛松立高位视频设备", category: .highVideo),
        SeedVendor(code: "104", name: "青岛松立地磁设备", category: .geomagnetic),
        SeedVendor(code: "105", name: "智慧互通高位视频设备", category: .highVideo),
        SeedVendor(code: "106", name: "智慧互通中位视频设备", category: .midVideo),
        SeedVendor(code: "107", name: "航天信息高位视频设备", category: .highVideo),
        SeedVendor(code: "108", name: "中兴智能高位视频设备", category: .highVideo),
        SeedVendor(code: "109", name: "青岛比特矮桩视频设备", category: .videoPile),
        SeedVendor(code: "110", name: "浙江大华矮桩视频设备", category: .videoPile),
        SeedVendor(code: "111", name: "浙江大华地磁设备", category: .geomagnetic),
        SeedVendor(code: "112", name: "交研院地磁设备", category: .geomagnetic),
    ]
}

/// 3.4 `alarmCode` 异常状态.
public enum ParkingAlarmCode: String, CodeTable {
    case irregularParking = "1"
    case videoBlocked = "2"
    case illegalOccupation = "3"
    case lowPlateConfidence = "4"
    case plateCovered = "5"
    case maliciousArrears = "10"
    case nonMemberParking = "11"
    case deviceFault = "12"
    case other = "99"

    public var label: String {
        switch self {
        case .irregularParking: "不规范停车(压线、斜停、跨位等)"
        case .videoBlocked: "视频遮挡"
        case .illegalOccupation: "车位非法占用"
        case .lowPlateConfidence: "车牌置信度低"
        case .plateCovered: "车牌遮挡"
        case .maliciousArrears: "恶意欠费"
        case .nonMemberParking: "非会员停车"
        case .deviceFault: "设备故障"
        case .other: "其他"
        }
    }
}

/// 3.4 `alarmLevel` 异常级别.
public enum AlarmLevel: String, CodeTable {
    case low = "1", medium = "2", high = "3"

    public var label: String {
        switch self {
        case .low: "低"
        case .medium: "中"
        case .high: "高"
        }
    }
}

/// 3.5 `alarmCode` 异常类型: the document defines only `0` (离线); the rest is "待完善".
public enum DeviceErrorCode: String, CodeTable {
    case offline = "0"

    public var label: String { "离线" }
}

/// 3.2 `vehType` 车辆类型.
public enum RoadsideVehicleType: String, CodeTable {
    case small = "1", medium = "2", large = "3", other = "4"

    public var label: String {
        switch self {
        case .small: "小型"
        case .medium: "中型"
        case .large: "大型"
        case .other: "其他"
        }
    }
}
