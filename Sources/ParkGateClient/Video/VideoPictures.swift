import Foundation
import ParkGateModel

/// The pictures and `imageJsonData` of simulated captures. A few pictures of each kind are
/// drawn and encoded once; each capture stamps its own copies with its record id (a COM
/// segment), so every upload carries distinct image files, as real cameras' are.
public struct VideoPictures: Sendable {
    let vehicles: [[UInt8]]
    let plates: [[UInt8]]
    let faces: [[UInt8]]
    let streets: [[UInt8]]
    let width: Int
    let height: Int
    let time = ChinaTime()

    public init(width: Int, height: Int, noise: Int, variants: Int = 4) {
        (self.width, self.height) = (width, height)
        let full = (0..<variants).map { SyntheticScene(width: width, height: height, noise: noise, seed: UInt64($0 + 1)) }
        vehicles = full.map { $0.jpeg(.vehicle) }
        streets = full.prefix(2).map { $0.jpeg(.street) }
        plates = (0..<variants).map { SyntheticScene(width: 160, height: 48, noise: noise, seed: UInt64($0 + 1)).jpeg(.plate) }
        let faceWidth = max(width / 6, 32)
        faces = (0..<variants).map { SyntheticScene(width: faceWidth, height: faceWidth * 5 / 4, noise: noise, seed: UInt64($0 + 1)).jpeg(.face) }
    }

    public func compactNow() -> String { time.formatCompact(Date()) }

    static let provinces = Array("闽闽闽闽京沪粤浙苏赣")
    static let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")

    /// One capture's `imageJsonData` and the bytes of its pictures.
    public func capture(for device: VideoSimulator.Device, serial: Int) -> (json: String, bytes: Int) {
        let now = compactNow()
        let record = device.id + String(format: "%012d", serial)
        var bytes = 0
        func picture(_ pool: [[UInt8]], _ role: String) -> String {
            let stamped = JPEGEncoder.stamped(pool[serial % pool.count], "\(record) \(role)")
            bytes += stamped.count
            return Data(stamped).base64EncodedString()
        }
        func box(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> [String: Int] {
            ["leftTopX": x, "leftTopY": y, "rightBottomX": x + w, "rightBottomY": y + h]
        }
        var fields: [String: Any]
        if device.kind == "car" {
            let plate = String(Self.provinces[serial % Self.provinces.count]) + String((0..<6).map { _ in Self.letters.randomElement()! })
            fields = [
                "gcjlid": record, "gbid": device.id, "sbmc": "模拟卡口", "gcsj": now, "tpzpsj": now, "localTime": now,
                "cphm": plate, "cpys": ["2", "1", "5"].randomElement()!, "cpzl": "02", "csys": ["A", "B", "J", "K"].randomElement()!,
                "cllx": "K33", "xsfx": ["1", "2"].randomElement()!, "imageType": "jpg", "tpkd": "\(width)", "tpgd": "\(height)",
                "longitude": "118.0894", "latitude": "24.4798",
            ]
            let vehicle = picture(vehicles, "vehicle"), plateImage = picture(plates, "plate")
            fields["zpcltp"] = [["content": vehicle, "fileSize": "\(vehicle.count / 4 * 3)", "pos": box(width / 4, height * 2 / 5, width / 2, height / 2)]]
            fields["zpcptp"] = ["content": plateImage, "fileSize": "\(plateImage.count / 4 * 3)", "pos": box(width * 43 / 100, height * 3 / 4, width * 14 / 100, height * 8 / 100)]
        } else {
            fields = [
                "deviceID": device.id, "localTime": now, "deviceTime": now, "locationName": "模拟路口", "resolutionRatio": "\(width)X\(height)",
                "longitude": "118.0894", "latitude": "24.4798", "qualityGrane": "1",
            ]
            fields["faceImages"] = [["type": "jpg", "content": picture(faces, "face"), "facePos": box(width / 3, height / 5, width / 6, width * 5 / 24)]]
            fields["backgroundImage"] = ["type": "jpg", "content": picture(streets, "background"), "width": width, "height": height]
        }
        let json = (try? JSONSerialization.data(withJSONObject: fields, options: [.withoutEscapingSlashes])) ?? Data()
        return (String(decoding: json, as: UTF8.self), bytes)
    }
}
