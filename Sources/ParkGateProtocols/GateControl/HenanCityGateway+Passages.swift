import Foundation
import ParkGateModel
import ParkGateStore

extension HenanCityGateway {
    /// 4.1.4 `shareDrivingRecord`: a vehicle through a gate. The `lsh` must hold 6.4's rule for the
    /// record's enterprise (`qybh`, the organ's own: 403 otherwise), gate (`dzbh`, one of the
    /// enterprise's registered gates when it registered any) and direction (`tgzt` 1 in = A,
    /// 2 out = B); times `yyyy-MM-dd HH:mm:ss`. The control decision in force at `tgsjq` is stored
    /// with the record. A repeated `lsh` is answered 200 and stores nothing new.
    func recordPassage(_ value: HenanFields, organ: String, now: Date) async throws -> String {
        let required = ["lsh", "qybh", "dzbh", "cphm", "cpys", "tgsjq", "tgzt", "bgzt"]
        if let missing = required.first(where: { value.text($0) == nil }) { return Self.answer(.badRequest, reason: "\(missing) is required") }
        let (lsh, enterprise, gate) = (value.text("lsh")!, value.text("qybh")!, value.text("dzbh")!)
        let (license, color, state, barrier) = (value.text("cphm")!, value.text("cpys")!, value.text("tgzt")!, value.text("bgzt")!)
        guard enterprise == organ else { return Self.answer(.forbidden, reason: "qybh \(enterprise) is not the enterprise of organ \(organ)") }
        guard HenanPlateColor(code: color) != nil else { return Self.answer(.format, reason: "cpys \(color) is not in 7.1") }
        guard state == "1" || state == "2" else { return Self.answer(.format, reason: "tgzt must be 1 (进门) or 2 (出门), not \(state)") }
        guard barrier == "0" || barrier == "1" else { return Self.answer(.format, reason: "bgzt must be 1 (摆杆通行) or 0 (未摆杆), not \(barrier)") }
        guard let from = time.parseDashed(value.text("tgsjq")!) else { return Self.answer(.format, reason: "tgsjq must be yyyy-MM-dd HH:mm:ss") }
        var to: Date?
        if let text = value.text("tgsjz") {
            guard let parsed = time.parseDashed(text) else { return Self.answer(.format, reason: "tgsjz must be yyyy-MM-dd HH:mm:ss") }
            guard parsed >= from else { return Self.answer(.format, reason: "tgsjz is before tgsjq") }
            to = parsed
        }
        if let problem = HenanNumbering.serialProblem(lsh, enterprise: enterprise, gate: gate, entering: state == "1", time: time) {
            return Self.answer(.format, reason: problem)
        }
        if let refusal = try await unregisteredGate(gate, of: enterprise) { return refusal }
        let (decision, filing) = try await decide(license: license, color: color, enterprise: enterprise, at: from)
        let passage = HenanPassage(
            lsh: lsh, organ: organ, enterprise: enterprise, enterpriseName: value.text("qymc"), gate: gate, license: license, licenseColor: color,
            entering: state == "1", passedFrom: from, passedTo: to, barrierLifted: barrier == "1", isControl: decision.isControl,
            controlReason: decision.reason, project: decision.project, receivedAt: now)
        let relay = [HenanRelayPayloads.passage(passage, filing: filing, time: time, now: now)]
        if let passageWriter {
            do {
                _ = try await passageWriter.submit(HenanPassageCommand(passage: passage, relay: relay))
            } catch StoreError.overloaded {
                return Self.answer(.serverError, reason: "too many passages waiting to be stored: send again shortly")
            }
        } else {
            try await store.saveHenanPassage(passage, relay: relay)
        }
        return Self.answer(.ok)
    }
}
