import Foundation

/// Appendix A's numbering rules: organisations (6.1), enterprises (6.2), gates (6.3) and the
/// serial number of a passage, `lsh` (6.4).
public enum HenanNumbering {
    /// 6.1: the province's and the cities' environment bureaus.
    public static let organisations: [(code: String, name: String)] = [
        ("4100000000", "河南省生态环境厅"), ("4101000000", "郑州市生态环境局"), ("4102000000", "开封市生态环境局"),
        ("4103000000", "洛阳市生态环境局"), ("4104000000", "平顶山市生态环境局"), ("4105000000", "安阳市生态环境局"),
        ("4106000000", "鹤壁市生态环境局"), ("4107000000", "新乡市生态环境局"), ("4108000000", "焦作市生态环境局"),
        ("4109000000", "濮阳市生态环境局"), ("4110000000", "许昌市生态环境局"), ("4111000000", "漯河市生态环境局"),
        ("4112000000", "三门峡市生态环境局"), ("4113000000", "南阳市生态环境局"), ("4114000000", "商丘市生态环境局"),
        ("4115000000", "信阳市生态环境局"), ("4116000000", "周口市生态环境局"), ("4117000000", "驻马店市生态环境局"),
    ]

    public static func organisationName(_ code: String) -> String? { organisations.first { $0.code == code }?.name }

    /// 6.2: six digits of the district (the city's four, then the district's two; 7.17 allows new
    /// districts above the existing ones) and a four-digit serial from 0001. The city must be one
    /// of 6.1's.
    public static func enterpriseProblem(_ code: String) -> String? {
        guard code.count == 10, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "enterprise code \(code) must be 10 digits (6.2)" }
        let city = String(code.prefix(4)) + "000000"
        guard city != "4100000000", organisationName(city) != nil else { return "enterprise code \(code): \(code.prefix(4)) is not a city of 6.1" }
        guard code.suffix(4) != "0000" else { return "enterprise code \(code): the serial starts at 0001 (6.2)" }
        return nil
    }

    /// The city bureau an enterprise belongs to (6.1 code).
    public static func city(ofEnterprise code: String) -> String { String(code.prefix(4)) + "000000" }

    /// 6.3: two digits, 01, 02, … unique within the enterprise.
    public static func gateProblem(_ code: String) -> String? {
        code.count == 2 && code.allSatisfy({ $0.isASCII && $0.isNumber }) && code != "00" ? nil : "gate code \(code) must be two digits from 01 (6.3)"
    }

    /// 6.4's parts of an `lsh`.
    public struct Serial: Sendable, Hashable {
        public var enterprise: String
        public var gate: String
        /// `A` 进门, `B` 出门.
        public var direction: String
        /// `yyMMddHHmmss` as written, and the instant in China time.
        public var timeText: String
        public var time: Date
    }

    /// Reads an `lsh`: enterprise (10) + gate (2) + direction (`A`/`B`) + `yyMMddHHmmss`.
    public static func serial(_ lsh: String, time: ChinaTime = ChinaTime()) -> Result<Serial, Problem> {
        let characters = Array(lsh)
        guard characters.count == 25 else { return .failure(Problem(message: "lsh \(lsh) must be 25 characters: enterprise 10 + gate 2 + A/B + yyMMddHHmmss (6.4)")) }
        let enterprise = String(characters[0..<10]), gate = String(characters[10..<12]), direction = String(characters[12]), stamp = String(characters[13...])
        if let problem = enterpriseProblem(enterprise) { return .failure(Problem(message: "lsh \(lsh): \(problem)")) }
        if let problem = gateProblem(gate) { return .failure(Problem(message: "lsh \(lsh): \(problem)")) }
        guard direction == "A" || direction == "B" else { return .failure(Problem(message: "lsh \(lsh): the 13th character must be A (进门) or B (出门)")) }
        guard stamp.allSatisfy({ $0.isASCII && $0.isNumber }), let instant = time.parseCompact("20" + stamp) else {
            return .failure(Problem(message: "lsh \(lsh): \(stamp) is not a yyMMddHHmmss time"))
        }
        return .success(Serial(enterprise: enterprise, gate: gate, direction: direction, timeText: stamp, time: instant))
    }

    /// The `lsh` rule checked against the record it came with (PROFILE: 952 when it does not hold).
    /// `entering` nil: the record has no direction of its own (goods, a photo of a vehicle
    /// running the gate), so either direction letter holds.
    public static func serialProblem(_ lsh: String, enterprise: String, gate: String, entering: Bool?, time: ChinaTime = ChinaTime()) -> String? {
        switch serial(lsh, time: time) {
        case .failure(let problem): return problem.message
        case .success(let serial):
            if serial.enterprise != enterprise { return "lsh \(lsh) names enterprise \(serial.enterprise), not \(enterprise)" }
            if serial.gate != gate { return "lsh \(lsh) names gate \(serial.gate), not \(gate)" }
            if let entering, serial.direction != (entering ? "A" : "B") { return "lsh \(lsh) says \(serial.direction == "A" ? "进门" : "出门"), the record the other way" }
            return nil
        }
    }

    public struct Problem: Error, Sendable, Hashable {
        public let message: String
    }
}
