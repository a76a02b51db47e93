import Foundation
import Logging
import ParkGateApp
import ParkGateClient
import ParkGateModel
import ParkGateStore

// How long a campaign report takes on a long campaign, without HTTP:
//   a planned site (RoadsideCampaignSimulator.plan) is stored through SQLStore, then
//   Campaigns.report loads and evaluates it; each stage is timed, and the evaluation is set
//   against a ceiling measured in the same run: sorting the same events by time.
// Usage: ParkGateEvalBench [BERTHS] [DAYS] [DEVICES]
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let berths = arguments.count > 0 ? arguments[0] : 100
let days = arguments.count > 1 ? arguments[1] : 30
let deviceCount = arguments.count > 2 ? arguments[2] : 6

func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

let kinds = [("102", "msensor"), ("109", "camera"), ("101", "hpcamera")]
let devices = (0..<deviceCount).map { index in
    RoadsideCampaignSimulator.Device(
        vendor: kinds[index % 3].0, key: "", endpoint: kinds[index % 3].1, devCode: "D\(index)",
        faults: .init(missDepartures: index == 1 ? 0.1 : 0, clockOffset: index == 2 ? -90 : 0, plateMisreads: index == 4 ? 0.05 : 0))
}
let simulator = RoadsideCampaignSimulator(
    target: "", parkCode: "BENCH", berths: (1...berths).map { String(format: "P%04d", $0) }, devices: devices,
    duration: Double(days) * 86_400, seed: 42)
let time = ChinaTime()
let start = time.parseCompact("20260301000000")!
var clock = ContinuousClock.now
let plan = simulator.plan(start: start, time: time)
print(String(format: "plan: %d truth events, %d messages (%d berths, %d days, %d devices) in %.1f s",
             plan.truth.count, plan.messages.count, berths, days, deviceCount, seconds(ContinuousClock.now - clock)))

// EVALBENCH_DB=PATH keeps the database there (for timing backups of a large one).
let kept = ProcessInfo.processInfo.environment["EVALBENCH_DB"]
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evalbench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }
let store = SQLStore(
    database: try SQLiteDatabase(path: kept ?? directory.appendingPathComponent("b.sqlite").path, synchronous: .normal),
    logger: Logger(label: "bench"))
try await store.migrate()
try await store.seedVendors(RoadsideVendorTable.rows, at: start)
clock = ContinuousClock.now
var commands: [IngestCommand] = []
for message in plan.messages {
    let fields = message.fields
    let received = message.due.addingTimeInterval(0.2)
    let observation: Observation = fields["psState"].map { .occupancy(occupied: $0 == "1") } ?? .passage(entering: fields["inOutState"] == "1")
    let plate = fields["vehPlate"].map { Plate(number: $0 == "-" ? nil : $0, kind: "02") }
    let event = DetectionEvent(
        protocolName: "roadside", messageId: fields["flowId"]!, vendor: fields["comType"]!, deviceCode: fields["devCode"]!,
        berth: BerthKey(parkCode: "BENCH", psCode: fields["psCode"]!), observation: observation, plate: plate,
        confidence: fields["confidence"].flatMap { Int($0) }, images: fields["Image1"].map { [$0] } ?? [],
        eventTime: time.parseCompact(fields["dataTime"]!)!, eventTimeText: fields["dataTime"]!, batteryLevel: fields["devElec"],
        receivedAt: received)
    let raw = RawMessage(
        protocolName: "roadside", sender: fields["comType"]!, interface: "/park/\(message.endpoint)", messageId: fields["flowId"]!,
        contentHash: fields["flowId"]!, body: "{}", receivedAt: received)
    commands.append(IngestCommand(raw: raw, event: event, findings: []))
    if commands.count == 512 {
        _ = try await store.ingest(commands)
        commands.removeAll(keepingCapacity: true)
    }
}
if !commands.isEmpty { _ = try await store.ingest(commands) }
print(String(format: "store: %.1f s", seconds(ContinuousClock.now - clock)))

let campaigns = Campaigns(store: store, time: time)
try await campaigns.create(
    .init(name: "bench", parkCode: "BENCH", devices: devices.map(\.devCode), from: time.formatCompact(start),
          to: time.formatCompact(start.addingTimeInterval(Double(days) * 86_400)), truth: TruthCSV.format(plan.truth, time: time)),
    by: "bench")

clock = ContinuousClock.now
let rows = try await store.evaluationEvents(
    parkCode: "BENCH", devCodes: devices.map(\.devCode), from: start.addingTimeInterval(-700), to: start.addingTimeInterval(Double(days) * 86_400 + 700))
let load = seconds(ContinuousClock.now - clock)
clock = ContinuousClock.now
let sorted = rows.sorted { ($0.devCode, $0.event.psCode, $0.event.eventTime) < ($1.devCode, $1.event.psCode, $1.event.eventTime) }
let ceiling = seconds(ContinuousClock.now - clock)
clock = ContinuousClock.now
let report = try await campaigns.report(name: "bench")
let whole = seconds(ContinuousClock.now - clock)
clock = ContinuousClock.now
let html = try CampaignReportFormat.html.render(report, time: time)
let render = seconds(ContinuousClock.now - clock)
print(String(format: "load %d events: %.2f s; sort them (ceiling): %.3f s", sorted.count, load, ceiling))
print(String(format: "report (load + evaluate): %.2f s = %.1f µs/event; evaluate alone ≈ %.2f s = %.0f× the sort",
             whole, whole * 1e6 / Double(max(rows.count, 1)), whole - load, (whole - load) / max(ceiling, 1e-9)))
print(String(format: "HTML: %.2f s, %d KiB", render, html.utf8.count / 1024))
for device in report.devices {
    print(String(format: "  %@ %@ recall %.4f precision %.4f skew %.1f plates %@", device.vendor, device.devCode, device.recall ?? -1,
                 device.precision ?? -1, device.clockSkew ?? 0, device.plateAccuracy.map { String(format: "%.4f", $0) } ?? "-"))
}
