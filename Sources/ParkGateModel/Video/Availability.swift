import Foundation

/// The availability rate (完好率) of video devices over a period: the share of device-seconds
/// online among the seconds each device was in the ledger, from each device's state changes.
/// 附件 2 asks for at least 95%.
public enum VideoAvailability {
    public static let requirement = 0.95

    public struct Change: Sendable, Hashable, Encodable {
        public var online: Bool
        public var at: Date
        public init(online: Bool, at: Date) { (self.online, self.at) = (online, at) }
    }

    public struct Device: Sendable {
        public var id: String
        /// When it entered the ledger (offline until its first keep-alive).
        public var since: Date
        /// Its changes, oldest first.
        public var changes: [Change]
        public init(id: String, since: Date, changes: [Change]) { (self.id, self.since, self.changes) = (id, since, changes) }
    }

    public struct Figure: Sendable, Hashable, Encodable {
        public var group: String
        public var devices: Int
        public var onlineSeconds: Double
        public var expectedSeconds: Double
        /// nil when no device was in the ledger during the period.
        public var rate: Double?
        public var meetsRequirement: Bool?
    }

    /// Seconds online and seconds in the ledger within `[from, to)`.
    public static func seconds(_ device: Device, from: Date, to: Date) -> (online: Double, expected: Double) {
        let start = max(from, device.since)
        guard start < to else { return (0, 0) }
        var online = false
        var cursor = start
        var total = 0.0
        for change in device.changes {
            if change.at <= start {
                online = change.online
                continue
            }
            if change.at >= to { break }
            if online { total += change.at.timeIntervalSince(cursor) }
            cursor = change.at
            online = change.online
        }
        if online { total += to.timeIntervalSince(cursor) }
        return (total, to.timeIntervalSince(start))
    }

    /// One figure per group (`group(id)`), plus "all", sorted by group.
    public static func figures(_ devices: [Device], from: Date, to: Date, group: (String) -> String) -> [Figure] {
        var sums: [String: (devices: Int, online: Double, expected: Double)] = [:]
        for device in devices {
            let (online, expected) = seconds(device, from: from, to: to)
            guard expected > 0 else { continue }
            for key in ["all", group(device.id)] {
                var sum = sums[key] ?? (0, 0, 0)
                sum.devices += 1
                sum.online += online
                sum.expected += expected
                sums[key] = sum
            }
        }
        if sums["all"] == nil { sums["all"] = (0, 0, 0) }
        return sums.sorted { ($0.key == "all" ? "" : $0.key) < ($1.key == "all" ? "" : $1.key) }.map { key, sum in
            let rate = sum.expected > 0 ? sum.online / sum.expected : nil
            return Figure(group: key, devices: sum.devices, onlineSeconds: sum.online, expectedSeconds: sum.expected, rate: rate,
                          meetsRequirement: rate.map { $0 >= requirement })
        }
    }

    /// The area of a GB/T 28181 id: its first six digits (province, city, district).
    public static func area(of id: String) -> String { String(id.prefix(6)) }
}
