import Foundation
import ParkGateModel

/// The pictures and `imageJsonData` of simulated captures. A few pictures of each kind are
/// drawn and encoded once; each capture stamps its own copies with its record id (a COM
/// segment), so every upload carries distinct image files, as real cameras' are.
///
/// Stamping costs almost nothing: a picture's base64 after its JFIF header is computed once,
/// and each capture encodes only its new header (padded to a multiple of 3 bytes, so the two
/// base64 texts join into the base64 of the whole file). The JSON is written as text around
/// them. A simulator that spent its core on base64 would measure itself, not the platform.
public struct VideoPictures: Sendable {
    /// One encoded picture: its SOI and APP0 segment, and the base64 of everything after them.
    struct Picture: Sendable {
        let head: [UInt8]
        let restBase64: String
        let restCount: Int

        init(_ jpeg: [UInt8]) {
            precondition(jpeg.count > 20 && jpeg[3] == 0xE0, "JPEGEncoder writes SOI and a 16-byte APP0 first")
            head = Array(jpeg[0..<20])
            restBase64 = Data(jpeg[20...]).base64EncodedString()
            restCount = jpeg.count - 20
        }

        /// The picture with a COM segment holding `text`, as base64, and its size in bytes.
        func stamped(_ text: String) -> (base64: String, bytes: Int) {
            var comment = Array(text.utf8.prefix(60_000))
            while (head.count + 4 + comment.count) % 3 != 0 { comment.append(0x20) }
            let header = head + [0xFF, 0xFE] + JPEGEncoder.big16(comment.count + 2) + comment
            return (Data(header).base64EncodedString() + restBase64, header.count + restCount)
        }
    }

    let vehicles: [Picture]
    let plates: [Picture]
    let faces: [Picture]
    let streets: [Picture]
    let width: Int
    let height: Int
    let time = ChinaTime()

    public init(width: Int, height: Int, noise: Int, variants: Int = 4) {
        (self.width, self.height) = (width, height)
        let full = (0..<variants).map { SyntheticScene(width: width, height: height, noise: noise, seed: UInt64($0 + 1)) }
        vehicles = full.map { Picture($0.jpeg(.vehicle)) }
        streets = full.prefix(2).map { Picture($0.jpeg(.street)) }
        plates = (0..<variants).map { Picture(SyntheticScene(width: 160, height: 48, noise: noise, seed: UInt64($0 + 1)).jpeg(.plate)) }
        let faceWidth = max(width / 6, 32)
        faces = (0..<variants).map { Picture(SyntheticScene(width: faceWidth, height: faceWidth * 5 / 4, noise: noise, seed: UInt64($0 + 1)).jpeg(.face)) }
    }

    public func compactNow() -> String { time.formatCompact(Date()) }

    static let provinces = Array("闽闽闽闽京沪粤浙苏赣")
    static let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")

    /// One capture's `imageJsonData` and the bytes of its pictures.
    public func capture(for device: VideoSimulator.Device, serial: Int) -> (json: String, bytes: Int) {
        let now = compactNow()
        let record = device.id + String(format: "%012d", serial)
        var bytes = 0
        /// `{"content":"…",<extra>}` for a stamped copy of one of `pool`.
        func picture(_ pool: [Picture], _ role: String, _ extra: String) -> String {
            let (base64, size) = pool[serial % pool.count].stamped("\(record) \(role)")
            bytes += size
            return "{\"content\":\"" + base64 + "\"," + extra + "}"
        }
        func box(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> String {
            "{\"leftTopX\":\(x),\"leftTopY\":\(y),\"rightBottomX\":\(x + w),\"rightBottomY\":\(y + h)}"
        }
        func text(_ pairs: [(String, String)]) -> String { pairs.map { JSONText.quote($0.0) + ":" + JSONText.quote($0.1) }.joined(separator: ",") }
        if device.kind == "car" {
            let plate = String(Self.provinces[serial % Self.provinces.count]) + String((0..<6).map { _ in Self.letters.randomElement()! })
            let fields = text([
                ("gcjlid", record), ("gbid", device.id), ("sbmc", "模拟卡口"), ("gcsj", now), ("tpzpsj", now), ("localTime", now),
                ("cphm", plate), ("cpys", ["2", "1", "5"].randomElement()!), ("cpzl", "02"), ("csys", ["A", "B", "J", "K"].randomElement()!),
                ("cllx", "K33"), ("xsfx", ["1", "2"].randomElement()!), ("imageType", "jpg"), ("tpkd", "\(width)"), ("tpgd", "\(height)"),
                ("longitude", "118.0894"), ("latitude", "24.4798"),
            ])
            let vehicle = picture(vehicles, "vehicle", "\"pos\":" + box(width / 4, height * 2 / 5, width / 2, height / 2))
            let plateImage = picture(plates, "plate", "\"pos\":" + box(width * 43 / 100, height * 3 / 4, width * 14 / 100, height * 8 / 100))
            return ("{" + fields + ",\"zpcltp\":[" + vehicle + "],\"zpcptp\":" + plateImage + "}", bytes)
        }
        let fields = text([
            ("deviceID", device.id), ("localTime", now), ("deviceTime", now), ("locationName", "模拟路口"), ("resolutionRatio", "\(width)X\(height)"),
            ("longitude", "118.0894"), ("latitude", "24.4798"), ("qualityGrane", "1"),
        ])
        let face = picture(faces, "face", "\"type\":\"jpg\",\"facePos\":" + box(width / 3, height / 5, width / 6, width * 5 / 24))
        let background = picture(streets, "background", "\"type\":\"jpg\",\"width\":\(width),\"height\":\(height)")
        return ("{" + fields + ",\"faceImages\":[" + face + "],\"backgroundImage\":" + background + "}", bytes)
    }
}
