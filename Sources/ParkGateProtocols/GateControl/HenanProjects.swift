import Foundation
import ParkGateModel
import ParkGateStore

extension ControlEngine.Project {
    /// A stored project as the engine reads it; nil when a stored code is not in its list.
    public init?(_ record: HenanProject) {
        guard let level = HenanControlLevel(code: record.level), let area = HenanControlArea(code: record.area),
            let scope = ControlEngine.Scope(rawValue: record.scope), let strategy = HenanControlStrategy(code: record.strategy)
        else { return nil }
        let end = [record.end, record.closedAt].compactMap { $0 }.min()
        self.init(code: record.code, name: record.name, level: level, area: area, scope: scope, industries: record.industries,
                  companyTypes: record.companyTypes.compactMap { HenanCompanyControlType(code: $0) }, strategy: strategy, start: record.start, end: end)
    }
}
