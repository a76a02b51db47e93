import Foundation
import ParkGateModel
import Testing

/// Appendix B's code lists as printed, and the control decision of the Henan platforms.
@Suite struct HenanCodeTests {
    @Test func tablesHoldTheDocumentsCodes() {
        #expect(HenanVehicleType.all.count == 158 && Set(HenanVehicleType.all.map(\.code)).count == 158)
        #expect(HenanVehicleType(code: "Q11")?.label == "重型半挂牵引车" && HenanVehicleType(code: "Q11")?.isHeavy == true)
        #expect(HenanVehicleType(code: "H21")?.isHeavy == false && HenanVehicleType(code: "K33")?.label == "小型轿车")
        #expect(HenanVehicleType(code: "X99")?.label == "其它" && HenanVehicleType(code: "A00") == nil)
        // Heavy: every 重型 row of 7.7 (semi-trailers, full trailers, trucks, tractors, special vehicles).
        #expect(HenanVehicleType.all.filter { HenanVehicleType(code: $0.code)!.isHeavy }.map(\.code).sorted() == [
            "B11", "B12", "B13", "B14", "B15", "B16", "B17", "B18", "B19", "B1A", "B1B",
            "G11", "G12", "G13", "G14", "G15", "G16", "G17", "G18", "G19",
            "H11", "H12", "H13", "H14", "H15", "H16", "H17", "H18", "H19", "Q11", "Q12", "Z51",
        ])
        #expect(HenanIndustry.all.count == 73 && HenanIndustry.name(of: "4") == "焦化" && HenanIndustry.industry(ofSubIndustry: "A401") == "4")
        #expect(HenanIndustry.all.filter { $0.industry == "15" }.map(\.subName) == ["水泥制品", "水泥熟料", "粉磨站"])
        #expect(HenanIndustry.name(of: "40") == nil, "the document skips 40")
        #expect(HenanEmissionStage.allCases.count == 10 && HenanEmissionStage(code: "D") == .electric && HenanEmissionStage.china3.number == 3)
        #expect(HenanFuelType.allCases.count == 14 && HenanFuelType.naturalGas.isGas && !HenanFuelType.diesel.isGas)
        #expect(HenanControlStrategy.allCases.map(\.rawValue) == ["1", "2", "3", "4", "5", "6", "7"])
        #expect(HenanCompanyMeasure(code: "4") == nil, "7.22 has no code 4")
        #expect(HenanCompanyControlType.allCases.count == 9 && HenanWarningType(code: "09")?.label == "车辆滞留超过指定时间")
    }
}

@Suite struct ControlEngineTests {
    typealias E = ControlEngine
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let coking = E.Enterprise(code: "4110020001", industry: "4", controlType: .gradeB)

    static func truck(_ fuel: HenanFuelType?, _ stage: HenanEmissionStage?, type: String? = "H11") -> E.Vehicle {
        E.Vehicle(plate: "豫A12345", fuel: fuel, stage: stage, type: type.flatMap { HenanVehicleType(code: $0) })
    }

    static func project(_ strategy: HenanControlStrategy, scope: E.Scope = .industry, industries: [String] = ["4"], types: [HenanCompanyControlType] = [],
                        area: HenanControlArea = .wholeCity, start: Date = now.addingTimeInterval(-3600), end: Date? = nil) -> E.Project {
        E.Project(code: "P\(strategy.rawValue)", name: "重污染应急", level: .orange, area: area, scope: scope, industries: industries, companyTypes: types,
                  strategy: strategy, start: start, end: end)
    }

    static func controlled(_ vehicle: E.Vehicle, _ projects: [E.Project], at enterprise: E.Enterprise = coking, quota: E.Quota? = nil) -> Bool {
        E.decide(vehicle, at: enterprise, projects: projects, time: now, quota: quota).isControl
    }

    /// Each strategy of 7.20 against diesel and gas trucks of every stage: exactly as written.
    @Test(arguments: HenanControlStrategy.allCases)
    func strategiesAsWritten(strategy: HenanControlStrategy) {
        let (diesel, gas): (Int, Int) = switch strategy {
        case .banChina3Heavy, .banChina3HeavyHalveTransport: (3, 3)
        case .banChina4Heavy, .banChina4HeavyHalveTransport: (4, 4)
        case .banChina4DieselChina5Gas, .banChina4DieselChina5GasHalveTransport: (4, 5)
        case .stopTransport: (99, 99)
        }
        for stage in HenanEmissionStage.allCases {
            let number = stage.number ?? -1
            #expect(Self.controlled(Self.truck(.diesel, stage), [Self.project(strategy)]) == (strategy == .stopTransport || (number >= 0 && number <= diesel)),
                    "diesel \(stage.label)")
            #expect(Self.controlled(Self.truck(.naturalGas, stage), [Self.project(strategy)]) == (strategy == .stopTransport || (number >= 0 && number <= gas)),
                    "gas \(stage.label)")
            #expect(Self.controlled(Self.truck(.lpg, stage), [Self.project(strategy)]) == (strategy == .stopTransport || (number >= 0 && number <= gas)))
            // Petrol and electric heavy vehicles, and light diesel trucks, pass every emission ban.
            #expect(Self.controlled(Self.truck(.petrol, stage), [Self.project(strategy)]) == (strategy == .stopTransport))
            #expect(Self.controlled(Self.truck(.diesel, stage, type: "H21"), [Self.project(strategy)]) == (strategy == .stopTransport), "a 中型 truck")
        }
        #expect(!Self.controlled(Self.truck(.electric, .electric), [Self.project(strategy)]) || strategy == .stopTransport)
    }

    @Test func projectsApplyWhileInForceAndToWhomTheyCover() {
        let old = Self.truck(.diesel, .china3)
        #expect(!Self.controlled(old, []), "no project: no control")
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, start: Self.now.addingTimeInterval(60))]), "not started")
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, end: Self.now)]), "ended (or closed) at this instant")
        #expect(Self.controlled(old, [Self.project(.banChina3Heavy, end: Self.now.addingTimeInterval(1))]))
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, industries: ["1", "2"])]), "another industry")
        #expect(Self.controlled(old, [Self.project(.banChina3Heavy, scope: .companyType, industries: [], types: [.gradeB, .gradeC])]))
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, scope: .companyType, industries: ["4"], types: [.gradeA])]))
        #expect(Self.controlled(old, [Self.project(.banChina3Heavy, scope: .both, types: [.gradeB])]))
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, scope: .both, types: [.gradeA])]), "both: industry and type")
        // The diesel-truck ban zone covers only enterprises inside it.
        #expect(!Self.controlled(old, [Self.project(.banChina3Heavy, area: .dieselTruckBanZone)]))
        var inside = Self.coking
        inside.inBanZone = true
        #expect(Self.controlled(old, [Self.project(.banChina3Heavy, area: .dieselTruckBanZone)], at: inside))
    }

    @Test func exemptionsOverrideAndBlacklistsAndMeasuresControl() {
        var vehicle = Self.truck(.diesel, .china3)
        vehicle.exemption = .keySupplies
        let stop = [Self.project(.stopTransport)]
        let exempt = E.decide(vehicle, at: Self.coking, projects: stop, time: Self.now)
        #expect(!exempt.isControl && exempt.code == "0" && exempt.reason.contains("重点物资运输保障"))
        let black = E.decide(Self.truck(.electric, .electric).with(blacklist: .blackSmokeReport), at: Self.coking, projects: [], time: Self.now)
        #expect(black.isControl && black.reason.contains("黑烟车举报车辆"), "a blacklist controls without any project")
        var stopped = Self.coking
        stopped.seasonalMeasure = .rotatingStopAndTransport
        let measure = E.decide(Self.truck(.diesel, .china6), at: stopped, projects: [], time: Self.now)
        #expect(measure.isControl && measure.reason == "企业管控措施：轮停且停止车辆运输")
        stopped.seasonalMeasure = .processLimit
        #expect(!Self.controlled(Self.truck(.diesel, .china6), [], at: stopped), "工序限产 limits production, not vehicles")
    }

    @Test func unfiledVehiclesCannotBeShownToBeAllowed() {
        #expect(Self.controlled(Self.truck(nil, nil), [Self.project(.banChina4Heavy)]), "a heavy truck without a stage on file")
        #expect(Self.controlled(Self.truck(.naturalGas, nil), [Self.project(.banChina4Heavy)]))
        // No fuel on file (shareVehInfo has none): counted as diesel.
        #expect(Self.controlled(Self.truck(nil, .china4), [Self.project(.banChina4DieselChina5Gas)]))
        #expect(!Self.controlled(Self.truck(nil, .china5), [Self.project(.banChina4DieselChina5Gas)]), "as diesel, not as gas")
        #expect(E.decide(Self.truck(nil, .china3), at: Self.coking, projects: [Self.project(.banChina3Heavy)], time: Self.now).reason
            .hasSuffix("重型普通货车，燃料类型未备案（按柴油），国Ⅲ"))
        #expect(Self.controlled(Self.truck(.diesel, .china4, type: nil), [Self.project(.banChina4Heavy)]), "no type on file: counted heavy")
        #expect(!Self.controlled(Self.truck(.diesel, .china6, type: nil), [Self.project(.banChina4Heavy)]))
        #expect(!Self.controlled(Self.truck(nil, nil, type: "K33"), [Self.project(.banChina4Heavy)]), "a car is not a heavy vehicle")
        let reason = E.decide(Self.truck(nil, nil), at: Self.coking, projects: [Self.project(.banChina4Heavy)], time: Self.now).reason
        #expect(reason == "管控方案「重污染应急」（橙色，禁行国四及以下重型柴油（燃气）车通行）：重型普通货车，排放阶段未备案", "\(reason)")
    }

    /// 减少50%车辆运输 as a daily quota per enterprise: half its usual day, rounded up.
    @Test func halvingTransportIsADailyQuota() {
        let clean = Self.truck(.diesel, .china6)
        let halve = [Self.project(.banChina4HeavyHalveTransport)]
        #expect(!Self.controlled(clean, halve, quota: E.Quota(passedToday: 49, usualDaily: 100)))
        #expect(Self.controlled(clean, halve, quota: E.Quota(passedToday: 50, usualDaily: 100)))
        #expect(!Self.controlled(clean, halve, quota: E.Quota(passedToday: 0, usualDaily: 1)), "one a day keeps its one")
        #expect(!Self.controlled(clean, [Self.project(.banChina4Heavy)], quota: E.Quota(passedToday: 500, usualDaily: 100)), "only strategies 4–6 halve")
        #expect(!Self.controlled(clean, halve), "no quota known: only the emission ban applies")
        let reason = E.decide(clean, at: Self.coking, projects: halve, time: Self.now, quota: E.Quota(passedToday: 3, usualDaily: 5)).reason
        #expect(reason.hasSuffix("减少50%车辆运输，今日已通行 3 辆，达到配额 3 辆"), "\(reason)")
    }

    @Test func theProjectThatControlsIsNamed() {
        let projects = [Self.project(.banChina3Heavy), Self.project(.banChina4Heavy)]
        let decision = E.decide(Self.truck(.diesel, .china4), at: Self.coking, projects: projects, time: Self.now)
        #expect(decision.isControl && decision.project == "P2" && decision.reason.contains("重型普通货车，柴油，国Ⅳ"), "\(decision)")
        #expect(E.decide(Self.truck(.diesel, .china5), at: Self.coking, projects: projects, time: Self.now) == E.Decision(isControl: false, reason: "", project: nil))
    }
}

extension ControlEngine.Vehicle {
    func with(blacklist: HenanBlacklistType) -> Self {
        var copy = self
        copy.blacklist = blacklist
        return copy
    }
}

/// Appendix A: organisations, enterprise and gate numbers, and the `lsh` of a passage.
@Suite struct HenanNumberingTests {
    typealias N = HenanNumbering

    @Test func enterprisesAndGates() {
        #expect(N.organisations.count == 18 && N.organisationName("4110000000") == "许昌市生态环境局")
        #expect(N.enterpriseProblem("4110020001") == nil, "the document's example: 许昌市魏都区, enterprise 1")
        #expect(N.city(ofEnterprise: "4110020001") == "4110000000")
        #expect(N.enterpriseProblem("411002001")?.contains("10 digits") == true)
        #expect(N.enterpriseProblem("4118020001")?.contains("not a city") == true)
        #expect(N.enterpriseProblem("4100020001")?.contains("not a city") == true, "the province is not a city")
        #expect(N.enterpriseProblem("4110020000")?.contains("0001") == true)
        #expect(N.gateProblem("01") == nil && N.gateProblem("1") != nil && N.gateProblem("00") != nil && N.gateProblem("A1") != nil)
    }

    @Test func serialNumbersOfPassages() throws {
        let serial = try N.serial("411002000101A240301083000").get()
        #expect(serial.enterprise == "4110020001" && serial.gate == "01" && serial.direction == "A" && serial.timeText == "240301083000")
        #expect(serial.time == ChinaTime().parseCompact("20240301083000"))
        #expect(N.serialProblem("411002000101A240301083000", enterprise: "4110020001", gate: "01", entering: true) == nil)
        #expect(N.serialProblem("411002000101A240301083000", enterprise: "4110020002", gate: "01", entering: true)?.contains("not 4110020002") == true)
        #expect(N.serialProblem("411002000101A240301083000", enterprise: "4110020001", gate: "02", entering: true)?.contains("gate 01") == true)
        #expect(N.serialProblem("411002000101A240301083000", enterprise: "4110020001", gate: "01", entering: false)?.contains("进门") == true)
        #expect(N.serialProblem("411002000101C240301083000", enterprise: "4110020001", gate: "01", entering: true)?.contains("A (进门) or B") == true)
        #expect(N.serialProblem("411002000101A240231083000", enterprise: "4110020001", gate: "01", entering: true)?.contains("not a yyMMddHHmmss") == true,
                "no 31 February")
        #expect(N.serialProblem("411002000101A2403010830", enterprise: "4110020001", gate: "01", entering: true)?.contains("25 characters") == true)
    }
}

/// Ban-zone fences: parsed, validated, and asked whether a gate lies inside.
@Suite struct FenceTests {
    @Test func parseValidateAndContain() throws {
        // A square around part of Zhengzhou (BD-09), closed by repeating the first point.
        let fence = try Fence.parse("113.60,34.70$113.70,34.70$113.70,34.80$113.60,34.80$113.60,34.70").get()
        #expect(fence.points.count == 4)
        #expect(fence.contains(.init(lng: 113.65, lat: 34.75)))
        #expect(!fence.contains(.init(lng: 113.75, lat: 34.75)) && !fence.contains(.init(lng: 113.65, lat: 34.69)))
        #expect(fence.contains(.init(lng: 113.60, lat: 34.75)), "on an edge counts as inside")
        #expect(fence.contains(.init(lng: 113.70, lat: 34.80)), "a corner too")
        // A concave one: an L shape; its notch is outside.
        let l = try Fence.parse("0,0$2,0$2,1$1,1$1,2$0,2").get()
        #expect(l.contains(.init(lng: 0.5, lat: 1.5)) && !l.contains(.init(lng: 1.5, lat: 1.5)))
        #expect(try Fence.parse(fence.text).get() == fence)
    }

    @Test func badFencesSayWhy() {
        func problem(_ text: String) -> String? {
            if case .failure(let problem) = Fence.parse(text) { return problem.message }
            return nil
        }
        #expect(problem("113.831181,34.742967$113.825181,34.742968")?.contains("at least three distinct points") == true, "the document's own two-point example")
        #expect(problem("1,1$1,1$1,1$1,1")?.contains("got 1") == true)
        #expect(problem("113.8,34.7$113.9")?.contains("point 2") == true)
        #expect(problem("113.8,34.7$abc,34$113,35")?.contains("point 2") == true)
        #expect(problem("190,34.7$113.9,34.7$113.9,34.8")?.contains("−180…180") == true)
        #expect(problem(String(repeating: "1,1$", count: 1001))?.contains("4000") == true)
    }
}
