import Foundation
import ParkGateModel
import ParkGateStore

/// The three logs of 附件 2 section 三(一) in one shape, for the API, the console and CSV:
/// the user log (every login and action), the device log (logins, unregistrations, refused
/// requests, keep-alive gaps) and the alarm log of the video devices.
struct VideoLogs: Sendable {
    let store: any Store

    enum Kind: String, CaseIterable, Sendable {
        case user, device, alarm
    }

    struct Query: Sendable {
        var type: Kind = .device
        var from, to: Date?
        /// The user log's user.
        var user: String?
        var device: String?
        /// The user log's action, the device log's event kind, the alarm's status.
        var kind: String?
        var limit = 100
    }

    /// One line of any of the logs.
    struct Row: Sendable, Encodable, Hashable {
        let at: Date
        let type: String
        let user: String?
        let device: String?
        let kind: String
        let detail: String
    }

    static let devicePrefix = "video-device:"

    /// The rows newest first; `scope` limits device and alarm rows to a scoped user's devices
    /// (the user log itself needs the `readLogs` permission, checked by the caller).
    func rows(_ query: Query, scope: RecordScope?) async throws -> [Row] {
        switch query.type {
        case .user:
            let page = try await store.audit(AuditQuery(
                username: query.user, action: query.kind, from: query.from, to: query.to, limit: query.limit, before: nil,
                target: query.device.map { Self.devicePrefix + $0 }))
            return page.items.map { entry in
                Row(at: entry.at, type: "user", user: entry.username,
                    device: entry.target.hasPrefix(Self.devicePrefix) ? String(entry.target.dropFirst(Self.devicePrefix.count)) : nil,
                    kind: entry.action, detail: "\(entry.target) (\(entry.channel))" + (entry.after.map { " " + $0 } ?? ""))
            }
        case .device:
            let events = try await store.videoDeviceLog(VideoDeviceLogQuery(
                deviceId: query.device, scope: scope, kind: query.kind, from: query.from, to: query.to, limit: query.limit))
            return events.map { Row(at: $0.at, type: "device", user: nil, device: $0.deviceId, kind: $0.kind, detail: $0.detail ?? "") }
        case .alarm:
            var alarmQuery = AlarmQuery(status: query.kind, vendor: "video", devCode: query.device, limit: query.limit)
            (alarmQuery.from, alarmQuery.to, alarmQuery.scope) = (query.from, query.to, scope)
            return try await store.alarms(alarmQuery).items.map { alarm in
                Row(at: alarm.raisedAt, type: "alarm", user: nil, device: alarm.devCode, kind: "\(alarm.kind) \(alarm.status)", detail: alarm.description)
            }
        }
    }

    static let csvColumns = ["time", "type", "user", "device", "kind", "detail"]

    /// The rows as CSV (UTF-8 with a BOM for spreadsheet programs), times in China time.
    static func csv(_ rows: [Row], time: ChinaTime) -> String {
        CSV.spreadsheet([csvColumns] + rows.map { [time.formatDashed($0.at), $0.type, $0.user ?? "", $0.device ?? "", $0.kind, $0.detail] })
    }
}
