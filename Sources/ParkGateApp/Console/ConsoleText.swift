/// The console's words: Simplified Chinese first, English on request (`lang` cookie).
enum ConsoleText {
    enum Language: String { case zh, en }

    static let words: [String: (zh: String, en: String)] = [
        "app": ("ParkGate 停车数据平台", "ParkGate parking data platform"),
        "dashboard": ("总览", "Dashboard"), "events": ("事件", "Events"), "berths": ("泊位", "Berths"),
        "sessions": ("路侧停车", "Roadside sessions"), "parkRecords": ("车场记录", "Parking-lot records"),
        "totalSpaces": ("总车位", "Total spaces"), "emptySpaces": ("剩余车位", "Spaces free"), "weather": ("天气/活动", "Weather/events"),
        "lastHeartbeat": ("最后心跳", "Last heartbeat"), "signature": ("签名", "Signature"), "recordCode": ("停车记录号", "Record"),
        "income": ("实收/应收（元）", "Paid/due (yuan)"), "payment": ("支付方式", "Payment"), "inside": ("在场", "inside"),
        "exited": ("已出场", "exited"), "newPark": ("新建停车场", "New parking lot"), "secret": ("密钥池密钥", "Key-pool secret"),
        "facilities": ("设备、分站电脑与通道", "Equipment, PCs and channels"),
        "synced": ("同步的价格、月卡与优惠券", "Synced prices, cards and coupons"), "reconciliations": ("对账", "Reconciliation"),
        "settlements": ("收费员结账", "Cashier settlements"), "members": ("会员", "Members"), "autoPay": ("无感支付", "Auto-pay"),
        "phone": ("手机号", "Phone"), "day": ("日期", "Day"), "matches": ("一致", "Matches"),
        "lot": ("车场", "lot"), "due": ("应收", "Due"), "paid": ("实收", "Paid"), "discount": ("优惠", "Discount"),
        "cash": ("现金笔数·金额", "Cash count · sum"), "coupons": ("纸质券张数·金额", "Paper coupons count · sum"), "entryPlate": ("入场车牌", "Plate at entry"), "corrections": ("校正次数", "Corrections"), "alarms": ("告警", "Alarms"), "devices": ("设备", "Devices"),
        "vendors": ("厂商", "Vendors"), "findings": ("不合规记录", "Conformance findings"), "campaigns": ("检测任务", "Test campaigns"),
        "users": ("用户", "Users"), "audit": ("用户日志", "User log"), "logout": ("退出", "Sign out"), "login": ("登录", "Sign in"),
        "username": ("用户名", "Username"), "password": ("密码", "Password"), "badLogin": ("用户名或密码错误", "Wrong username or password"),
        "devicesOnline": ("在线设备", "Devices online"), "parksOnline": ("在线停车场", "Parks online"), "devicesOffline": ("离线设备", "Devices offline"),
        "berthsOccupied": ("占用泊位", "Berths occupied"), "entriesToday": ("今日驶入", "Arrivals today"),
        "exitsToday": ("今日驶离", "Departures today"), "openAlarms": ("未处理告警", "Open alarms"), "openSessions": ("在停车辆", "Vehicles parked"),
        "messages": ("消息总数", "Messages"), "flowsPerHour": ("今日每小时驶入/驶离", "Arrivals and departures per hour today"),
        "occupancyDay": ("今日泊位占用（由进出推算）", "Berths occupied over today (from arrivals and departures)"),
        "filter": ("筛选", "Filter"), "exportCSV": ("导出 CSV", "Export CSV"), "next": ("下一页", "Next page"), "first": ("第一页", "First page"),
        "nothing": ("没有记录", "Nothing found"), "detail": ("详情", "Details"), "raw": ("原始报文", "Raw message as received"),
        "images": ("图片", "Images"), "acknowledge": ("确认", "Acknowledge"), "close": ("关闭", "Close"),
        "save": ("保存", "Save"), "create": ("新建", "Create"), "delete": ("删除", "Delete"), "report": ("报告", "Report"),
        "forbidden": ("无权访问", "Not allowed"), "notFound": ("未找到", "Not found"), "role": ("角色", "Role"), "scope": ("可见范围", "Scope"),
        "parks": ("停车场", "Parks"), "time": ("时间", "Time"), "from": ("开始", "From"), "to": ("结束", "To"),
        "park": ("停车场", "Park"), "berth": ("泊位", "Berth"), "device": ("设备", "Device"), "vendor": ("厂商", "Vendor"),
        "kind": ("类型", "Kind"), "plate": ("车牌", "Plate"), "status": ("状态", "Status"), "received": ("接收时间", "Received"),
        "eventTime": ("事件时间", "Event time"), "confidence": ("置信度", "Confidence"), "code": ("代码", "Code"),
        "level": ("级别", "Level"), "description": ("说明", "Description"), "raised": ("发生时间", "Raised"),
        "acknowledgedBy": ("确认人", "Acknowledged by"), "occupied": ("占用", "Occupied"), "since": ("起始", "Since"),
        "lastSeen": ("最后通信", "Last seen"), "battery": ("电量", "Battery"), "online": ("在线", "Online"),
        "category": ("类别", "Category"), "key": ("密钥 comKey", "Key (comKey)"), "keySet": ("已设置", "set"),
        "keyMissing": ("未设置", "not set"), "rateLimit": ("限速（次/秒）", "Rate limit (/s)"), "strict": ("严格模式", "Strict"),
        "entry": ("入场", "Entry"), "exit": ("出场", "Exit"), "duration": ("时长（秒）", "Duration (s)"),
        "action": ("操作", "Action"), "target": ("对象", "Target"), "before": ("修改前", "Before"), "after": ("修改后", "After"),
        "channel": ("来源", "Channel"), "field": ("字段", "Field"), "rule": ("规则", "Rule"), "example": ("示例", "Example"),
        "count": ("次数", "Count"), "sender": ("发送方", "Sender"), "interface": ("接口", "Interface"),
        "truth": ("真值 CSV", "Ground truth CSV"), "reference": ("参考设备", "Reference device"),
        "tolerance": ("容差（秒）", "Tolerance (s)"), "devicesUnderTest": ("被测设备", "Devices under test"),
        "name": ("名称", "Name"), "truthHelp": ("psCode,event,time,plate；event 为 arrive 或 depart；或选择文件",
                                                "psCode,event,time,plate; event arrive or depart; or pick a file"),
        "newUser": ("新建用户", "New user"), "newCampaign": ("新建检测任务", "New test campaign"), "language": ("English", "中文"),
        "yes": ("是", "yes"), "no": ("否", "no"), "all": ("全部", "all"), "open": ("未处理", "open"), "live": ("每 5 秒自动刷新", "refreshes every 5 s"),
        "findingsOfMessage": ("该报文的不合规项", "Findings on this message"), "changedBy": ("操作人", "By"),
    ]

    static func table(_ language: Language) -> [String: String] {
        words.mapValues { language == .zh ? $0.zh : $0.en }
    }
}
