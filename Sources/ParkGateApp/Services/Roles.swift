import Foundation
import ParkGateStore

/// Who may do what (T/CPMI 6.2.1 权限管理, Xiamen 三(一) 用户管理): four roles, enforced by the
/// API on every route, not only hidden in pages.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// Everything.
    case admin
    /// Day-to-day work: reads, alarms, campaigns; no user or key management, no logs.
    case `operator`
    /// Read-only, including the user log.
    case auditor
    /// Reads (and handles the alarms of) only the parks, vendors or devices assigned to the user.
    case scoped

    public var label: (zh: String, en: String) {
        switch self {
        case .admin: ("管理员", "Administrator")
        case .operator: ("运维人员", "Operator")
        case .auditor: ("审计员", "Auditor")
        case .scoped: ("受限用户", "Scoped user")
        }
    }

    public func allows(_ permission: Permission) -> Bool {
        switch (self, permission) {
        case (.admin, _): true
        case (.operator, .read), (.operator, .operate), (.operator, .manageCampaigns), (.operator, .manageMembers), (.operator, .commandParks),
             (.operator, .manageVideoDevices): true
        case (.auditor, .read), (.auditor, .readLogs): true
        case (.scoped, .read), (.scoped, .operate), (.scoped, .commandParks): true
        default: false
        }
    }
}

public enum Permission: String, Sendable {
    /// Read records (scoped users: their own only).
    case read
    /// Acknowledge and close alarms.
    case operate
    /// Create and delete test campaigns.
    case manageCampaigns
    /// Read the user log.
    case readLogs
    /// Set vendors' keys, categories and limits.
    case manageVendors
    /// Register parking lots, their accounts, passwords and secrets.
    case manageParks
    /// Members (plates) and their auto-pay, and the blacklist.
    case manageMembers
    /// Send requests down to parks (open gates, sync prices …); scoped users: their parks only.
    case commandParks
    /// Create, change and delete users.
    case manageUsers
    /// Add, change and retire video devices in the ledger (一机一档).
    case manageVideoDevices
}

extension UserRecord {
    public var parsedRole: Role? { Role(rawValue: role) }

    /// The records this user may see: nil for all (every role but `scoped`).
    public var visibleScope: RecordScope? {
        parsedRole == .scoped ? (scope ?? RecordScope()) : nil
    }
}
