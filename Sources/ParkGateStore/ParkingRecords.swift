import Foundation
import ParkGateModel

/// A parking lot connected over T/CPMI: its account, key-pool secret and live state.
public struct ParkRecord: Sendable, Hashable, Encodable {
    public var code: String
    public var name: String
    public var totalSpaces: Int
    public var emptySpaces: Int?
    public var account: String
    public var passwordHash: String
    /// The key-pool secret appended to signatures (PROFILE), nil for none.
    public var secret: String?
    public var signatureOn: Bool
    public var weather, situation: String?
    public var lastHeartbeat: Date?
    /// From heartbeats: offline after `parks.silence` without one.
    public var online: Bool
    /// Records entered and not exited (read from the records; not stored on the park).
    public var vehiclesInside: Int?
    public var createdAt, updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case code, name, totalSpaces, emptySpaces, account, signatureOn, weather, situation, lastHeartbeat, online, vehiclesInside, createdAt, updatedAt
    }

    public init(code: String, name: String, totalSpaces: Int, emptySpaces: Int? = nil, account: String, passwordHash: String, secret: String?,
                signatureOn: Bool, weather: String? = nil, situation: String? = nil, lastHeartbeat: Date? = nil, online: Bool = false,
                createdAt: Date, updatedAt: Date) {
        self.online = online
        (self.code, self.name, self.totalSpaces, self.emptySpaces, self.account) = (code, name, totalSpaces, emptySpaces, account)
        (self.passwordHash, self.secret, self.signatureOn, self.weather, self.situation) = (passwordHash, secret, signatureOn, weather, situation)
        (self.lastHeartbeat, self.createdAt, self.updatedAt) = (lastHeartbeat, createdAt, updatedAt)
    }
}

/// One authenticated uplink report to store.
public struct ParkingCommand: Sendable {
    public var parkCode: String
    public var oprNum: String
    public var code: String
    public var report: ParkingReport
    public var raw: RawMessage
    /// Conformance findings on this request (lenient mode).
    public var findings: [Finding] = []
    public var now: Date
    /// Renders the answer of an accepted report (stored for replays of its `oprNum`).
    public var answer: @Sendable () -> String
    /// Repeats of one `oprNum` allowed within an hour before `9999` (B.2.3.6).
    public var repeatLimit: Int

    public init(parkCode: String, oprNum: String, code: String, report: ParkingReport, raw: RawMessage, now: Date,
                repeatLimit: Int = 5, answer: @escaping @Sendable () -> String) {
        (self.parkCode, self.oprNum, self.code, self.report, self.raw, self.now) = (parkCode, oprNum, code, report, raw, now)
        (self.repeatLimit, self.answer) = (repeatLimit, answer)
    }
}

extension ParkingCommand {
    /// The record the report is about, if any.
    public var recordCode: String? {
        switch report {
        case .entry(let entry): entry.recordCode
        case .correction(let correction): correction.recordCode
        case .exit(let exit): exit.recordCode
        case .supplementaryBill(let bill): bill.exit.recordCode
        case .invoice(let invoice): invoice.recordCode
        case .autoPay(let record, _, _, _): record
        default: nil
        }
    }

    /// What two commands in one batch must not share: the request, the record, the park's own
    /// state (spaces, prices) for reports that read or change it, and the other rows a report
    /// upserts by a key of its own (a picture, a prepayment's order, a facility). Two upserts of
    /// one row may not go in one multi-row statement (PostgreSQL refuses it, SQLSTATE 21000).
    public var conflictKeys: [String] {
        var keys = ["o|\(parkCode)|\(oprNum)"]
        if let recordCode { keys.append("r|\(parkCode)|\(recordCode)") }
        switch report {
        case .environment, .remainingSpaces, .reconciliation, .sync: keys.append("p|\(parkCode)")
        case .images(let images): keys += images.map { "i|\(parkCode)|\($0.recordCode)|\($0.imageCode)" }
        case .prepayment(let pay): keys.append("q|\(parkCode)|\(pay.orderCode)")
        case .facilities(let facilities): keys += facilities.map { "f|\(parkCode)|\($0.kind.rawValue)|\($0.code)" }
        default: break
        }
        return keys
    }
}

public enum ParkingOutcome: Sendable, Equatable {
    case accepted(answer: String)
    /// The same `oprNum` again: its first answer.
    case replayed(answer: String)
    case tooManyRepeats
    case refused(ParkingRules.Refusal)
}

public struct ReconciliationRow: Sendable, Encodable, Hashable {
    public struct Totals: Sendable, Encodable, Hashable {
        public var count: Int64
        public var payMoney, incomeMoney, discountMoney: String
    }

    public var parkCode, day: String
    /// As the lot reported them, as ParkGate stored them, and the lot's minus ParkGate's.
    public var reported, ours, difference: Totals
    public var matches: Bool
    public var checkTime: Date?
    public var receivedAt: Date
}

/// A member of the platform (a plate), with or without auto-pay (无感支付).
public struct MemberRecord: Sendable, Hashable, Codable {
    public var plate: String
    public var name, phone: String?
    public var autoPay: Bool
    public var createdAt, updatedAt: Date

    public init(plate: String, name: String?, phone: String?, autoPay: Bool, createdAt: Date, updatedAt: Date) {
        (self.plate, self.name, self.phone, self.autoPay, self.createdAt, self.updatedAt) = (plate, name, phone, autoPay, createdAt, updatedAt)
    }
}

public struct SyncRow: Sendable, Encodable, Hashable {
    public var interface, key: String
    public var data: [String: String]
    public var source: String
    public var updatedAt: Date
}

public struct SpacesRow: Sendable, Encodable, Hashable {
    public var at: Date
    public var emptyNum, totalNum: Int64
}

public struct FacilityRow: Sendable, Encodable, Hashable {
    /// `equipment`, `station` or `channel`.
    public var kind, code: String
    public var name, type, pcName: String?
    public var linked, isExit: Bool?
    public var changedAt: Date?
    public var updatedAt: Date
}

public struct SettlementRow: Sendable, Encodable, Hashable {
    public var parkCode: String
    public var userId, userName, operatorType, outCross: String?
    public var start, end: Date?
    public var cashCount: Int64
    public var cashSum: String
    public var couponCount: Int64
    public var couponSum: String
    public var uploadedAt: Date?
    public var receivedAt: Date
}

public struct ParkingImageRow: Sendable, Encodable, Hashable {
    public var recordCode, imageCode: String
    public var imageType: String?
    /// The blob's name; served at `/api/v1/blobs/{blob}`.
    public var blob: String
    public var bytes: Int64
    public var receivedAt: Date
}

public struct ParkingRecordRow: Sendable, Encodable, Hashable {
    public var parkCode, recordCode, plate: String
    public var entryPlate: String?
    public var inCross: String?
    public var inTime: Date?
    public var inTimeText: String?
    public var inIdentity, carColor, outCross: String?
    public var outTime: Date?
    public var outTimeText, outIdentity: String?
    public var parkMinutes: Int64?
    public var chargeStatus: String?
    public var payMoney, discountMoney, incomeMoney: String?
    public var paymentMode, payOrigin, exitType, operatorName: String?
    public var status: String
    public var corrections: Int64
    public var createdAt, updatedAt: Date
}
