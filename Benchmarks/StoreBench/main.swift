import Foundation
import Logging
import ParkGateModel
import ParkGateProtocols
import ParkGateStore

// Per-message cost of the two halves of the ingest path, without HTTP:
//   decode + validate a form-encoded msensor body, and store batches through SQLStore.
// Usage: ParkGateStoreBench [MESSAGES] [BATCH]
let messages = Int(CommandLine.arguments.dropFirst().first ?? "20000") ?? 20000
let batchSize = Int(CommandLine.arguments.dropFirst(2).first ?? "16") ?? 16

func body(_ index: Int) -> [UInt8] {
    // 2,000 berths, each alternating occupied / vacant between its visits (a session opened, then closed).
    let ps = index % 2000
    let json = #"{"token":"0123456789ABCDEF0123456789ABCDEF","comType":"102","flowId":"1023\#(String(format: "%016d", index))","parkCode":"BENCH","devCode":"D\#(ps)","psCode":"P\#(ps)","psState":"\#((index / 2000) % 2)","devElec":"80","dataTime":"20240301083000"}"#
    return Array(("jdata=" + json).utf8)
}

let bodies = (0..<messages).map(body)
var start = ContinuousClock.now
var decoded: [RoadsideMessage] = []
decoded.reserveCapacity(messages)
for bytes in bodies {
    decoded.append(try RoadsideDecoder.decode(contentType: "application/x-www-form-urlencoded", body: bytes, endpoint: .msensor, strict: false))
}
var elapsed = ContinuousClock.now - start
print(String(format: "decode+validate: %.1f µs/message", Double(elapsed.components.attoseconds) / 1e12 / Double(messages) + Double(elapsed.components.seconds) * 1e6 / Double(messages)))

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storebench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }
let store = SQLStore(database: try SQLiteDatabase(path: directory.appendingPathComponent("b.sqlite").path), logger: Logger(label: "bench"))
try await store.migrate()
// BENCH_SQL: statements (separated by ';') run after the migrations, to try schema variants.
if let extra = ProcessInfo.processInfo.environment["BENCH_SQL"] {
    let side = try SQLiteDatabase(path: directory.appendingPathComponent("b.sqlite").path)
    _ = try await side.transaction(extra.split(separator: ";").map { SQLStatement(String($0), []) })
}
func writtenBytes() -> Int {
    let io = (try? String(contentsOfFile: "/proc/self/io", encoding: .utf8)) ?? ""
    return io.split(separator: "\n").first { $0.hasPrefix("wchar:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
}
let writtenBefore = writtenBytes()
let time = ChinaTime()
let commands = decoded.enumerated().map { index, message -> IngestCommand in
    let now = Date()
    let event = DetectionEvent(
        protocolName: "roadside", messageId: message["flowId"]!, vendor: "102", deviceCode: message["devCode"]!,
        berth: BerthKey(parkCode: "BENCH", psCode: message["psCode"]!), observation: .occupancy(occupied: message["psState"] == "1"),
        eventTime: time.parseCompact(message["dataTime"]!)!.addingTimeInterval(Double(index)), eventTimeText: message["dataTime"]!,
        batteryLevel: message["devElec"], receivedAt: now, attributes: ["psState": message["psState"]!])
    let raw = RawMessage(
        protocolName: "roadside", sender: "102", interface: "/park/msensor", messageId: message["flowId"]!,
        contentHash: String(index), body: String(decoding: bodies[index], as: UTF8.self), receivedAt: now)
    return IngestCommand(raw: raw, event: event, findings: [])
}
start = ContinuousClock.now
for batch in stride(from: 0, to: commands.count, by: batchSize) {
    _ = try await store.ingest(Array(commands[batch..<min(batch + batchSize, commands.count)]))
}
elapsed = ContinuousClock.now - start
print(String(format: "store (batches of %d): %.1f KB written/message", batchSize, Double(writtenBytes() - writtenBefore) / 1024 / Double(messages)))
print(String(format: "store (batches of %d): %.1f µs/message", batchSize, Double(elapsed.components.attoseconds) / 1e12 / Double(messages) + Double(elapsed.components.seconds) * 1e6 / Double(messages)))
