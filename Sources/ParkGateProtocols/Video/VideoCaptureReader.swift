import Crypto
import Foundation
import ParkGateModel
import ParkGateStore

/// `imageJsonData` of a face or vehicle upload, read into a capture: the fields the platform
/// searches by, the images decoded, checked (JPEG, PNG, GIF or BMP by their first bytes, at most
/// `imageLimit` bytes) and stored by content, the rest kept as sent with the images replaced by
/// their blob names. Keys printed with spaces around them (`" gbid"`, the document's own
/// typo) are read trimmed and noted as findings.
struct VideoCaptureReader {
    let family: String
    let deviceId: String
    let imageLimit: Int
    let blobs: BlobStore
    let time: ChinaTime

    typealias BadData = VideoGateway.BadData

    func read(_ json: String, id: Int64, now: Date, place: String?) throws -> VideoCapture {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)), let raw = parsed as? [String: Any] else {
            throw BadData(message: "imageJsonData is not a JSON object")
        }
        var findings: [String] = []
        var fields: [String: Any] = [:]
        for (key, value) in raw {
            let trimmed = key.trimmingCharacters(in: .whitespaces)
            if trimmed != key { findings.append("key \"\(key)\" read as \"\(trimmed)\"") }
            fields[trimmed] = value
        }
        var images: [VideoImage] = []
        // Every picture is checked before any is written: a capture refused for its third picture
        // leaves no file of its first two behind.
        var pending: [(bytes: Data, name: String)] = []
        func field(_ key: String) -> String? {
            switch fields[key] {
            case let value as String: value.isEmpty ? nil : value
            case let value as NSNumber: value.stringValue
            default: nil
            }
        }
        /// Decodes and checks one image object (stored once all are checked); its `content` becomes `blob:<name>` in the kept data.
        func image(_ object: Any?, role: String, name: String) throws -> Any? {
            guard var item = object as? [String: Any] else { return object }
            guard let content = item["content"] as? String, !content.isEmpty else { throw BadData(message: "\(name): content is required") }
            guard content.count / 4 * 3 <= imageLimit + 3, let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters), !bytes.isEmpty,
                bytes.count <= imageLimit
            else { throw BadData(message: "\(name): not base64, or larger than \(imageLimit) bytes") }
            guard let ext = ImageFormat.sniff(bytes) else { throw BadData(message: "\(name): not a JPEG, PNG, GIF or BMP image") }
            let blob = BlobStore.name(of: bytes, extension: ext)
            pending.append((bytes, blob))
            let box = (item["pos"] ?? item["facePos"]).flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
            images.append(VideoImage(role: role, blob: blob, bytes: bytes.count, box: box.map { String(decoding: $0, as: UTF8.self) },
                                     width: (item["width"] as? NSNumber)?.intValue, height: (item["height"] as? NSNumber)?.intValue))
            item["content"] = "blob:" + blob
            return item
        }
        func storeImages(_ key: String, role: String) throws {
            if let list = fields[key] as? [Any] {
                fields[key] = try list.enumerated().map { try image($0.element, role: role, name: "\(key)[\($0.offset)]") }
            } else if fields[key] != nil {
                fields[key] = try image(fields[key], role: role, name: key)
            }
        }
        var capture: VideoCapture
        if family == "car" {
            guard let record = field("gcjlid") else { throw BadData(message: "gcjlid (过车记录编号) is required") }
            if let gbid = field("gbid"), gbid != deviceId { findings.append("gbid \(gbid) is not imageGateTagCode \(deviceId)") }
            try storeImages("zpcltp", role: "vehicle")
            try storeImages("zpcptp", role: "plate")
            try storeImages("zpcjt", role: "scene")
            try storeImages("zpjsytp", role: "driver")
            let when = field("gcsj") ?? field("tpzpsj")
            capture = VideoCapture(id: id, family: family, deviceId: deviceId, recordId: record, capturedAt: when.flatMap(date), capturedText: when,
                                   data: "", receivedAt: now, images: images)
            (capture.plate, capture.plateColor, capture.plateKind) = (field("cphm"), field("cpys"), field("cpzl"))
            (capture.bodyColor, capture.vehicleType, capture.direction) = (field("csys"), field("cllx"), field("xsfx"))
        } else {
            try storeImages("faceImages", role: "face")
            try storeImages("backgroundImage", role: "background")
            guard images.contains(where: { $0.role == "face" }) else { throw BadData(message: "faceImages needs at least one face") }
            let when = field("deviceTime")
            let record = Hex.string(SHA256.hash(data: Array(json.utf8)))
            capture = VideoCapture(id: id, family: family, deviceId: deviceId, recordId: record, capturedAt: when.flatMap(date), capturedText: when,
                                   data: "", receivedAt: now, images: images)
        }
        for picture in pending { try blobs.put(picture.bytes, named: picture.name) }
        capture.place = field("locationName") ?? place
        (capture.longitude, capture.latitude) = (field("longitude"), field("latitude"))
        let kept = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        capture.data = String(decoding: kept, as: UTF8.self)
        capture.findings = findings.isEmpty ? nil : "[" + findings.map(JSONText.quote).joined(separator: ",") + "]"
        return capture
    }

    /// `YYYYMMDDhhmmss` as the document prints, or `yyyy-MM-dd HH:mm:ss`.
    func date(_ text: String) -> Date? { time.parseCompact(text) ?? time.parseDashed(text) }
}
