/// The code lists of appendix B (7.1–7.22) of 河南省大宗物料运输车辆门禁管控系统接口规范 V1.9.4, as the
/// document prints them. Small lists are enums; the vehicle types (7.7) and industries (7.16)
/// are tables, with the document's order kept.


/// 7.1 车牌颜色
public enum HenanPlateColor: String, CodeTable {
    case blue = "0"
    case yellow = "1"
    case white = "2"
    case black = "3"
    case newEnergy = "4"
    case other = "5"

    public var label: String {
        switch self {
        case .blue: "蓝色"
        case .yellow: "黄色"
        case .white: "白色"
        case .black: "黑色"
        case .newEnergy: "新能源"
        case .other: "其他"
        }
    }
}

/// 7.2 照片编号
public enum HenanPhotoNumber: String, CodeTable {
    case front = "1"
    case rear = "2"

    public var label: String {
        switch self {
        case .front: "前照"
        case .rear: "后照"
        }
    }
}

/// 7.3 照片类型
public enum HenanPhotoType: String, CodeTable {
    case entering = "1"
    case leaving = "2"
    case forcedEntry = "3"

    public var label: String {
        switch self {
        case .entering: "进厂照片"
        case .leaving: "出厂照片"
        case .forcedEntry: "闯岗照片"
        }
    }
}

/// 7.4 黑名单类型
public enum HenanBlacklistType: String, CodeTable {
    case roadCheck = "1"
    case householdCheck = "2"
    case remoteSensing = "3"
    case overdueRepair = "4"
    case repeatedInspectionFailure = "5"
    case blackSmokeReport = "6"
    case other = "9"

    public var label: String {
        switch self {
        case .roadCheck: "路检检测黑名单"
        case .householdCheck: "入户检测黑名单"
        case .remoteSensing: "遥感检测不合格"
        case .overdueRepair: "逾期未治理车辆"
        case .repeatedInspectionFailure: "多次年检不合格车辆"
        case .blackSmokeReport: "黑烟车举报车辆"
        case .other: "其他"
        }
    }
}

/// 7.5 预警类型
public enum HenanWarningType: String, CodeTable {
    case roadCheck = "01"
    case householdCheck = "02"
    case remoteSensing = "03"
    case overdueRepair = "04"
    case repeatedInspectionFailure = "05"
    case blackSmokeReport = "06"
    case forcedEntry = "07"
    case trafficOverLimit = "08"
    case overstay = "09"

    public var label: String {
        switch self {
        case .roadCheck: "路检检测黑名单"
        case .householdCheck: "入户检测黑名单"
        case .remoteSensing: "遥感检测不合格"
        case .overdueRepair: "逾期未治理车辆"
        case .repeatedInspectionFailure: "多次年检不合格车辆"
        case .blackSmokeReport: "黑烟车举报车辆"
        case .forcedEntry: "车辆闯岗"
        case .trafficOverLimit: "车流量超标"
        case .overstay: "车辆滞留超过指定时间"
        }
    }
}

/// 7.6 排放阶段
public enum HenanEmissionStage: String, CodeTable {
    case china0 = "0"
    case china1 = "1"
    case china2 = "2"
    case china3 = "3"
    case china4 = "4"
    case china5 = "5"
    case china6 = "6"
    case china7 = "7"
    case electric = "D"
    case none = "X"

    public var label: String {
        switch self {
        case .china0: "国 0"
        case .china1: "国Ⅰ"
        case .china2: "国Ⅱ"
        case .china3: "国Ⅲ"
        case .china4: "国Ⅳ"
        case .china5: "国Ⅴ"
        case .china6: "国Ⅵ"
        case .china7: "国Ⅶ"
        case .electric: "电动"
        case .none: "无排放阶段"
        }
    }
}

extension HenanEmissionStage {
    /// The China stage number (0–7); nil for electric and for vehicles without a stage.
    public var number: Int? { Int(rawValue) }
}

/// 7.8 使用性质
public enum HenanUseCharacter: String, CodeTable {
    case cA = "A"
    case cB = "B"
    case cC = "C"
    case cD = "D"
    case cE = "E"
    case cF = "F"
    case cG = "G"
    case cH = "H"
    case cI = "I"
    case cJ = "J"
    case cK = "K"
    case cL = "L"
    case cM = "M"
    case cN = "N"
    case cO = "O"
    case cP = "P"
    case cQ = "Q"
    case cR = "R"
    case cS = "S"

    public var label: String {
        switch self {
        case .cA: "非营运"
        case .cB: "公路客运"
        case .cC: "公交客运"
        case .cD: "出租客运"
        case .cE: "旅游客运"
        case .cF: "货运"
        case .cG: "租赁"
        case .cH: "警用"
        case .cI: "消防"
        case .cJ: "救护"
        case .cK: "工程抢险"
        case .cL: "营转非"
        case .cM: "出租转非"
        case .cN: "教练"
        case .cO: "幼儿校车"
        case .cP: "小学生校车"
        case .cQ: "初中生校车"
        case .cR: "危险品运输"
        case .cS: "中小学生校车"
        }
    }
}

/// 7.9 驱动方式
public enum HenanDriveType: String, CodeTable {
    case front = "1"
    case rear = "2"
    case fourWheel = "3"
    case fullTimeFourWheel = "4"

    public var label: String {
        switch self {
        case .front: "前驱"
        case .rear: "后驱"
        case .fourWheel: "四驱"
        case .fullTimeFourWheel: "全时四驱"
        }
    }
}

/// 7.10 变速器型式
public enum HenanTransmission: String, CodeTable {
    case manual = "1"
    case automatic = "2"
    case manumatic = "3"

    public var label: String {
        switch self {
        case .manual: "手动"
        case .automatic: "自动"
        case .manumatic: "手/自一体"
        }
    }
}

/// 7.11 供油方式
public enum HenanFuelSupply: String, CodeTable {
    case carburettor = "1"
    case convertedCarburettor = "2"
    case openLoopInjection = "3"
    case closedLoopInjection = "4"
    case commonRail = "5"
    case pumpNozzle = "6"
    case unitPump = "7"
    case inlinePump = "8"
    case mechanicalPump = "9"
    case other = "10"

    public var label: String {
        switch self {
        case .carburettor: "化油器"
        case .convertedCarburettor: "化油器改造"
        case .openLoopInjection: "开环电喷"
        case .closedLoopInjection: "闭环电喷"
        case .commonRail: "高压共轨"
        case .pumpNozzle: "泵油嘴"
        case .unitPump: "单体泵"
        case .inlinePump: "直列泵"
        case .mechanicalPump: "机械泵"
        case .other: "其它"
        }
    }
}

/// 7.12 燃油类型
public enum HenanFuelType: String, CodeTable {
    case petrol = "A"
    case diesel = "B"
    case electric = "C"
    case mixedOil = "D"
    case naturalGas = "E"
    case lpg = "F"
    case methanol = "L"
    case ethanol = "M"
    case solar = "N"
    case hybrid = "O"
    case hydrogen = "P"
    case biofuel = "Q"
    case none = "Y"
    case other = "Z"

    public var label: String {
        switch self {
        case .petrol: "汽油"
        case .diesel: "柴油"
        case .electric: "电"
        case .mixedOil: "混合油"
        case .naturalGas: "天然气"
        case .lpg: "液化石油气"
        case .methanol: "甲醇"
        case .ethanol: "乙醇"
        case .solar: "太阳能"
        case .hybrid: "混合动力"
        case .hydrogen: "氢"
        case .biofuel: "生物燃料"
        case .none: "无(仅限全挂车等无动力)"
        case .other: "其它"
        }
    }
}

extension HenanFuelType {
    /// 燃气: the strategies of 7.20 name diesel and gas vehicles.
    public var isGas: Bool { self == .naturalGas || self == .lpg }
}

/// 7.13 进气方式
public enum HenanAirIntake: String, CodeTable {
    case natural = "1"
    case turbo = "2"

    public var label: String {
        switch self {
        case .natural: "自然吸气"
        case .turbo: "涡轮增压"
        }
    }
}

/// 7.14 豁免类型
public enum HenanExemption: String, CodeTable {
    case deepRetrofit = "1"
    case keySupplies = "2"

    public var label: String {
        switch self {
        case .deepRetrofit: "深度治理改造合格"
        case .keySupplies: "重点物资运输保障"
        }
    }
}

/// 7.15 闸道出入类型
public enum HenanGateDirection: String, CodeTable {
    case exitOnly = "A"
    case entryOnly = "B"
    case both = "C"

    public var label: String {
        switch self {
        case .exitOnly: "仅出口"
        case .entryOnly: "仅入口"
        case .both: "双向出入口"
        }
    }
}
