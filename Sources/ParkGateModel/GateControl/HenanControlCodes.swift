/// The control code lists of appendix B (7.18–7.22): what a heavy-pollution control project and
/// an enterprise's measures say.

/// 7.18 管控等级
public enum HenanControlLevel: String, CodeTable {
    case yellow = "1"
    case orange = "2"
    case red = "3"
    case other = "4"

    public var label: String {
        switch self {
        case .yellow: "黄色"
        case .orange: "橙色"
        case .red: "红色"
        case .other: "其他"
        }
    }
}

/// 7.19 管控区域
public enum HenanControlArea: String, CodeTable {
    case wholeCity = "1"
    case dieselTruckBanZone = "2"

    public var label: String {
        switch self {
        case .wholeCity: "全市管控"
        case .dieselTruckBanZone: "柴油货车禁行区管控"
        }
    }
}

/// 7.20 管控策略
public enum HenanControlStrategy: String, CodeTable {
    case banChina3Heavy = "1"
    case banChina4Heavy = "2"
    case banChina4DieselChina5Gas = "3"
    case banChina3HeavyHalveTransport = "4"
    case banChina4HeavyHalveTransport = "5"
    case banChina4DieselChina5GasHalveTransport = "6"
    case stopTransport = "7"

    public var label: String {
        switch self {
        case .banChina3Heavy: "禁行国三及以下重型柴油车（燃气）车通行"
        case .banChina4Heavy: "禁行国四及以下重型柴油（燃气）车通行"
        case .banChina4DieselChina5Gas: "禁行国四及以下重型柴油与国五及以下燃气车通行"
        case .banChina3HeavyHalveTransport: "禁行国三及以下重型柴油车（燃气）车通行，且减少 50% 车辆运输"
        case .banChina4HeavyHalveTransport: "禁行国四及以下重型柴油（燃气）车通行，且减少 50%车辆运输"
        case .banChina4DieselChina5GasHalveTransport: "禁行国四及以下重型柴油与国五及以下燃气车通行，且减少 50%车辆运输"
        case .stopTransport: "停止车辆运输"
        }
    }
}

/// 7.21 企业管控类型
public enum HenanCompanyControlType: String, CodeTable {
    case gradeA = "1"
    case gradeB = "2"
    case gradeC = "3"
    case gradeD = "4"
    case performanceLeader = "5"
    case notPerformanceLeader = "6"
    case livelihood = "7"
    case longStopped = "8"
    case other = "9"

    public var label: String {
        switch self {
        case .gradeA: "A 级"
        case .gradeB: "B 级"
        case .gradeC: "C 级"
        case .gradeD: "D 级"
        case .performanceLeader: "绩效引领性企业"
        case .notPerformanceLeader: "非绩效引领性企业"
        case .livelihood: "民生保障"
        case .longStopped: "长期停产"
        case .other: "其他"
        }
    }
}

/// 7.22 企业管控措施
public enum HenanCompanyMeasure: String, CodeTable {
    case stopProduction = "1"
    case rotatingStop = "2"
    case processLimit = "3"
    case stopProductionAndTransport = "5"
    case rotatingStopAndTransport = "6"
    case processLimitAndTransport = "7"
    case other = "8"

    public var label: String {
        switch self {
        case .stopProduction: "停产"
        case .rotatingStop: "轮停"
        case .processLimit: "工序限产"
        case .stopProductionAndTransport: "停产且停止车辆运输"
        case .rotatingStopAndTransport: "轮停且停止车辆运输"
        case .processLimitAndTransport: "工序限产且停止车辆运输"
        case .other: "其他"
        }
    }
}

extension HenanCompanyMeasure {
    /// 5–7 stop the enterprise's vehicle transport as well.
    public var stopsTransport: Bool { [.stopProductionAndTransport, .rotatingStopAndTransport, .processLimitAndTransport].contains(self) }
}
