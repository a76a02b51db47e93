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
        if let problem = ControlEngine.projectProblem(level: level, area: area, scope: scope, industries: industries, companyTypes: companyTypes,
                                                      strategy: strategy, start: start, end: end) {
            throw Invalid(description: problem)
        }
        let project = HenanProject(
            code: "CP" + ChinaTime().formatCompact(now) + SecureToken.hex(bytes: 2), name: name, level: level, area: area, scope: scope, strategy: strategy,
            industries: industries, companyTypes: companyTypes, start: start, end: end, remark: remark, createdAt: now, updatedAt: now)
        try await store.saveHenanProject(project, relay: [HenanRelayPayloads.project(project, closing: false, time: ChinaTime(), now: now)])
        return project
    }

    /// 4.2.24: the project stops applying now.
    public func close(code: String, now: Date = Date()) async throws -> HenanProject {
        guard var project = try await store.henanProjects().first(where: { $0.code == code }) else { throw Invalid(description: "no control project \(code)") }
        guard project.closedAt == nil else { throw Invalid(description: "control project \(code) is already closed") }
        (project.closedAt, project.updatedAt) = (now, now)
        try await store.saveHenanProject(project, relay: [HenanRelayPayloads.project(project, closing: true, time: ChinaTime(), now: now)])
        return project
    }

}
