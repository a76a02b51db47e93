/// The code tables of T/CPMI 002—2018 (停车场信息联网通用技术规范).

/// Table 1: the 31 interfaces, by sequence number (PROFILE: `code` is that number as a string).
public enum CPMIInterface: Int, CaseIterable, Sendable {
    case login = 1, entry, correction, exit, imageUpload, environment, remainingSpaces, heartbeat
    case feeQuery, prepayment, reservation, coupon, cashierSettlement, supplementaryBill, reconciliation, temporaryPrice
    case unlicensedEntry, unlicensedExit
    case monthlyCardRecord, monthlyCardPrice
    case remoteOpen, gateStatus, manualOpen, hardwareStatus, stationStatus, remoteRestart, channelInfo
    case blacklist, members, autoPay, invoice

    public enum Direction: String, Sendable { case uplink, downlink, both }

    public var code: String { String(rawValue) }

    public var name: String {
        switch self {
        case .login: "登录"
        case .entry: "车辆入场"
        case .correction: "车辆校正"
        case .exit: "车辆出场"
        case .imageUpload: "图片上传"
        case .environment: "环境数据上传"
        case .remainingSpaces: "剩余车位数上传"
        case .heartbeat: "心跳保持"
        case .feeQuery: "停车费用查询"
        case .prepayment: "预缴费信息推送"
        case .reservation: "预约车辆下发"
        case .coupon: "优惠券同步"
        case .cashierSettlement: "收费员结账"
        case .supplementaryBill: "补报账单"
        case .reconciliation: "汇总对账"
        case .temporaryPrice: "临停收费价格同步"
        case .unlicensedEntry: "无牌照信息车入场请求"
        case .unlicensedExit: "无牌照信息车出场请求"
        case .monthlyCardRecord: "月卡和错时卡办理记录"
        case .monthlyCardPrice: "月卡和错时卡价格同步"
        case .remoteOpen: "远程开闸"
        case .gateStatus: "查询道闸状态"
        case .manualOpen: "异常开闸记录"
        case .hardwareStatus: "硬件状态信息"
        case .stationStatus: "分站电脑状态上传"
        case .remoteRestart: "硬件远程重启"
        case .channelInfo: "通道信息上传"
        case .blacklist: "黑名单下发"
        case .members: "会员名单下发"
        case .autoPay: "无感支付"
        case .invoice: "电子发票同步"
        }
    }

    public var direction: Direction {
        switch self {
        case .correction, .prepayment, .coupon, .temporaryPrice, .monthlyCardRecord, .monthlyCardPrice, .invoice: .both
        case .feeQuery, .reservation, .unlicensedEntry, .unlicensedExit, .remoteOpen, .gateStatus, .remoteRestart, .blacklist, .members: .downlink
        default: .uplink
        }
    }
}

/// Table B.4 错误编码定义表, plus PROFILE's extension 9006.
public enum CPMIResult: String, CaseIterable, Sendable {
    case success = "0000"
    case failure = "9999"
    case tokenInvalid = "9000"
    case unknownInterface = "9001"
    case badFormat = "9002"
    case badCredentials = "9003"
    case emptyBody = "9004"
    case emptyString = "9005"
    case badSignature = "9006"
    case unknownRecord = "9101"
    case badTotal = "9102"
    case onlineOrderFailed = "9103"
    case noPark = "9104"
    case emptyOverTotal = "9105"
    case imageCountMismatch = "9201"
    case fileMissing = "9301"
    case notRegistered = "9501"
    case notMember = "9111"
    case noOnlineOrder = "9112"

    public var message: String {
        switch self {
        case .success: "操作成功"
        case .failure: "操作失败"
        case .tokenInvalid: "Token 失效，重新登录"
        case .unknownInterface: "该接口已关闭或不存在"
        case .badFormat: "报文格式错误"
        case .badCredentials: "用户名密码错误"
        case .emptyBody: "报文体不能为空"
        case .emptyString: "报文为空字符串"
        case .badSignature: "签名验证失败"
        case .unknownRecord: "传入的 recordCode 不存在"
        case .badTotal: "总车位数为 0 或小于 0，不予处理"
        case .onlineOrderFailed: "获取在线订单失败"
        case .noPark: "该账户对应的停车场不存在"
        case .emptyOverTotal: "剩余车位数大于总车位数"
        case .imageCountMismatch: "上传的图片数量与描述信息不符"
        case .fileMissing: "文件不存在"
        case .notRegistered: "非注册用户，无法使用在线支付功能"
        case .notMember: "用户为非会员用户"
        case .noOnlineOrder: "在线订单不存在"
        }
    }
}

/// 车辆类型 `inIdentity` (B.6–B.8, B.22, C.5): 1–5. B.23 numbers them 0–4 in another order.
public enum VehicleIdentity: String, CaseIterable, Sendable {
    case monthly = "1", temporary = "2", storedValue = "3", militaryPolice = "4", memberFree = "5"

    public var label: String {
        switch self {
        case .monthly: "月租车"
        case .temporary: "临时车"
        case .storedValue: "储值车"
        case .militaryPolice: "军警车"
        case .memberFree: "会员免费车"
        }
    }

    /// B.23's coding (0 月租车 1 临时车 2 免费车 3 储值车 4 军警车), accepted on interface 19 only.
    public init?(monthlyCardCoding code: String) {
        switch code {
        case "0": self = .monthly
        case "1": self = .temporary
        case "2": self = .memberFree
        case "3": self = .storedValue
        case "4": self = .militaryPolice
        default: return nil
        }
    }
}

/// 支付方式 `paymentMode` (B.8).
public enum PaymentMode: String, CaseIterable, Sendable {
    case unknown = "0", cash = "1", ownCard = "2", count = "3", wechat = "4", alipay = "5", unionPayQuickPass = "6"
    case transportCard = "7", free = "8", accountBalance = "9", unionPayContact = "10", unionPayOnline = "11", thirdPartyBalance = "12"

    public var label: String {
        ["未知", "现金", "自发卡", "次数", "微信支付", "支付宝支付", "银联闪付", "交通卡", "免费", "账户余额", "银联接触卡", "银联网支付", "第三方余额"][Int(rawValue)!]
    }
}

/// 支付来源 `payOrigin` (B.8).
public enum PayOrigin: String, CaseIterable, Sendable {
    case undefined = "0", gate = "1", central = "2", selfService = "3", tablet = "4", mobilePOS = "5", app = "6"
    case wechatAccount = "7", alipayWindow = "8", online = "9"

    public var label: String {
        ["未定义", "出入口", "中央缴费", "自助缴费机", "平板", "移动 POS 机", "移动 APP", "微信服务号", "支付宝服务窗", "线上支付"][Int(rawValue)!]
    }
}

/// 设备类型 `equipmentType` (B.28).
public enum EquipmentType: String, CaseIterable, Sendable {
    case gate = "2", ticketBox = "3", led = "4", payStation = "5", plateCamera = "6"

    public var label: String {
        switch self {
        case .gate: "道闸"
        case .ticketBox: "票箱"
        case .led: "LED"
        case .payStation: "自助缴费机"
        case .plateCamera: "车牌识别一体机"
        }
    }
}

/// 通道类型 `channelType` (B.28, B.31).
public enum ChannelType: String, CaseIterable, Sendable {
    case innerEntry = "0", innerExit = "1", outerEntry = "2", outerExit = "3", publicEntry = "4", publicExit = "5"

    public var label: String { ["内场入口", "内场出口", "外场入口", "外场出口", "公共入口", "公共出口"][Int(rawValue)!] }
}

/// 开闸类型 `openType` (B.27).
public enum OpenType: String, CaseIterable, Sendable {
    case remoteControl = "1", remote = "2", booth = "3", pda = "4"

    public var label: String { ["遥控开闸", "远程开闸", "岗亭开闸", "PDA 开闸"][Int(rawValue)! - 1] }
}

/// 图片类型 `imageType` (B.9, C.7).
public enum ParkingImageType: String, CaseIterable, Sendable {
    case entryPlate = "1", entryScene = "2", exitPlate = "3", exitScene = "4"

    public var label: String {
        switch self {
        case .entryPlate: "入场车牌小图"
        case .entryScene: "入场大图"
        case .exitPlate: "出场车牌小图"
        case .exitScene: "出场大图"
        }
    }
}
