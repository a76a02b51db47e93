import Crypto
import Foundation
import Logging
import ParkGateModel
import ParkGateStore

/// The platform side of T/CPMI's uplink (`POST /cpmi`): envelope, signatures, login tokens,
/// replays, and the parking-lot reports stored before they are answered.
public struct CPMIGateway: Sendable {
    let store: any Store
    /// Reports are committed in batches with the other requests arriving meanwhile.
    let writer: ParkingWriter
    let blobs: BlobStore
    let time: ChinaTime
    let strict: Bool
    /// Largest decoded image accepted (bytes).
    let imageLimit: Int
    let logger: Logger
    let credentials: CPMICredentials

    /// Interfaces whose uplink is implemented; the other uplink codes answer 9001 for now.
    public static let implemented: Set<CPMIInterface> = [
        .login, .entry, .correction, .exit, .imageUpload, .environment, .remainingSpaces, .heartbeat,
        .cashierSettlement, .supplementaryBill, .reconciliation, .manualOpen, .hardwareStatus, .stationStatus, .channelInfo,
        .invoice, .prepayment, .coupon, .temporaryPrice, .monthlyCardRecord, .monthlyCardPrice, .autoPay,
    ]

    /// Interfaces whose `data` may be an array of objects (several items in one upload).
    static let listInterfaces: Set<CPMIInterface> = [.imageUpload, .hardwareStatus, .stationStatus, .channelInfo]

    public init(store: any Store, writer: ParkingWriter, blobs: BlobStore, time: ChinaTime = ChinaTime(), strict: Bool, imageLimit: Int = 5 << 20,
                credentialCacheSeconds: TimeInterval = 2, logger: Logger) {
        self.store = store
        self.credentials = CPMICredentials(store: store, cacheSeconds: credentialCacheSeconds)
        self.writer = writer
        self.blobs = blobs
        self.time = time
        self.strict = strict
        self.imageLimit = imageLimit
        self.logger = logger
    }

    public func handle(contentType: String?, body: [UInt8], now: Date = Date()) async -> String {
        let envelope: CPMIEnvelope
        do {
            envelope = try CPMIEnvelope.decode(contentType: contentType, body: body)
        } catch {
            return CPMIEnvelope.answer(code: error.code, oprNum: error.oprNum, result: error.result, message: error.message, token: "", secret: nil)
        }
        do {
            return try await process(envelope, now: now)
        } catch let refusal as CPMIEnvelope.Refusal {
            return CPMIEnvelope.answer(code: envelope.code, oprNum: envelope.oprNum, result: refusal.result, message: refusal.message,
                                       token: envelope.token, secret: nil)
        } catch {
            logger.error("T/CPMI request failed", metadata: ["code": "\(envelope.code)", "oprNum": "\(envelope.oprNum)", "error": "\(error)"])
            return CPMIEnvelope.answer(code: envelope.code, oprNum: envelope.oprNum, result: .failure, message: "操作失败：存储出错，未保存",
                                       token: envelope.token, secret: nil)
        }
    }

    func process(_ envelope: CPMIEnvelope, now: Date) async throws -> String {
        guard let interface = Int(envelope.code).flatMap(CPMIInterface.init(rawValue:)), interface.direction != .downlink,
            Self.implemented.contains(interface)
        else { throw CPMIEnvelope.Refusal(result: .unknownInterface, message: "interface \(envelope.code) is closed or does not exist") }
        guard envelope.dataIsObject || (Self.listInterfaces.contains(interface) && !envelope.dataItems.isEmpty) else {
            throw CPMIEnvelope.Refusal(result: .badFormat, message: "data must be an object for interface \(envelope.code)")
        }
        if interface == .login { return try await login(envelope, now: now) }

        let park: ParkRecord
        switch try await credentials.lookup(envelope.token, now: now) {
        case .live(_, let found): park = found
        case .invalidToken: throw CPMIEnvelope.Refusal(result: .tokenInvalid, message: "token invalid, expired or revoked: log in again")
        case .noPark: throw CPMIEnvelope.Refusal(result: .noPark, message: "the account's park no longer exists")
        }
        try checkSignature(envelope, token: envelope.token, park: park)
        var fields = CPMIFields(envelope.data, strict: strict, time: time)
        let report: ParkingReport
        var answerData = "{}"
        if interface == .imageUpload {
            let images = try self.images(envelope.dataIsObject ? [envelope.data] : envelope.dataItems, &fields)
            report = .images(images)
            let paths = images.map { "{\"imageCode\":" + JSONText.quote($0.imageCode) + ",\"imagePath\":" + JSONText.quote("/api/v1/blobs/" + $0.blob) + "}" }
            answerData = envelope.dataIsObject ? "{\"imagePath\":" + JSONText.quote("/api/v1/blobs/" + images[0].blob) + "}" : "[" + paths.joined(separator: ",") + "]"
        } else if interface == .autoPay {
            let (decided, data) = try await autoPay(&fields, park: park, now: now)
            report = decided
            answerData = data
        } else if [.hardwareStatus, .stationStatus, .channelInfo].contains(interface) {
            report = .facilities(try facilities(interface, envelope.dataIsObject ? [envelope.data] : envelope.dataItems, &fields))
        } else {
            report = try self.report(interface, &fields, park: park, dataText: envelope.dataText)
            if interface == .heartbeat { answerData = "{\"time\":" + JSONText.quote(time.formatDashed(now)) + "}" }
        }
        let secret = park.secret, code = envelope.code, oprNum = envelope.oprNum, tokenText = envelope.token
        // Pictures are kept once, in the blob store: the raw copy names them instead of repeating them.
        var body = envelope.text
        if case .images(let images) = report {
            for (image, encoded) in zip(images, imageTexts(envelope)) where !encoded.isEmpty {
                body = body.replacingOccurrences(of: encoded, with: "blob:" + image.blob)
            }
        }
        let raw = RawMessage(
            protocolName: "cpmi", sender: park.code, interface: code, messageId: oprNum,
            contentHash: Hex.string(SHA256.hash(data: Array(envelope.text.utf8))),
            body: body, receivedAt: now)
        let finalData = answerData
        var command = ParkingCommand(parkCode: park.code, oprNum: oprNum, code: code, report: report, raw: raw, now: now) {
            CPMIEnvelope.answer(code: code, oprNum: oprNum, result: .success, dataText: finalData, token: tokenText, secret: secret)
        }
        command.findings = fields.findings.map {
            Finding(protocolName: "cpmi", sender: park.code, interface: code, field: $0.field, rule: $0.rule, example: $0.example)
        }
        let outcome: ParkingOutcome
        do {
            outcome = try await writer.submit(command)
        } catch StoreError.conflict {
            // The same oprNum committed by a concurrent request: this one is its repeat.
            outcome = try await writer.submit(command)
        } catch StoreError.overloaded {
            throw CPMIEnvelope.Refusal(result: .failure, message: "操作失败：平台繁忙，请稍后重试 (write queue full, nothing stored)")
        }
        switch outcome {
        case .accepted(let answer), .replayed(let answer):
            return answer
        case .tooManyRepeats:
            throw CPMIEnvelope.Refusal(result: .failure, message: "重复请求次数超限 (more than 5 repeats of oprNum \(oprNum) within an hour)")
        case .refused(let refusal):
            switch refusal {
            case .unknownRecord(let record): throw CPMIEnvelope.Refusal(result: .unknownRecord, message: "recordCode \(record) does not exist")
            case .alreadyInvoiced(let record, let invoice):
                throw CPMIEnvelope.Refusal(result: .failure, message: "操作失败：停车记录 \(record) 已开具发票 \(invoice)")
            case .exitBeforeEntry(let record): throw CPMIEnvelope.Refusal(result: .badFormat, message: "record \(record): outTime precedes inTime")
            case .emptyOverTotal(let empty, let total):
                throw CPMIEnvelope.Refusal(result: .emptyOverTotal, message: "emptyNum \(empty) is more than totalNum \(total)")
            case .badTotal(let total): throw CPMIEnvelope.Refusal(result: .badTotal, message: "totalNum \(total) is 0 or less")
            }
        }
    }

    func checkSignature(_ envelope: CPMIEnvelope, token: String, park: ParkRecord) throws {
        guard park.signatureOn else { return }
        let expected = CPMIEnvelope.signature(dataText: envelope.dataText, token: token, secret: park.secret)
        guard envelope.signature.uppercased() == expected else {
            throw CPMIEnvelope.Refusal(result: .badSignature, message: "signature does not match MD5(data + token + secret)")
        }
    }

    func login(_ envelope: CPMIEnvelope, now: Date) async throws -> String {
        var fields = CPMIFields(envelope.data, strict: strict, time: time)
        let account = try fields.string("parkUserName", required: true), password = try fields.string("parkUserPwd", required: true)
        guard let park = try await store.park(account: account), await PasswordHash.matches(password, park.passwordHash) else {
            throw CPMIEnvelope.Refusal(result: .badCredentials, message: "wrong parkUserName or parkUserPwd")
        }
        try checkSignature(envelope, token: "", park: park)
        let value = SecureToken.hex()
        // Valid to the end of the natural month (China time); a new login revokes the old token.
        try await store.replaceParkToken(TokenRecord(token: value, kind: "cpmi", subject: park.code, issuedAt: now, expiresAt: time.startOfNextMonth(now)))
        credentials.forget(parkCode: park.code)
        let data = "{\"token\":" + JSONText.quote(value) + ",\"parkCode\":" + JSONText.quote(park.code) + "}"
        return CPMIEnvelope.answer(code: envelope.code, oprNum: envelope.oprNum, result: .success, dataText: data, token: "", secret: park.secret)
    }

    func report(_ interface: CPMIInterface, _ fields: inout CPMIFields, park: ParkRecord, dataText: String) throws(CPMIEnvelope.Refusal) -> ParkingReport {
        switch interface {
        case .coupon, .temporaryPrice, .monthlyCardRecord, .monthlyCardPrice:
            if interface != .monthlyCardRecord, interface != .monthlyCardPrice { try checkPark(&fields, park) }
            return try CPMISyncSpecs.read(interface, &fields, time: time)
        case .invoice:
            return .invoice(InvoiceIssued(
                recordCode: try fields.string("recordCode", required: true), invoiceCode: try fields.string("invoiceCode", required: true),
                payment: try fields.money("payment")))
        case .prepayment:
            try checkPark(&fields, park)
            // B.14 writes the times yyyy-MM-dd HH:MM:SS (minutes as months): read as HH:mm:ss.
            return .prepayment(Prepayment(
                orderCode: try fields.string("orderCode", required: true), recordCode: try fields.string("recordCode"),
                plate: try fields.string("carNum"), carColor: try fields.string("carColor"),
                entryTime: try fields.instant("entryTime", required: false)?.date, predictedExit: try fields.instant("predictExitTime", required: false)?.date,
                orderMoney: try fields.money("orderMoney"), realPayMoney: try fields.money("realPayMoney"), discountMoney: try fields.money("discountMoney"),
                discountType: try fields.string("discountType"), couponName: try fields.string("couponName"),
                discountDetail: try fields.string("discountDetail"), cashier: try fields.string("cashier"), terminalCode: try fields.string("terminalCode"),
                phoneNumber: try fields.string("phoneNumber"), payType: try fields.string("payType")))
        case .manualOpen:
            let openTypeText = try fields.string("openType")
            return .manualOpen(ManualOpen(
                inCross: try fields.string("inCross"), outCross: try fields.string("outCross"), direction: try fields.string("inOutDoor"),
                plate: try fields.string("carNum"), time: try fields.instant("operateTime", required: false)?.date,
                openType: try fields.code("openType", OpenType.self), openTypeText: openTypeText, operatorName: try fields.string("operatorName")))
        case .supplementaryBill:
            try checkPark(&fields, park)
            return .supplementaryBill(try supplementaryBill(&fields, dataText: dataText))
        case .cashierSettlement:
            try checkPark(&fields, park)
            return .settlement(CashierSettlement(
                userId: try fields.string("userId"), userName: try fields.string("userName"), operatorType: try fields.string("operatorType"),
                outCross: try fields.string("outCross"), start: try fields.instant("startDate", required: false)?.date,
                end: try fields.instant("endDate", required: false)?.date, cashCount: try fields.int("moneyNum") ?? 0,
                cashSum: try fields.money("moneySum"), couponCount: try fields.int("couponNum") ?? 0, couponSum: try fields.money("couponSum"),
                uploaded: try fields.instant("uploadDate", required: false)?.date))
        case .reconciliation:
            try checkPark(&fields, park)
            let text = try fields.string("dateTime", required: true)
            guard let start = time.parseDashed(String(text.prefix(10)) + " 00:00:00") else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "dateTime must be a day yyyy-MM-dd, got \"\(text)\"")
            }
            return .reconciliation(DailyReconciliation(
                day: String(text.prefix(10)), dayStart: start, dayEnd: time.startOfDay(start.addingTimeInterval(36 * 3600)),
                payCount: try fields.int("payNum") ?? 0, payMoney: try fields.money("payMoneySum"), incomeMoney: try fields.money("incomeMoneySum"),
                discountMoney: try fields.money("discountMoneySum"), checkTime: try fields.instant("checkTime", required: false)?.date))
        case .heartbeat:
            return .heartbeat
        case .entry:
            let recordCode = try fields.string("recordCode", required: true)
            let inTime = try fields.instant("inTime", required: true)!
            return .entry(ParkingEntry(
                recordCode: recordCode, plate: try fields.string("carNum", required: true), inCross: try fields.string("inCross"),
                inTime: inTime.date, inTimeText: inTime.text, inIdentity: try fields.code("inIdentity", VehicleIdentity.self),
                carColor: try fields.string("carColor"), operatorName: try fields.string("operatorName")))
        case .correction:
            let recordCode = try fields.string("recordCode", required: true)
            var copy: [String: String] = [:]
            for name in ["inCross", "inTime", "inIdentity", "parkMinutes", "carColor", "outCross", "operatorName"] {
                let value = try fields.string(name)
                if !value.isEmpty { copy[name] = value }
            }
            _ = try fields.code("inIdentity", VehicleIdentity.self)
            return .correction(ParkingCorrection(
                recordCode: recordCode, plate: try fields.string("carNum"), correctedPlate: try fields.string("correctionNum", required: true), fields: copy))
        case .exit:
            let outTime = try fields.instant("outTime", required: true)!
            let inTime = try fields.instant("inTime", required: false)
            return .exit(ParkingExit(
                recordCode: try fields.string("recordCode", required: true), plate: try fields.string("carNum"), inCross: try fields.string("inCross"),
                outCross: try fields.string("outCross"), inTime: inTime?.date, inTimeText: inTime?.text ?? "", outTime: outTime.date,
                outTimeText: outTime.text, inIdentity: try fields.code("inIdentity", VehicleIdentity.self), outIdentity: try fields.string("outIdentity"),
                parkMinutes: try fields.int("parkMinutes"), carColor: try fields.string("carColor"), chargeStatus: try fields.string("chargeStatus"),
                payMoney: try fields.money("payMoney"), discountMoney: try fields.money("discountMoney"), incomeMoney: try fields.money("incomeMoney"),
                paymentMode: try fields.code("paymentMode", PaymentMode.self), payOrigin: try fields.code("payOrigin", PayOrigin.self),
                exitType: try fields.string("exitType"), operatorName: try fields.string("operatorName")))
        case .environment:
            try checkPark(&fields, park)
            return .environment(totalSpaces: try fields.int("totalNum", required: true)!, weather: try fields.string("weather"),
                                situation: try fields.string("situation"))
        case .remainingSpaces:
            try checkPark(&fields, park)
            return .remainingSpaces(try fields.int("emptyNum", required: true)!)
        default:
            throw CPMIEnvelope.Refusal(result: .unknownInterface, message: "interface \(interface.code) is closed")
        }
    }

    /// Decodes, checks and stores (durably, before the answer) each picture of an upload.
    func images(_ items: [[(key: String, value: JSONValue)]], _ fields: inout CPMIFields) throws -> [ParkingImage] {
        var images: [ParkingImage] = []
        for (index, item) in items.enumerated() {
            var itemFields = CPMIFields(item, strict: strict, time: time)
            let recordCode = try itemFields.string("recordCode", required: true)
            var imageCode = try itemFields.string("imageCode")
            if imageCode.isEmpty { imageCode = String(index + 1) }
            let type = try itemFields.code("imageType", ParkingImageType.self)
            var encoded = try itemFields.string("imageBase64", required: true)
            if encoded.hasPrefix("data:"), let comma = encoded.firstIndex(of: ",") {
                try itemFields.variant("imageBase64", "data: URL prefix before the base64", String(encoded[..<comma]))
                encoded = String(encoded[encoded.index(after: comma)...])
            }
            guard encoded.count / 4 * 3 <= imageLimit + 3 else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "image \(imageCode) is larger than \(imageLimit) bytes")
            }
            guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "imageBase64 of image \(imageCode) is not base64")
            }
            guard bytes.count <= imageLimit else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "image \(imageCode) is larger than \(imageLimit) bytes")
            }
            guard let ext = ImageFormat.sniff(bytes) else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "imageBase64 of image \(imageCode) is not a JPEG, PNG, GIF or BMP image")
            }
            let blob = try blobs.put(bytes, extension: ext)
            images.append(ParkingImage(recordCode: recordCode, imageCode: imageCode, imageType: type, blob: blob, bytes: bytes.count))
            fields.findings += itemFields.findings
        }
        return images
    }

    /// The `imageBase64` texts of an upload, in order.
    func imageTexts(_ envelope: CPMIEnvelope) -> [String] {
        (envelope.dataIsObject ? [envelope.data] : envelope.dataItems).map { item in
            if case .string(let text)? = item.first(where: { $0.key == "imageBase64" })?.value { return text }
            return ""
        }
    }

    /// The file type an image's first bytes announce.
    /// 无感支付 (30): a member with auto-pay on is charged what the fee engine computes from the
    /// park's temporary price (16) and the vehicle's cards (19/20); otherwise `payStatus` 0 with
    /// B.34's `failReason`.
    func autoPay(_ fields: inout CPMIFields, park: ParkRecord, now: Date) async throws -> (ParkingReport, String) {
        let recordCode = try fields.string("recordCode", required: true)
        let plate = try fields.string("carNum")
        let outTime = try fields.instant("outTime", required: false)?.date ?? now
        let record = try await store.parkingRecord(parkCode: park.code, recordCode: recordCode)
        let inTime = try fields.instant("inTime", required: false)?.date ?? record?.inTime
        let member = try await store.member(plate: plate.isEmpty ? record?.plate ?? "" : plate)
        let resolvedPlate = plate.isEmpty ? record?.plate ?? "" : plate
        let paid = try await store.prepaidTotal(parkCode: park.code, recordCode: recordCode)
        let quote = try await inTime.asyncMap { entry in
            try await CPMIFeeRules(store: store, time: time).quote(parkCode: park.code, plate: resolvedPlate, entry: entry, exit: outTime, paid: paid)
        } ?? nil
        let decision = AutoPay.decide(
            recordKnown: record != nil, member: member.map(\.autoPay), prepaid: try await store.isPrepaid(parkCode: park.code, recordCode: recordCode),
            quote: quote)
        let orderCode = "AP\(park.code)\(recordCode)"
        let (status, amount, reason): (String, Money, String) = switch decision {
        case .charge(let fee): ("1", fee, AutoPay.FailReason.none.rawValue)
        case .refuse(let why): ("0", Money(fen: 0), why.rawValue)
        }
        let data = "{" + [
            "\"payStatus\":\"\(status)\"", "\"orderCode\":" + JSONText.quote(status == "1" ? orderCode : ""), "\"balancePay\":\(amount.text)",
            "\"couponValue\":0.00", "\"actualPay\":\(amount.text)", "\"realPayMoney\":\(amount.text)", "\"failReason\":\"\(reason)\"",
            "\"discountDetail\":[]", "\"couponName\":\"\"", "\"discountAmout\":0.00", "\"discountType\":\"\"",
        ].joined(separator: ",") + "}"
        return (.autoPay(recordCode: recordCode, plate: plate, decision: decision, orderCode: orderCode), data)
    }

    /// 硬件状态信息 (24), 分站电脑状态上传 (25), 通道信息上传 (27): one item or several.
    func facilities(_ interface: CPMIInterface, _ items: [[(key: String, value: JSONValue)]], _ fields: inout CPMIFields) throws(CPMIEnvelope.Refusal) -> [Facility] {
        var facilities: [Facility] = []
        for item in items {
            var f = CPMIFields(item, strict: strict, time: time)
            func linked() throws(CPMIEnvelope.Refusal) -> Bool? {
                let text = try f.string("linkStatus")
                if text.isEmpty { return nil }
                guard text == "0" || text == "1" else {
                    try f.variant("linkStatus", "value outside its code list", text)
                    return nil
                }
                return text == "1"
            }
            switch interface {
            case .hardwareStatus:
                let operation = try f.string("operationType")
                _ = try f.code("equipmentType", EquipmentType.self)
                _ = try f.code("channelType", ChannelType.self)
                facilities.append(Facility(
                    kind: .equipment, code: try f.string("equipmentCode", required: true), name: try f.string("equipmentName"),
                    type: try f.string("equipmentType"), pcName: try f.string("pcName"), linked: try linked(),
                    changedAt: try f.instant("createTime", required: false)?.date, removed: operation == "2", operation: operation))
            case .stationStatus:
                let operation = try f.string("operationType")
                facilities.append(Facility(
                    kind: .station, code: try f.string("pcName", required: true), name: try f.string("pcName"), type: "", pcName: try f.string("pcName"),
                    linked: try linked(), changedAt: try f.instant("createTime", required: false)?.date, removed: operation == "2", operation: operation))
            default:
                let action = try f.string("actionType")
                _ = try f.code("channelType", ChannelType.self)
                let isExit = try f.string("isExit")
                facilities.append(Facility(
                    kind: .channel, code: try f.string("channelId", required: true), name: try f.string("channelName"), type: try f.string("channelType"),
                    pcName: try f.string("pcName"), linked: nil, changedAt: nil, removed: action == "3", operation: action,
                    isExit: isExit.isEmpty ? nil : isExit == "1"))
            }
            fields.findings += f.findings
        }
        return facilities
    }

    /// 补报账单 (B.18): the whole stay and its payments. The table spells `outcross` and
    /// `tollerAccout`; the usual spellings are accepted as findings.
    func supplementaryBill(_ fields: inout CPMIFields, dataText: String) throws(CPMIEnvelope.Refusal) -> SupplementaryBill {
        var outCross = try fields.string("outcross")
        if outCross.isEmpty, case .string(let value)? = fields.members["outCross"] {
            try fields.variant("outCross", "spelled outCross where B.18 has outcross", value)
            outCross = value
        }
        let outTime = try fields.instant("outTime", required: true)!
        let inTime = try fields.instant("inTime", required: false)
        let exit = ParkingExit(
            recordCode: try fields.string("recordCode", required: true), plate: try fields.string("carNum", required: true),
            inCross: try fields.string("inCross"), outCross: outCross, inTime: inTime?.date, inTimeText: inTime?.text ?? "",
            outTime: outTime.date, outTimeText: outTime.text, inIdentity: nil, outIdentity: "", parkMinutes: nil, carColor: "",
            chargeStatus: "", payMoney: try fields.money("payMoney"), discountMoney: try fields.money("discountMoney"),
            incomeMoney: try fields.money("incomeMoney"), paymentMode: nil, payOrigin: nil, exitType: "", operatorName: "")
        var payments: [ParkingPayment] = []
        let object = (try? JSONSerialization.jsonObject(with: Data(dataText.utf8))) as? [String: Any]
        for (index, item) in ((object?["paymentRecordList"] as? [Any]) ?? []).enumerated() {
            guard let dictionary = item as? [String: Any] else {
                throw CPMIEnvelope.Refusal(result: .badFormat, message: "paymentRecordList[\(index)] must be an object")
            }
            var payment = CPMIFields(dictionary.map { (key: $0.key, value: JSONValue(foundation: $0.value)) }, strict: strict, time: time)
            var toller = try payment.string("tollerAccout")
            if toller.isEmpty, case .string(let value)? = payment.members["tollerAccount"] {
                try payment.variant("tollerAccount", "spelled tollerAccount where B.18 has tollerAccout", value)
                toller = value
            }
            payments.append(ParkingPayment(
                billNumber: try payment.string("billNumber").isEmpty ? String(index + 1) : try payment.string("billNumber"),
                amountReceivable: try payment.money("amountReceivable"), actualReceivable: try payment.money("actualReceivable"),
                discountAmount: try payment.money("discountAmount"), payTime: try payment.instant("payTime", required: false)?.date,
                payStatus: try payment.string("payStatus"), paymentMode: try payment.code("paymentMode", PaymentMode.self),
                payOrigin: try payment.code("payOrigin", PayOrigin.self), toller: toller))
            fields.findings += payment.findings.map { (field: "paymentRecordList." + $0.field, rule: $0.rule, example: $0.example) }
        }
        return SupplementaryBill(
            exit: exit, carType: try fields.string("carType"), inImage: try fields.string("inImage"), outImage: try fields.string("outImage"),
            payments: payments)
    }

    /// A `parkCode` in `data` must be the token's park.
    func checkPark(_ fields: inout CPMIFields, _ park: ParkRecord) throws(CPMIEnvelope.Refusal) {
        let code = try fields.string("parkCode")
        if !code.isEmpty, code != park.code {
            throw CPMIEnvelope.Refusal(result: .noPark, message: "parkCode \(code) is not the park of this token (\(park.code))")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
