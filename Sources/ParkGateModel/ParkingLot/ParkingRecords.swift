import Foundation

/// A vehicle's stay in a parking lot as T/CPMI reports it, keyed by `recordCode` per park.
public struct ParkingEntry: Sendable, Hashable {
    public var recordCode: String
    public var plate: String
    public var inCross: String
    public var inTime: Date
    public var inTimeText: String
    public var inIdentity: VehicleIdentity?
    public var carColor: String
    public var operatorName: String

    public init(recordCode: String, plate: String, inCross: String, inTime: Date, inTimeText: String, inIdentity: VehicleIdentity?,
                carColor: String, operatorName: String) {
        (self.recordCode, self.plate, self.inCross, self.inTime, self.inTimeText) = (recordCode, plate, inCross, inTime, inTimeText)
        (self.inIdentity, self.carColor, self.operatorName) = (inIdentity, carColor, operatorName)
    }
}

/// Money as the document sends it (Float, two decimals), kept in fen to add up exactly.
public struct Money: Sendable, Hashable, Comparable, Codable {
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    /// From a decimal text or number (`12.5`, `"12.50"`): an optional `-`, digits, `.` and digits
    /// (at least one digit, at most 16 before the point, decimals past the second only 0s), white
    /// space around it ignored; nil for anything else. Parsed by hand: through Foundation's
    /// `Decimal` it was a visible share of a T/CPMI exit's CPU.
    public init?(_ text: String) {
        let bytes = Array(text.trimmedSpaces.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var yuan: Int64 = 0, digits = 0, cents: Int64 = 0, decimals = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            digits += 1
            guard digits <= 16 else { return nil }
            yuan = yuan * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                decimals += 1
                if decimals <= 2 {
                    cents = cents * 10 + digit
                } else if digit != 0 {
                    return nil
                }
                index += 1
            }
        }
        guard index == bytes.count, digits + decimals > 0 else { return nil }
        if decimals == 1 { cents *= 10 }
        let value = yuan * 100 + cents
        fen = negative ? -value : value
    }

    /// `12.50`, `-0.05`: two decimals always.
    public var text: String {
        let cents = fen.magnitude % 100
        return (fen < 0 ? "-" : "") + String(fen.magnitude / 100) + (cents < 10 ? ".0" : ".") + String(cents)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
}

public struct ParkingExit: Sendable, Hashable {
    public var recordCode: String
    public var plate: String
    public var inCross: String
    public var outCross: String
    public var inTime: Date?
    public var inTimeText: String
    public var outTime: Date
    public var outTimeText: String
    public var inIdentity: VehicleIdentity?
    public var outIdentity: String
    public var parkMinutes: Int?
    public var carColor: String
    public var chargeStatus: String
    public var payMoney: Money
    public var discountMoney: Money
    public var incomeMoney: Money
    public var paymentMode: PaymentMode?
    public var payOrigin: PayOrigin?
    public var exitType: String
    public var operatorName: String

    public init(recordCode: String, plate: String, inCross: String, outCross: String, inTime: Date?, inTimeText: String, outTime: Date,
                outTimeText: String, inIdentity: VehicleIdentity?, outIdentity: String, parkMinutes: Int?, carColor: String,
                chargeStatus: String, payMoney: Money, discountMoney: Money, incomeMoney: Money, paymentMode: PaymentMode?,
                payOrigin: PayOrigin?, exitType: String, operatorName: String) {
        (self.recordCode, self.plate, self.inCross, self.outCross, self.inTime, self.inTimeText) = (recordCode, plate, inCross, outCross, inTime, inTimeText)
        (self.outTime, self.outTimeText, self.inIdentity, self.outIdentity, self.parkMinutes) = (outTime, outTimeText, inIdentity, outIdentity, parkMinutes)
        (self.carColor, self.chargeStatus, self.payMoney, self.discountMoney, self.incomeMoney) = (carColor, chargeStatus, payMoney, discountMoney, incomeMoney)
        (self.paymentMode, self.payOrigin, self.exitType, self.operatorName) = (paymentMode, payOrigin, exitType, operatorName)
    }
}

public struct ParkingCorrection: Sendable, Hashable {
    public var recordCode: String
    public var plate: String
    public var correctedPlate: String
    public var fields: [String: String]

    public init(recordCode: String, plate: String, correctedPlate: String, fields: [String: String]) {
        (self.recordCode, self.plate, self.correctedPlate, self.fields) = (recordCode, plate, correctedPlate, fields)
    }
}

/// A picture of a stay (B.4.5), already in the blob store under `blob`.
public struct ParkingImage: Sendable, Hashable {
    public var recordCode: String
    public var imageCode: String
    public var imageType: ParkingImageType?
    public var blob: String
    public var bytes: Int

    public init(recordCode: String, imageCode: String, imageType: ParkingImageType?, blob: String, bytes: Int) {
        (self.recordCode, self.imageCode, self.imageType, self.blob, self.bytes) = (recordCode, imageCode, imageType, blob, bytes)
    }
}

/// One payment of a supplementary bill (`paymentRecordList`, B.18).
public struct ParkingPayment: Sendable, Hashable {
    public var billNumber: String
    public var amountReceivable, actualReceivable, discountAmount: Money
    public var payTime: Date?
    /// 0 未缴费, 1 缴费成功, 2 缴费超时.
    public var payStatus: String
    public var paymentMode: PaymentMode?
    public var payOrigin: PayOrigin?
    public var toller: String

    public init(billNumber: String, amountReceivable: Money, actualReceivable: Money, discountAmount: Money, payTime: Date?, payStatus: String,
                paymentMode: PaymentMode?, payOrigin: PayOrigin?, toller: String) {
        (self.billNumber, self.amountReceivable, self.actualReceivable, self.discountAmount) = (billNumber, amountReceivable, actualReceivable, discountAmount)
        (self.payTime, self.payStatus, self.paymentMode, self.payOrigin, self.toller) = (payTime, payStatus, paymentMode, payOrigin, toller)
    }
}

/// A whole stay sent afterwards (补报账单, B.18), for a record whose entry or exit never arrived.
public struct SupplementaryBill: Sendable, Hashable {
    public var exit: ParkingExit
    public var carType: String
    public var inImage, outImage: String
    public var payments: [ParkingPayment]

    public init(exit: ParkingExit, carType: String, inImage: String, outImage: String, payments: [ParkingPayment]) {
        (self.exit, self.carType, self.inImage, self.outImage, self.payments) = (exit, carType, inImage, outImage, payments)
    }
}

/// A cashier's shift summary (收费员结账, B.17).
public struct CashierSettlement: Sendable, Hashable {
    public var userId, userName, operatorType, outCross: String
    public var start, end: Date?
    public var cashCount: Int
    public var cashSum: Money
    public var couponCount: Int
    public var couponSum: Money
    public var uploaded: Date?

    public init(userId: String, userName: String, operatorType: String, outCross: String, start: Date?, end: Date?, cashCount: Int,
                cashSum: Money, couponCount: Int, couponSum: Money, uploaded: Date?) {
        (self.userId, self.userName, self.operatorType, self.outCross, self.start, self.end) = (userId, userName, operatorType, outCross, start, end)
        (self.cashCount, self.cashSum, self.couponCount, self.couponSum, self.uploaded) = (cashCount, cashSum, couponCount, couponSum, uploaded)
    }
}

/// A day's totals as the lot counts them (汇总对账, B.19), to compare with ParkGate's own.
public struct DailyReconciliation: Sendable, Hashable {
    /// `yyyy-MM-dd`, and the day's bounds in China time.
    public var day: String
    public var dayStart, dayEnd: Date
    public var payCount: Int
    public var payMoney, incomeMoney, discountMoney: Money
    public var checkTime: Date?

    public init(day: String, dayStart: Date, dayEnd: Date, payCount: Int, payMoney: Money, incomeMoney: Money, discountMoney: Money, checkTime: Date?) {
        (self.day, self.dayStart, self.dayEnd, self.payCount) = (day, dayStart, dayEnd, payCount)
        (self.payMoney, self.incomeMoney, self.discountMoney, self.checkTime) = (payMoney, incomeMoney, discountMoney, checkTime)
    }
}

/// A gate opened by hand (异常开闸, B.27): kept as an alarm.
public struct ManualOpen: Sendable, Hashable {
    public var inCross, outCross, direction, plate: String
    public var time: Date?
    public var openType: OpenType?
    public var openTypeText: String
    public var operatorName: String

    public init(inCross: String, outCross: String, direction: String, plate: String, time: Date?, openType: OpenType?, openTypeText: String, operatorName: String) {
        (self.inCross, self.outCross, self.direction, self.plate, self.time) = (inCross, outCross, direction, plate, time)
        (self.openType, self.openTypeText, self.operatorName) = (openType, openTypeText, operatorName)
    }
}

/// A piece of equipment, a sub-station PC or a channel of a lot, as its status uploads say.
public struct Facility: Sendable, Hashable {
    public enum Kind: String, Sendable { case equipment, station, channel }
    public var kind: Kind
    /// `equipmentCode`, `pcName` or `channelId`.
    public var code: String
    public var name: String
    /// `equipmentType` or `channelType` as sent.
    public var type: String
    public var pcName: String
    /// 1 online, 0 offline; nil for channels.
    public var linked: Bool?
    public var changedAt: Date?
    /// The upload's operation: 删除 (equipment 2, channel 3) removes it.
    public var removed: Bool
    public var operation: String
    /// Channels: 是否直连外场.
    public var isExit: Bool?

    public init(kind: Kind, code: String, name: String, type: String, pcName: String, linked: Bool?, changedAt: Date?, removed: Bool,
                operation: String, isExit: Bool? = nil) {
        (self.kind, self.code, self.name, self.type, self.pcName, self.linked) = (kind, code, name, type, pcName, linked)
        (self.changedAt, self.removed, self.operation, self.isExit) = (changedAt, removed, operation, isExit)
    }
}

/// An invoice issued for a stay (电子发票同步, B.35).
public struct InvoiceIssued: Sendable, Hashable {
    public var recordCode, invoiceCode: String
    public var payment: Money

    public init(recordCode: String, invoiceCode: String, payment: Money) {
        (self.recordCode, self.invoiceCode, self.payment) = (recordCode, invoiceCode, payment)
    }
}

/// A fee paid before leaving, at a pay station or the central cashier (预缴费信息推送, B.14).
public struct Prepayment: Sendable, Hashable {
    public var orderCode, recordCode, plate, carColor: String
    public var entryTime, predictedExit: Date?
    public var orderMoney, realPayMoney, discountMoney: Money
    public var discountType, couponName, discountDetail, cashier, terminalCode, phoneNumber, payType: String

    public init(orderCode: String, recordCode: String, plate: String, carColor: String, entryTime: Date?, predictedExit: Date?,
                orderMoney: Money, realPayMoney: Money, discountMoney: Money, discountType: String, couponName: String,
                discountDetail: String, cashier: String, terminalCode: String, phoneNumber: String, payType: String) {
        (self.orderCode, self.recordCode, self.plate, self.carColor, self.entryTime, self.predictedExit) = (orderCode, recordCode, plate, carColor, entryTime, predictedExit)
        (self.orderMoney, self.realPayMoney, self.discountMoney, self.discountType, self.couponName) = (orderMoney, realPayMoney, discountMoney, discountType, couponName)
        (self.discountDetail, self.cashier, self.terminalCode, self.phoneNumber, self.payType) = (discountDetail, cashier, terminalCode, phoneNumber, payType)
    }
}

/// What a parking-lot system reports over T/CPMI's uplink, in domain terms.
public enum ParkingReport: Sendable, Hashable {
    case heartbeat
    /// Pictures may come before their record (B.4.5: 没有先后顺序); they attach when it comes.
    case images([ParkingImage])
    case entry(ParkingEntry)
    case correction(ParkingCorrection)
    case exit(ParkingExit)
    case supplementaryBill(SupplementaryBill)
    case settlement(CashierSettlement)
    case reconciliation(DailyReconciliation)
    case manualOpen(ManualOpen)
    /// An auto-pay request and what ParkGate decided.
    case autoPay(recordCode: String, plate: String, decision: AutoPay.Decision, orderCode: String)
    /// A synchronised table entry (coupons, prices, monthly cards) as last sent; `removed` deletes it.
    case sync(interface: String, key: String, values: [String: String], removed: Bool)
    case invoice(InvoiceIssued)
    case prepayment(Prepayment)
    case facilities([Facility])
    case environment(totalSpaces: Int, weather: String, situation: String)
    case remainingSpaces(Int)
}

/// The rules a report must pass against what is stored.
public enum ParkingRules {
    public enum Refusal: Error, Sendable, Equatable {
        case unknownRecord(String)
        /// A second invoice for a stay that has one (B.9.4: 以免客户重复开票).
        case alreadyInvoiced(record: String, invoice: String)
        case exitBeforeEntry(String)
        case emptyOverTotal(empty: Int, total: Int)
        case badTotal(Int)
    }

    public static func check(_ report: ParkingReport, recordEntry: Date??, totalSpaces: Int?, invoice: String? = nil) -> Refusal? {
        switch report {
        case .invoice(let issued):
            if let invoice, invoice != issued.invoiceCode { return .alreadyInvoiced(record: issued.recordCode, invoice: invoice) }
            return nil
        case .correction(let correction):
            return recordEntry == nil ? .unknownRecord(correction.recordCode) : nil
        case .exit(let exit):
            // PROFILE: an exit needs its record (a lot that lost the entry sends 补报账单, 14).
            guard let entry = recordEntry else { return .unknownRecord(exit.recordCode) }
            if let inTime = exit.inTime ?? entry, exit.outTime < inTime { return .exitBeforeEntry(exit.recordCode) }
            return nil
        case .environment(let total, _, _):
            return total <= 0 ? .badTotal(total) : nil
        case .remainingSpaces(let empty):
            if let total = totalSpaces, empty > total { return .emptyOverTotal(empty: empty, total: total) }
            return empty < 0 ? .emptyOverTotal(empty: empty, total: totalSpaces ?? 0) : nil
        case .supplementaryBill(let bill):
            // In any order with entry and exit; only its own times must make sense.
            if let inTime = bill.exit.inTime, bill.exit.outTime < inTime { return .exitBeforeEntry(bill.exit.recordCode) }
            return nil
        case .heartbeat, .entry, .images, .settlement, .reconciliation, .manualOpen, .facilities, .prepayment, .sync, .autoPay:
            return nil
        }
    }
}
