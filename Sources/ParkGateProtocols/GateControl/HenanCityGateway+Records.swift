import Foundation
import ParkGateModel
import ParkGateStore

extension HenanCityGateway {
    /// The picture of a photo upload: the multipart `file` part, or `value.base64Image`.
    struct Upload {
        var filename: String?
        var bytes: [UInt8]
    }

    /// 4.1.5 `sharePhotoInfo`: a passage's photo, 7.2 number and 7.3 type, taken at `pzsj`. The
    /// serial number holds 6.4's rule for the record's enterprise (the organ's own) and gate,
    /// and its direction for an entering (1) or leaving (2) photo. A repeated serial and photo
    /// number is answered 200 and stores nothing new. A photo may come before its passage.
    func recordPhoto(_ value: HenanFields, upload: Upload?, organ: String, now: Date) async throws -> String {
        let required = ["lsh", "qybh", "dzbh", "cphm", "cpys", "zpbh", "zplx", "pzsj"]
        if let missing = required.first(where: { value.text($0) == nil }) { return Self.answer(.badRequest, reason: "\(missing) is required") }
        let (lsh, enterprise, gate) = (value.text("lsh")!, value.text("qybh")!, value.text("dzbh")!)
        let (license, color, number, kind) = (value.text("cphm")!, value.text("cpys")!, value.text("zpbh")!, value.text("zplx")!)
        guard enterprise == organ else { return Self.answer(.forbidden, reason: "qybh \(enterprise) is not the enterprise of organ \(organ)") }
        guard HenanPlateColor(code: color) != nil else { return Self.answer(.format, reason: "cpys \(color) is not in 7.1") }
        guard HenanPhotoNumber(code: number) != nil else { return Self.answer(.format, reason: "zpbh \(number) is not in 7.2") }
        guard let type = HenanPhotoType(code: kind) else { return Self.answer(.format, reason: "zplx \(kind) is not in 7.3") }
        guard let taken = time.parseDashed(value.text("pzsj")!) else { return Self.answer(.format, reason: "pzsj must be yyyy-MM-dd HH:mm:ss") }
        let entering: Bool? = switch type { case .entering: true; case .leaving: false; default: nil }
        if let problem = HenanNumbering.serialProblem(lsh, enterprise: enterprise, gate: gate, entering: entering, time: time) {
            return Self.answer(.format, reason: problem)
        }
        if let refusal = try await unregisteredGate(gate, of: enterprise) { return refusal }
        // The picture: the file part, else base64Image.
        var picture: Upload
        if let upload {
            picture = upload
        } else if let text = value.text("base64Image") {
            guard let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                return Self.answer(.format, reason: "base64Image is not base64")
            }
            picture = Upload(filename: nil, bytes: [UInt8](bytes))
        } else {
            return Self.answer(.fileMissing, reason: "no picture: send the multipart part file, or value.base64Image")
        }
        if let filename = picture.filename, !filename.isEmpty {
            let lower = filename.lowercased()
            guard lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") else {
                return Self.answer(.fileName, reason: "file name \(filename) does not end in .jpg or .jpeg")
            }
        }
        if picture.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || picture.bytes.starts(with: [0x1F, 0x8B]) {
            return Self.answer(.fileUnpack, reason: "a compressed file (zip or gzip) is not unpacked: send the JPEG itself")
        }
        if let problem = Self.pictureProblem(picture.bytes, field: "the photo") { return Self.answer(.format, reason: problem) }
        if try await store.henanPhotos(lsh: lsh, limit: 10).contains(where: { $0.number == number }) { return Self.answer(.ok) }
        let bytes = Data(picture.bytes)
        let name = BlobStore.name(of: bytes, extension: "jpg")
        try blobs.put(bytes, named: name)
        try await store.saveHenanPhoto(HenanPhoto(
            lsh: lsh, number: number, kind: kind, organ: organ, enterprise: enterprise, enterpriseName: value.text("qymc"), gate: gate,
            license: license, licenseColor: color, blob: name, takenAt: taken, receivedAt: now))
        return Self.answer(.ok)
    }

    /// 4.1.6 `shareGoodsRecord`: what a passage carried, `ysl` tonnes (a number of at most 4
    /// characters), registered at `djsj`. A repeated serial and goods name stores nothing new.
    func recordGoods(_ value: HenanFields, organ: String, now: Date) async throws -> String {
        let required = ["lsh", "qybh", "dzbh", "cphm", "cpys", "hwmc", "ysl", "djsj"]
        if let missing = required.first(where: { value.text($0) == nil }) { return Self.answer(.badRequest, reason: "\(missing) is required") }
        let (lsh, enterprise, gate) = (value.text("lsh")!, value.text("qybh")!, value.text("dzbh")!)
        let (license, color, goods, tons) = (value.text("cphm")!, value.text("cpys")!, value.text("hwmc")!, value.text("ysl")!)
        guard enterprise == organ else { return Self.answer(.forbidden, reason: "qybh \(enterprise) is not the enterprise of organ \(organ)") }
        guard HenanPlateColor(code: color) != nil else { return Self.answer(.format, reason: "cpys \(color) is not in 7.1") }
        guard goods.count <= 32 else { return Self.answer(.format, reason: "hwmc is longer than 32 characters") }
        guard tons.count <= 4, let amount = Double(tons), amount >= 0 else {
            return Self.answer(.format, reason: "ysl \(tons) is not a number of tonnes of at most 4 characters")
        }
        guard let registered = time.parseDashed(value.text("djsj")!) else { return Self.answer(.format, reason: "djsj must be yyyy-MM-dd HH:mm:ss") }
        if let problem = HenanNumbering.serialProblem(lsh, enterprise: enterprise, gate: gate, entering: nil, time: time) {
            return Self.answer(.format, reason: problem)
        }
        if let refusal = try await unregisteredGate(gate, of: enterprise) { return refusal }
        let record = HenanGoods(lsh: lsh, goods: goods, organ: organ, enterprise: enterprise, enterpriseName: value.text("qymc"), gate: gate, license: license,
                                licenseColor: color, tons: tons, registeredAt: registered, receivedAt: now)
        try await store.saveHenanGoods(record, relay: [HenanRelayPayloads.goods(record, now: now)])
        return Self.answer(.ok)
    }

    /// 952 when the enterprise registered gates and `gate` is not one of them.
    func unregisteredGate(_ gate: String, of enterprise: String) async throws -> String? {
        let gates = try await self.gates.value(enterprise, now: Date()) { try await store.henanGates(enterprise: enterprise) }
        guard gates.isEmpty || gates.contains(where: { $0.code == gate }) else {
            return Self.answer(.format, reason: "gate \(gate) is not registered for enterprise \(enterprise) (\(gates.map(\.code).joined(separator: ", ")))")
        }
        return nil
    }

    /// The base64 JPEG pictures of `keys` that are present, decoded and checked (952 when one is
    /// not base64, not JPEG or over 1 MiB), with the blob names they will be stored under.
    static func pictures(_ value: HenanFields, keys: [String]) throws -> [(key: String, bytes: Data, name: String)] {
        try keys.compactMap { key in
            guard let text = value.text(key) else { return nil }
            guard let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw Failure(code: .format, message: "\(key) is not base64")
            }
            if let problem = pictureProblem([UInt8](bytes), field: key) { throw Failure(code: .format, message: problem) }
            return (key, bytes, BlobStore.name(of: bytes, extension: "jpg"))
        }
    }

    /// A picture's problem: not JPEG, or over 1 MiB (2.2).
    static func pictureProblem(_ bytes: [UInt8], field: String) -> String? {
        guard ImageFormat.sniff(Data(bytes)) == "jpg" else { return "\(field) is not a JPEG picture" }
        guard bytes.count <= 1 << 20 else { return "\(field) is larger than 1 MiB" }
        return nil
    }

    /// 4.1.7 `shareInnerVehInfo` and 4.1.8 `shareInnerMHYElec`: an entry of the enterprise's
    /// in-plant ledgers. `companyCode` must be the organ's enterprise; the code lists are checked
    /// (952), the pictures are JPEG of at most 1 MiB; the latest report of an item replaces it.
    /// With `previous` (the provincial Inner*Modify) the fields not sent and the pictures keep
    /// their values.
    @discardableResult
    func saveLedgerEntry(_ kind: HenanLedgerEntry.Kind, _ sent: HenanFields, organ: String, now: Date, licensePK: String? = nil,
                         previous: HenanLedgerEntry? = nil) async throws -> HenanLedgerEntry {
        var merged: [String: Any] = previous?.fields ?? [:]
        for (key, member) in sent.members { merged[key] = member }
        if sent.members["onwer"] != nil { merged.removeValue(forKey: "owner") }
        let value = HenanFields(merged)
        let required = kind == .vehicle ? ["companyCode", "license", "licenseColor", "carStatus"] : ["companyCode", "mhyPlate", "mhyStatus"]
        if let missing = required.first(where: { value.text($0) == nil }) { throw Failure(code: .badRequest, message: "\(missing) is required") }
        let enterprise = value.text("companyCode")!
        guard enterprise == organ else { throw Failure(code: .forbidden, message: "companyCode \(enterprise) is not the enterprise of organ \(organ)") }
        var checks: [(String, (String) -> Bool, String)] = [("emissionStandard", { HenanEmissionStage(code: $0) != nil }, "7.6")]
        let statusKey = kind == .vehicle ? "carStatus" : "mhyStatus"
        checks.append((statusKey, { ["1", "2", "3"].contains($0) }, "1 正常, 2 封存, 3 注销"))
        if kind == .vehicle {
            checks += [
                ("licenseColor", { HenanPlateColor(code: $0) != nil }, "7.1"), ("vehicleType", { HenanVehicleType(code: $0) != nil }, "7.7"),
                ("useCharacter", { HenanUseCharacter(code: $0) != nil }, "7.8"),
            ]
        } else {
            checks.append(("emissionLevel", { HenanEmissionStage(code: $0) != nil }, "7.6"))
        }
        for (key, valid, table) in checks {
            if let text = value.text(key), !valid(text) { throw Failure(code: .format, message: "\(key) \(text) is not in \(table)") }
        }
        if kind == .vehicle, let license = value.text("license"), license.count > 14 {
            throw Failure(code: .format, message: "license \(license) is longer than 14 characters")
        }
        let pictureKeys = kind == .vehicle ? ["drivingLicenseImg", "drivingLicenseImg2"] : ["imageInfo"]
        let pictures = try Self.pictures(value, keys: pictureKeys)
        guard !pictures.isEmpty || previous != nil else {
            throw Failure(code: .badRequest, message: kind == .vehicle
                ? "drivingLicenseImg and drivingLicenseImg2 may not both be empty" : "imageInfo (the engine plate picture) is required")
        }
        for picture in pictures { try blobs.put(picture.bytes, named: picture.name) }
        let item = kind == .vehicle ? value.text("license")! + "/" + value.text("licenseColor")! : value.text("mhyPlate")!
        var fields: [String: String] = [:]
        for (key, _) in value.members where !pictureKeys.contains(key) && !["accessToken", "companySecretCode"].contains(key) {
            if let text = value.text(key) { fields[key == "onwer" ? "owner" : key] = text }
        }
        var images = previous?.images ?? [:]
        for picture in pictures { images[picture.key] = picture.name }
        let entry = HenanLedgerEntry(
            kind: kind, enterprise: enterprise, item: item, status: value.text(statusKey)!, fields: fields, images: images, filedBy: organ,
            licensePK: licensePK ?? previous?.licensePK, createdAt: now, updatedAt: now)  // a replaced entry keeps its first createdAt
        try await store.saveHenanLedgerEntry(entry)
        return entry
    }
}
