import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// Control projects as a city runs, changes and closes them (4.2.22–4.2.24's content), checked
/// against 7.16/7.18–7.21.
public struct HenanProjectBook: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public func run(name: String, level: String, area: String, scope: String, industries: [String], companyTypes: [String], strategy: String,
                    start: Date, end: Date?, remark: String?, now: Date = Date()) async throws -> HenanProject {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw Invalid(description: "a name is required") }
        guard HenanControlLevel(code: level) != nil else { throw Invalid(description: "level \(level) is not in 7.18 (1–4)") }
        guard HenanControlArea(code: area) != nil else { throw Invalid(description: "area \(area) is not in 7.19 (1, 2)") }
        guard let covered = ControlEngine.Scope(rawValue: scope) else { throw Invalid(description: "scope \(scope) must be 1 (industries), 2 (control types) or 3 (both)") }
        guard HenanControlStrategy(code: strategy) != nil else { throw Invalid(description: "strategy \(strategy) is not in 7.20 (1–7)") }
        if let bad = industries.first(where: { HenanIndustry.name(of: $0) == nil }) { throw Invalid(description: "industry \(bad) is not in 7.16") }
        if let bad = companyTypes.first(where: { HenanCompanyControlType(code: $0) == nil }) { throw Invalid(description: "control type \(bad) is not in 7.21") }
        if covered != .companyType, industries.isEmpty { throw Invalid(description: "scope \(scope) needs the industries it covers") }
        if covered != .industry, companyTypes.isEmpty { throw Invalid(description: "scope \(scope) needs the enterprise control types it covers") }
        if let end, end <= start { throw Invalid(description: "the end must be after the start") }
        let project = HenanProject(
            code: "CP" + ChinaTime().formatCompact(now) + SecureToken.hex(bytes: 2), name: name, level: level, area: area, scope: scope, strategy: strategy,
            industries: industries, companyTypes: companyTypes, start: start, end: end, remark: remark, createdAt: now, updatedAt: now)
        try await store.saveHenanProject(project)
        return project
    }

    /// 4.2.24: the project stops applying now.
    public func close(code: String, now: Date = Date()) async throws -> HenanProject {
        guard var project = try await store.henanProjects().first(where: { $0.code == code }) else { throw Invalid(description: "no control project \(code)") }
        guard project.closedAt == nil else { throw Invalid(description: "control project \(code) is already closed") }
        (project.closedAt, project.updatedAt) = (now, now)
        try await store.saveHenanProject(project)
        return project
    }

}
