import Foundation
import Logging
import ParkGateModel
import ParkGateStore
import ServiceLifecycle

/// The platform's blacklist (黑名单下发, 28): entries by hand and from ParkGate's own rule (a
/// plate whose exited stays leave more unpaid than `blacklist.unpaidAbove`). Every change goes
/// to every park as a durable request: `Type` 1 to add or change, 2 to remove.
public struct Blacklist: Sendable {
    let store: any Store
    let commands: ParkCommands
    let time: ChinaTime

    public enum Invalid: Error, CustomStringConvertible {
        case field(String)
        public var description: String {
            switch self {
            case .field(let message): message
            }
        }
    }

    /// Adds or changes an entry and sends it to every park.
    public func put(plate: String, oweMoney: Money, carType: String, paymentStatus: String, note: String?, by username: String, now: Date = Date()) async throws -> BlacklistEntry {
        guard !plate.trimmingCharacters(in: .whitespaces).isEmpty else { throw Invalid.field("plate is required") }
        guard ["1", "2", "3", "4"].contains(carType) else { throw Invalid.field("carType must be 1 欠费, 2 逃逸, 3 涉案 or 4 其他") }
        guard ["1", "2"].contains(paymentStatus) else { throw Invalid.field("paymentStatus must be 1 未补缴 or 2 已补缴") }
        let existing = try await store.blacklistEntry(plate: plate)
        let entry = BlacklistEntry(
            plate: plate, oweMoney: oweMoney, carType: carType, paymentStatus: paymentStatus, paymentTime: paymentStatus == "2" ? now : nil,
            source: username, note: note, active: true, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.saveBlacklistEntry(entry)
        try await broadcast(entry, type: "1", by: username)
        return entry
    }

    /// Removes an entry (kept inactive for the record) and tells every park; nil when absent.
    public func remove(plate: String, by username: String, now: Date = Date()) async throws -> BlacklistEntry? {
        guard var entry = try await store.blacklistEntry(plate: plate), entry.active else { return nil }
        entry.active = false
        entry.updatedAt = now
        try await store.saveBlacklistEntry(entry)
        try await broadcast(entry, type: "2", by: username)
        return entry
    }

    func broadcast(_ entry: BlacklistEntry, type: String, by username: String) async throws {
        let data: [(String, String)] = [
            ("carNum", entry.plate), ("oweMoney", entry.oweMoney.text), ("carType", entry.carType), ("paymentStatus", entry.paymentStatus),
            ("paymentTime", entry.paymentTime.map(time.formatDashed) ?? ""), ("refResource", entry.source == "rule" ? "ParkGate欠费规则" : "平台"),
            ("Type", type),
        ]
        for park in try await store.parks() {
            let text = JSONText.object([("parkCode", park.code)] + data)
            _ = try await commands.enqueue(parkCode: park.code, code: CPMIInterface.blacklist.code, dataText: text, by: username)
        }
    }

    /// ParkGate's rule: plates owing more than `threshold` are added; rule entries whose plates
    /// no longer owe that much are removed. Returns (added, removed).
    @discardableResult
    public func applyUnpaidRule(threshold: Money, now: Date = Date()) async throws -> (added: Int, removed: Int) {
        let owing = try await store.unpaidPlates(above: threshold)
        let owed = Dictionary(owing.map { ($0.plate, $0.owed) }, uniquingKeysWith: { first, _ in first })
        var added = 0, removed = 0
        for (plate, amount) in owing {
            let existing = try await store.blacklistEntry(plate: plate)
            if let existing, existing.active, existing.source != "rule" || existing.oweMoney == amount { continue }
            _ = try await put(plate: plate, oweMoney: amount, carType: "1", paymentStatus: "1", note: "unpaid above \(threshold.text)", by: "rule", now: now)
            added += 1
        }
        for entry in try await store.blacklist(activeOnly: true) where entry.source == "rule" && owed[entry.plate] == nil {
            _ = try await remove(plate: entry.plate, by: "rule", now: now)
            removed += 1
        }
        return (added, removed)
    }
}
