/// GA 24.7 号牌种类代码 (plate kinds), as referenced by the roadside `plateColor` field.
public enum PlateKind: String, CodeTable {
    case largeVehicle = "01", smallVehicle = "02", embassyVehicle = "03", consulateVehicle = "04"
    case foreignTerritoryVehicle = "05", foreignVehicle = "06", motorcycle = "07", lightMotorcycle = "08"
    case embassyMotorcycle = "09", consulateMotorcycle = "10", foreignTerritoryMotorcycle = "11"
    case foreignMotorcycle = "12", lowSpeed = "13", tractor = "14", trailer = "15", coachVehicle = "16"
    case coachMotorcycle = "17", testVehicle = "18", testMotorcycle = "19", temporaryEntryVehicle = "20"
    case temporaryEntryMotorcycle = "21", temporaryDriving = "22", policeVehicle = "23"
    case policeMotorcycle = "24", formerAgriculturalMachine = "25", hongKong = "26", macau = "27"
    case armedPolice = "31", military = "32", noPlate = "41", fakePlate = "42", misusedPlate = "43"
    case largeNewEnergy = "51", smallNewEnergy = "52", other = "99"

    public var label: String {
        switch self {
        case .largeVehicle: "大型汽车号牌"
        case .smallVehicle: "小型汽车号牌"
        case .embassyVehicle: "使馆汽车号牌"
        case .consulateVehicle: "领馆汽车号牌"
        case .foreignTerritoryVehicle: "境外汽车号牌"
        case .foreignVehicle: "外籍汽车号牌"
        case .motorcycle: "普通摩托车号牌"
        case .lightMotorcycle: "轻便摩托车号牌"
        case .embassyMotorcycle: "使馆摩托车号牌"
        case .consulateMotorcycle: "领馆摩托车号牌"
        case .foreignTerritoryMotorcycle: "境外摩托车号牌"
        case .foreignMotorcycle: "外籍摩托车号牌"
        case .lowSpeed: "低速车号牌"
        case .tractor: "拖拉机号牌"
        case .trailer: "挂车号牌"
        case .coachVehicle: "教练汽车号牌"
        case .coachMotorcycle: "教练摩托车号牌"
        case .testVehicle: "试验汽车号牌"
        case .testMotorcycle: "试验摩托车号牌"
        case .temporaryEntryVehicle: "临时入境汽车号牌"
        case .temporaryEntryMotorcycle: "临时入境摩托车号牌"
        case .temporaryDriving: "临时行驶车号牌"
        case .policeVehicle: "警用汽车号牌"
        case .policeMotorcycle: "警用摩托车号牌"
        case .formerAgriculturalMachine: "原农机号牌"
        case .hongKong: "香港入出境号牌"
        case .macau: "澳门入出境号牌"
        case .armedPolice: "武警号牌"
        case .military: "军队号牌"
        case .noPlate: "无号牌"
        case .fakePlate: "假号牌"
        case .misusedPlate: "挪用号牌"
        case .largeNewEnergy: "大型新能源汽车号牌"
        case .smallNewEnergy: "小型新能源汽车号牌"
        case .other: "其他号牌"
        }
    }
}

/// GA 24.8 车身颜色基本色调代码 (body colour), as referenced by the roadside `vehColor` field.
public enum BodyColor: String, CodeTable {
    case white = "A", grey = "B", yellow = "C", pink = "D", red = "E", purple = "F"
    case green = "G", blue = "H", brown = "I", black = "J", other = "Z"

    public var label: String {
        switch self {
        case .white: "白"
        case .grey: "灰"
        case .yellow: "黄"
        case .pink: "粉"
        case .red: "红"
        case .purple: "紫"
        case .green: "绿"
        case .blue: "蓝"
        case .brown: "棕"
        case .black: "黑"
        case .other: "其他"
        }
    }
}
