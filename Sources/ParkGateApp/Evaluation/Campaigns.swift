import Foundation
import ParkGateModel
import ParkGateStore

/// Test campaigns (第三方检测): creating them, and evaluating the devices under test against
/// their ground truth. Used by the CLI, the API and the console alike.
public struct Campaigns: Sendable {
    public let store: any Store
    public let time: ChinaTime
    /// A device silent this long counts as offline (`devices.silence`).
    public let silence: Double

    public static let defaultTolerance = 30.0

    public init(store: any Store, time: ChinaTime = ChinaTime(), silence: Double = 600) {
        self.store = store
        self.time = time
        self.silence = silence
    }

    /// What a tester asks for; times as `YYYYMMDDHHmmss` (China time) or ISO 8601.
    public struct Request: Sendable, Decodable {
        public var name: String
        public var parkCode: String
        public var devices: [String]
        public var from: String
        public var to: String
        public var tolerance: Double?
        public var berths: [String]?
        /// The ground truth as CSV text (see `TruthCSV`), or
        public var truth: String?
        /// a reference device (`devCode` or `vendor:devCode`).
        public var reference: String?

        enum CodingKeys: String, CodingKey { case name, parkCode, devices, from, to, tolerance, berths, truth, reference }

        /// `devices` and `berths` as a JSON array or as one comma-separated string.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func list(_ key: CodingKeys) throws -> [String]? {
                if let text = try? container.decodeIfPresent(String.self, forKey: key) { return text.split(separator: ",").map(String.init) }
                return try container.decodeIfPresent([String].self, forKey: key)
            }
            name = try container.decode(String.self, forKey: .name)
            parkCode = try container.decode(String.self, forKey: .parkCode)
            devices = try list(.devices) ?? []
            from = try container.decode(String.self, forKey: .from)
            to = try container.decode(String.self, forKey: .to)
            tolerance = try container.decodeIfPresent(Double.self, forKey: .tolerance)
            berths = try list(.berths)
            truth = try container.decodeIfPresent(String.self, forKey: .truth)
            reference = try container.decodeIfPresent(String.self, forKey: .reference)
        }

        public init(name: String, parkCode: String, devices: [String], from: String, to: String, tolerance: Double? = nil,
                    berths: [String]? = nil, truth: String? = nil, reference: String? = nil) {
            (self.name, self.parkCode, self.devices, self.from, self.to) = (name, parkCode, devices, from, to)
            (self.tolerance, self.berths, self.truth, self.reference) = (tolerance, berths, truth, reference)
        }
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public struct NotFound: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    @discardableResult
    public func create(_ request: Request, by user: String, now: Date = Date()) async throws -> CampaignRecord {
        let name = request.name.trimmingCharacters(in: .whitespaces)
        // The name goes into paths, file names and pages: letters (any script), digits, - _ . only.
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), name != ".", name != ".." else {
            throw Invalid("name must be 1–64 letters, digits, - _ or .")
        }
        let parkCode = request.parkCode.trimmingCharacters(in: .whitespaces)
        guard !parkCode.isEmpty else { throw Invalid("parkCode is required") }
        let devices = request.devices.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !devices.isEmpty else { throw Invalid("devices: name at least one device under test (devCode or vendor:devCode)") }
        guard let from = instant(request.from), let to = instant(request.to) else {
            throw Invalid("from and to must be YYYYMMDDHHmmss (China time) or ISO 8601")
        }
        guard from < to else { throw Invalid("from must be before to") }
        let tolerance = request.tolerance ?? Self.defaultTolerance
        guard tolerance > 0, tolerance <= 3600 else { throw Invalid("tolerance must be 0–3600 seconds") }
        let reference = request.reference?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        var truth: [TruthEvent] = []
        switch (request.truth, reference) {
        case (.some(let csv), nil):
            do { truth = try TruthCSV.parse(csv, time: time) } catch { throw Invalid(error.description) }
            guard truth.contains(where: { $0.time >= from && $0.time <= to }) else {
                throw Invalid("no ground-truth event falls inside \(time.formatCompact(from))–\(time.formatCompact(to))")
            }
        case (nil, .some(let reference)):
            guard !devices.contains(reference) else { throw Invalid("the reference device \(reference) cannot also be under test") }
        default:
            throw Invalid("give the ground truth either as a CSV (truth) or as a reference device, not both")
        }
        let record = CampaignRecord(
            name: name, parkCode: parkCode, berths: (request.berths ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            devices: devices, from: from, to: to, tolerance: tolerance, reference: reference, truthEvents: truth.count,
            createdAt: now, createdBy: user)
        do {
            try await store.createCampaign(record, truth: truth)
        } catch StoreError.conflict {
            throw Invalid("a campaign named \(name) exists")
        }
        return record
    }

    func instant(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        return time.parseCompact(text) ?? (try? Date(text, strategy: .iso8601))
    }

    /// Evaluates the campaign on the data stored now.
    public func report(name: String, now: Date = Date()) async throws -> EvaluationReport {
        guard let campaign = try await store.campaign(named: name) else { throw NotFound(description: "no campaign named \(name)") }
        let settings = EvaluationSettings(
            window: DateInterval(start: campaign.from, end: campaign.to), tolerance: campaign.tolerance,
            berths: campaign.berths.isEmpty ? nil : Set(campaign.berths), silence: silence, time: time)
        let vendors = Dictionary(uniqueKeysWithValues: try await store.vendors().map { ($0.code, $0.category) })
        let known = try await store.devices(DeviceQuery(parkCode: campaign.parkCode))
        func resolve(_ spec: String) -> [DeviceUnderTest] {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            let (vendor, devCode) = parts.count == 2 ? (Optional(parts[0]), parts[1]) : (nil, parts[0])
            let matches = known.filter { $0.devCode == devCode && (vendor == nil || $0.vendor == vendor) }
            if matches.isEmpty { return [DeviceUnderTest(vendor: vendor ?? "?", devCode: devCode, category: vendor.flatMap { vendors[$0] })] }
            return matches.map { DeviceUnderTest(vendor: $0.vendor, devCode: $0.devCode, category: vendors[$0.vendor]) }
        }
        let underTest = campaign.devices.flatMap(resolve)
        let reference = campaign.reference.map(resolve)?.first
        // A margin around the window for clock offsets; receipt time catches far-off clocks.
        let margin = settings.offsetSearch + campaign.tolerance
        let rows = try await store.evaluationEvents(
            parkCode: campaign.parkCode, devCodes: Array(Set((underTest + [reference].compactMap { $0 }).map(\.devCode))),
            from: campaign.from.addingTimeInterval(-margin), to: campaign.to.addingTimeInterval(margin))
        func data(_ device: DeviceUnderTest) -> DeviceData {
            DeviceData(device: device, events: rows.filter { $0.devCode == device.devCode && ($0.vendor == device.vendor || device.vendor == "?") }.map(\.event))
        }
        let truth: [TruthEvent]
        if let reference { truth = CampaignEvaluator.truth(fromReference: data(reference)) } else { truth = try await store.campaignTruth(named: name) }
        let summary = CampaignSummary(
            name: campaign.name, parkCode: campaign.parkCode, from: time.formatCompact(campaign.from), to: time.formatCompact(campaign.to),
            tolerance: campaign.tolerance, truthSource: reference.map { "reference:\($0.vendor):\($0.devCode)" } ?? "csv",
            truthEvents: truth.count, berths: campaign.berths, generatedAt: time.formatCompact(now))
        return CampaignEvaluator.evaluate(summary: summary, truth: truth, devices: underTest.map(data), settings: settings)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
