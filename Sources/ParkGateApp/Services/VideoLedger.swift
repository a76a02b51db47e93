import Foundation
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

/// The video platform's device ledger (一机一档) and its digest accounts, as the CLI, the API
/// and the console change them.
public struct VideoLedger: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Adds or changes a device or node; the id must be a GB/T 28181 id of the right type and
    /// a device's node must be in the ledger.
    public func save(id: String, kind: String, name: String, node: String?, place: String? = nil, longitude: String? = nil,
                     latitude: String? = nil, owner: String? = nil, installed: String? = nil, channels: Int = 1, status: String? = nil,
                     now: Date = Date()) async throws -> VideoDevice {
        if let status, !["active", "retired"].contains(status) { throw Invalid(description: "status must be active or retired") }
        guard VideoPlatform.kinds.contains(kind) else { throw Invalid(description: "kind must be car, face or node") }
        let role: GBDeviceID.Role = kind == "node" ? .node : .device
        if case .failure(let problem) = GBDeviceID.parse(id, as: role) { throw Invalid(description: problem.message) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw Invalid(description: "a name is required") }
        guard channels >= 1 else { throw Invalid(description: "channels must be at least 1") }
        if let node {
            guard role == .device else { throw Invalid(description: "a node does not report through another node") }
            guard try await store.videoDevice(id: node)?.role == GBDeviceID.Role.node.rawValue else {
                throw Invalid(description: "node \(node) is not in the ledger (add it with --kind node first)")
            }
        }
        let existing = try await store.videoDevice(id: id)
        let device = VideoDevice(
            id: id, role: role.rawValue, kind: kind, name: name, nodeId: node, place: place, longitude: longitude, latitude: latitude, owner: owner,
            installed: installed, channels: channels, status: status ?? existing?.status ?? "active", lastSeen: existing?.lastSeen,
            createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveVideoDevice(device)
        return device
    }

    /// A change from the API or the console: the ledger fields, absent ones keep their value
    /// (an empty text clears it).
    public struct Change: Decodable, Sendable {
        public var kind, name, node, place, longitude, latitude, owner, installed, status: String?
        public var channels: Int?

        public init(kind: String? = nil, name: String? = nil, node: String? = nil, place: String? = nil, longitude: String? = nil, latitude: String? = nil,
                    owner: String? = nil, installed: String? = nil, status: String? = nil, channels: Int? = nil) {
            (self.kind, self.name, self.node, self.place, self.longitude, self.latitude) = (kind, name, node, place, longitude, latitude)
            (self.owner, self.installed, self.status, self.channels) = (owner, installed, status, channels)
        }
    }

    /// Applies `change` to device `id` (a new one needs kind and name), with the change in the
    /// user log; `created` when the id was not in the ledger.
    public func edit(id: String, _ change: Change, by username: String, channel: String) async throws -> (device: VideoDevice, created: Bool) {
        let before = try await store.videoDevice(id: id)
        guard let kind = change.kind ?? before?.kind, let name = change.name ?? before?.name else {
            throw Invalid(description: "a new device needs kind (car, face or node) and name")
        }
        func value(_ new: String?, _ old: String?) -> String? {
            guard let new else { return old }
            let trimmed = new.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        let saved = try await save(
            id: id, kind: kind, name: name, node: value(change.node, before?.nodeId), place: value(change.place, before?.place),
            longitude: value(change.longitude, before?.longitude), latitude: value(change.latitude, before?.latitude),
            owner: value(change.owner, before?.owner), installed: value(change.installed, before?.installed),
            channels: change.channels ?? before?.channels ?? 1, status: change.status)
        try await AuditLog(store: store).record(username, before == nil ? "device.create" : "device.save", target: "video-device:" + id,
                                                before: before, after: saved, channel: channel)
        return (saved, before == nil)
    }

    /// Retires a device: it stays in the ledger with its history, but may no longer log in or report.
    public func retire(_ device: VideoDevice, by username: String, channel: String) async throws -> VideoDevice {
        var retired = device
        (retired.status, retired.updatedAt) = ("retired", Date())
        try await store.saveVideoDevice(retired)
        try await AuditLog(store: store).record(username, "device.retire", target: "video-device:" + device.id, before: device, after: retired, channel: channel)
        return retired
    }

    /// Adds or changes a digest account (only its H(username:realm:password) values are kept).
    public func saveAccount(username: String, password: String, now: Date = Date()) async throws -> VideoAccount {
        guard !username.isEmpty, !username.contains(":"), !password.isEmpty else {
            throw Invalid(description: "a username without ':' and a password are required")
        }
        let realm = VideoPlatform.realm
        let existing = try await store.videoAccount(username: username)
        let account = VideoAccount(
            username: username, realm: realm,
            ha1MD5: HTTPDigest.ha1(algorithm: .md5, username: username, realm: realm, password: password),
            ha1SHA256: HTTPDigest.ha1(algorithm: .sha256, username: username, realm: realm, password: password),
            createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveVideoAccount(account)
        return account
    }

    /// The ledger's CSV columns (header row first; `id`, `kind`, `name` required, any order).
    public static let columns = ["id", "kind", "name", "node", "place", "longitude", "latitude", "owner", "installed", "channels"]

    /// Imports a ledger CSV: nodes first so devices may name a node of the same file; each bad
    /// line is reported with its reason and the good lines are saved.
    public func importCSV(_ text: String, now: Date = Date()) async throws -> (saved: [VideoDevice], problems: [String]) {
        var records = CSV.records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard !records.isEmpty else { return ([], ["the file is empty"]) }
        let header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for required in ["id", "kind", "name"] where !header.contains(required) {
            return ([], ["line 1: the header needs the columns id, kind and name (\(Self.columns.joined(separator: ",")))"])
        }
        let rows = records.filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }.map { record in
            (line: record.line, values: Dictionary(zip(header, record.fields.map { $0.trimmingCharacters(in: .whitespaces) }), uniquingKeysWith: { first, _ in first }))
        }
        var saved: [VideoDevice] = [], problems: [String] = []
        for row in rows.sorted(by: { ($0.values["kind"] == "node" ? 0 : 1, $0.line) < ($1.values["kind"] == "node" ? 0 : 1, $1.line) }) {
            func value(_ name: String) -> String? { row.values[name].flatMap { $0.isEmpty ? nil : $0 } }
            guard let channels = value("channels").map({ Int($0) }) ?? 1 else {
                problems.append("line \(row.line): channels must be a number")
                continue
            }
            do {
                saved.append(try await save(
                    id: value("id") ?? "", kind: value("kind") ?? "", name: value("name") ?? "", node: value("node"), place: value("place"),
                    longitude: value("longitude"), latitude: value("latitude"), owner: value("owner"), installed: value("installed"), channels: channels, now: now))
            } catch let error as Invalid {
                problems.append("line \(row.line): \(error.description)")
            }
        }
        return (saved, problems.sorted { $0.localizedStandardCompare($1) == .orderedAscending })
    }

    /// The ledger as CSV, with the import's columns plus status and last seen.
    public static func exportCSV(_ devices: [VideoDevice], time: ChinaTime) -> String {
        var lines = [(columns + ["status", "lastSeen"]).joined(separator: ",")]
        for device in devices {
            let fields = [device.id, device.kind, device.name, device.nodeId ?? "", device.place ?? "", device.longitude ?? "", device.latitude ?? "",
                          device.owner ?? "", device.installed ?? "", String(device.channels), device.status, device.lastSeen.map(time.formatDashed) ?? ""]
            lines.append(fields.map(CSV.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
