import Foundation

/// The decision behind `getCheckVehicle` and `VehVerifyEx`: may this vehicle drive in or out of
/// this enterprise now, given the heavy-pollution control projects in force (4.2.22–4.2.24) and
/// the enterprise's own measures? Pure: the caller gathers the vehicle's filing, the enterprise
/// and the projects; the answer is `isControl` with a Chinese `controlReason`.
public enum ControlEngine {
    public struct Vehicle: Sendable, Hashable {
        public var plate: String
        public var fuel: HenanFuelType?
        public var stage: HenanEmissionStage?
        /// 7.7; nil when the filing has none.
        public var type: HenanVehicleType?
        public var blacklist: HenanBlacklistType?
        public var exemption: HenanExemption?

        public init(plate: String, fuel: HenanFuelType? = nil, stage: HenanEmissionStage? = nil, type: HenanVehicleType? = nil,
                    blacklist: HenanBlacklistType? = nil, exemption: HenanExemption? = nil) {
            (self.plate, self.fuel, self.stage, self.type, self.blacklist, self.exemption) = (plate, fuel, stage, type, blacklist, exemption)
        }
    }

    public struct Enterprise: Sendable, Hashable {
        public var code: String
        /// 7.16 industry code (`4` 焦化 …).
        public var industry: String?
        public var controlType: HenanCompanyControlType?
        /// 7.22, the measure of the seasonal control in force for it (nil: none).
        public var seasonalMeasure: HenanCompanyMeasure?
        /// Whether its gates lie in the diesel-truck ban zone (7.19 code 2), from the fences.
        public var inBanZone: Bool

        public init(code: String, industry: String? = nil, controlType: HenanCompanyControlType? = nil, seasonalMeasure: HenanCompanyMeasure? = nil,
                    inBanZone: Bool = false) {
            (self.code, self.industry, self.controlType, self.seasonalMeasure, self.inBanZone) = (code, industry, controlType, seasonalMeasure, inBanZone)
        }
    }

    /// 4.2.22 `controlType`: by industry, by enterprise control type, or by both.
    public enum Scope: String, Sendable, Hashable {
        case industry = "1", companyType = "2", both = "3"
    }

    public struct Project: Sendable, Hashable {
        public var code: String
        public var name: String
        public var level: HenanControlLevel
        public var area: HenanControlArea
        public var scope: Scope
        public var industries: [String]
        public var companyTypes: [HenanCompanyControlType]
        public var strategy: HenanControlStrategy
        public var start: Date
        /// `controlEndTime`, or when it was closed (4.2.24), whichever is earlier; nil: open-ended.
        public var end: Date?

        public init(code: String, name: String, level: HenanControlLevel, area: HenanControlArea, scope: Scope, industries: [String],
                    companyTypes: [HenanCompanyControlType], strategy: HenanControlStrategy, start: Date, end: Date?) {
            (self.code, self.name, self.level, self.area, self.scope) = (code, name, level, area, scope)
            (self.industries, self.companyTypes, self.strategy, self.start, self.end) = (industries, companyTypes, strategy, start, end)
        }

        public func inForce(at time: Date) -> Bool { start <= time && end.map { time < $0 } ?? true }

        /// Whether the project covers the enterprise: its area, then its industries and/or control types.
        public func covers(_ enterprise: Enterprise) -> Bool {
            if area == .dieselTruckBanZone && !enterprise.inBanZone { return false }
            let byIndustry = enterprise.industry.map(industries.contains) ?? false
            let byType = enterprise.controlType.map(companyTypes.contains) ?? false
            switch scope {
            case .industry: return byIndustry
            case .companyType: return byType
            case .both: return byIndustry && byType
            }
        }
    }

    /// The enterprise's transport today under a "减少50%车辆运输" strategy: the vehicles it has let
    /// through today and its usual day (the baseline the platform counts it against).
    public struct Quota: Sendable, Hashable {
        public var passedToday: Int
        public var usualDaily: Int

        public init(passedToday: Int, usualDaily: Int) { (self.passedToday, self.usualDaily) = (passedToday, usualDaily) }

        /// Half the usual day, rounded up (an enterprise with one vehicle a day keeps it).
        public var allowed: Int { (usualDaily + 1) / 2 }

        /// Decided where the document is silent: the usual day is the average of the seven days
        /// before, rounded up; with no transport in them there is nothing to halve (nil).
        public static func from(today: Int, lastSevenDays: Int) -> Quota? {
            lastSevenDays > 0 ? Quota(passedToday: today, usualDaily: (lastSevenDays + 6) / 7) : nil
        }
    }

    /// Whether a project in force at `time` halves transport (strategies 4–6): only then is the
    /// quota worth counting.
    public static func needsQuota(_ projects: [Project], at time: Date) -> Bool {
        projects.contains { $0.inForce(at: time) && [.banChina3HeavyHalveTransport, .banChina4HeavyHalveTransport, .banChina4DieselChina5GasHalveTransport].contains($0.strategy) }
    }

    public struct Decision: Sendable, Hashable {
        public var isControl: Bool
        public var reason: String
        /// The project that decided, if one did.
        public var project: String?

        public init(isControl: Bool, reason: String, project: String?) { (self.isControl, self.reason, self.project) = (isControl, reason, project) }

        /// `isControl` as the document writes it.
        public var code: String { isControl ? "1" : "0" }
    }

    /// The decision at `time`. Order: an exemption (7.14) lets the vehicle through whatever else
    /// holds; a blacklisted vehicle (7.4) is controlled; an enterprise measure that stops
    /// transport (7.22 codes 5–7) controls every vehicle; then each project in force covering the
    /// enterprise applies its strategy (7.20), and the first that controls the vehicle decides.
    public static func decide(_ vehicle: Vehicle, at enterprise: Enterprise, projects: [Project], time: Date, quota: Quota? = nil) -> Decision {
        if let exemption = vehicle.exemption {
            return Decision(isControl: false, reason: "豁免车辆（\(exemption.label)），不受管控", project: nil)
        }
        if let blacklist = vehicle.blacklist {
            return Decision(isControl: true, reason: "黑名单车辆（\(blacklist.label)），禁止通行", project: nil)
        }
        if let measure = enterprise.seasonalMeasure, measure.stopsTransport {
            return Decision(isControl: true, reason: "企业管控措施：\(measure.label)", project: nil)
        }
        for project in projects.sorted(by: { $0.strategy.rawValue > $1.strategy.rawValue || ($0.strategy == $1.strategy && $0.code < $1.code) })
        where project.inForce(at: time) && project.covers(enterprise) {
            if let reason = controlled(vehicle, by: project.strategy, quota: quota) {
                return Decision(isControl: true, reason: "管控方案「\(project.name)」（\(project.level.label)，\(project.strategy.label)）：\(reason)", project: project.code)
            }
        }
        return Decision(isControl: false, reason: "", project: nil)
    }

    /// Why `strategy` stops the vehicle, nil when it does not.
    static func controlled(_ vehicle: Vehicle, by strategy: HenanControlStrategy, quota: Quota?) -> String? {
        if strategy == .stopTransport { return "停止车辆运输" }
        let (dieselLimit, gasLimit): (Int, Int) = switch strategy {
        case .banChina3Heavy, .banChina3HeavyHalveTransport: (3, 3)
        case .banChina4Heavy, .banChina4HeavyHalveTransport: (4, 4)
        case .banChina4DieselChina5Gas, .banChina4DieselChina5GasHalveTransport: (4, 5)
        case .stopTransport: (7, 7)
        }
        if let reason = emissionBan(vehicle, dieselLimit: dieselLimit, gasLimit: gasLimit) { return reason }
        let halves = [.banChina3HeavyHalveTransport, .banChina4HeavyHalveTransport, .banChina4DieselChina5GasHalveTransport].contains(strategy)
        if halves, let quota, quota.passedToday >= quota.allowed {
            return "减少50%车辆运输，今日已通行 \(quota.passedToday) 辆，达到配额 \(quota.allowed) 辆"
        }
        return nil
    }

    /// A heavy diesel or gas vehicle at or below its stage limit. A vehicle whose type is not on
    /// file counts as heavy (the trucks of bulk transport are), one whose fuel is not on file as
    /// diesel (the filing of `shareVehInfo` has no fuel; heavy trucks burn diesel), and one whose
    /// stage is not on file cannot be shown to be allowed: it is controlled. A known light type is not.
    static func emissionBan(_ vehicle: Vehicle, dieselLimit: Int, gasLimit: Int) -> String? {
        if let type = vehicle.type, !type.isHeavy { return nil }
        let what = vehicle.type?.label ?? "车型未备案"
        guard let stage = vehicle.stage else { return "\(what)，排放阶段未备案" }
        let fuel = vehicle.fuel ?? .diesel
        guard fuel == .diesel || fuel.isGas, let number = stage.number, number <= (fuel == .diesel ? dieselLimit : gasLimit) else { return nil }
        return "\(what)，\(vehicle.fuel == nil ? "燃料类型未备案（按柴油）" : fuel.label)，\(stage.label)"
    }
}

extension ControlEngine {
    /// What is wrong with a control project's codes (7.16, 7.18–7.21) and times, if anything.
    public static func projectProblem(level: String, area: String, scope: String, industries: [String], companyTypes: [String], strategy: String,
                                      start: Date, end: Date?) -> String? {
        guard HenanControlLevel(code: level) != nil else { return "level \(level) is not in 7.18 (1–4)" }
        guard HenanControlArea(code: area) != nil else { return "area \(area) is not in 7.19 (1, 2)" }
        guard let covered = Scope(rawValue: scope) else { return "scope \(scope) must be 1 (industries), 2 (control types) or 3 (both)" }
        guard HenanControlStrategy(code: strategy) != nil else { return "strategy \(strategy) is not in 7.20 (1–7)" }
        if let bad = industries.first(where: { HenanIndustry.name(of: $0) == nil }) { return "industry \(bad) is not in 7.16" }
        if let bad = companyTypes.first(where: { HenanCompanyControlType(code: $0) == nil }) { return "control type \(bad) is not in 7.21" }
        if covered != .companyType, industries.isEmpty { return "scope \(scope) needs the industries it covers" }
        if covered != .industry, companyTypes.isEmpty { return "scope \(scope) needs the enterprise control types it covers" }
        if let end, end <= start { return "the end must be after the start" }
        return nil
    }
}
