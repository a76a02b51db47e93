import Foundation
import Hummingbird
import ParkGateStore

/// Acknowledging and closing an alarm: the same checks and the same user-log line whether the
/// API or the console asks.
enum AlarmActions {
    /// `action` is `acknowledge` or `close`; 404 outside the caller's scope, 409 when the alarm
    /// is no longer open.
    static func apply(_ action: String, context: AppRequestContext, store: any Store, channel: String) async throws -> AlarmRow {
        let user = try context.require(.operate)
        guard let id = Int64(try context.parameters.require("id")), let before = try await store.alarm(id: id) else {
            throw HTTPError(.notFound, message: "no such alarm")
        }
        try context.requireVisible(parkCode: before.parkCode, vendor: before.vendor, devCode: before.devCode, what: "alarm")
        let changed = action == "close"
            ? try await store.closeAlarm(id: id, by: user.username, at: Date())
            : try await store.acknowledgeAlarm(id: id, by: user.username, at: Date())
        guard changed, let after = try await store.alarm(id: id) else {
            throw HTTPError(.conflict, message: "alarm \(id) is \(before.status), not open")
        }
        try await AuditLog(store: store).record(user.username, "alarm.\(action)", target: "alarm:\(id)", before: before, after: after, channel: channel)
        return after
    }
}
