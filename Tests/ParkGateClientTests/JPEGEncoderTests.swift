import Foundation
import ParkGateClient
import Testing

/// The simulator's pictures are real JPEG files: a standard decoder (libjpeg's `djpeg`, which
/// the test command installs) reads them back to the same size and close to the same pixels.
@Suite struct JPEGEncoderTests {
    /// Where `djpeg` is; the test command installs it, so it may only be missing in a bare `swift test`.
    static let djpeg = ["/usr/bin/djpeg", "/usr/local/bin/djpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Decodes with djpeg into binary PPM: width, height and RGB bytes.
    static func decode(_ jpeg: [UInt8]) async throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jpeg-\(UUID().uuidString).jpg")
        let ppm = file.appendingPathExtension("ppm")
        defer { for url in [file, ppm] { try? FileManager.default.removeItem(at: url) } }
        try Data(jpeg).write(to: file)
        let result = try await ChildProcess.run(try #require(djpeg), ["-ppm", "-outfile", ppm.path, file.path], limit: 60)
        #expect(result.status == 0 && result.output.isEmpty, "djpeg: \(result.output)")
        let data = [UInt8]((try? Data(contentsOf: ppm)) ?? Data())
        // "P6\n<w> <h>\n255\n" then the pixels.
        var fields: [String] = [], index = 0, current = ""
        while fields.count < 4, index < data.count {
            let character = Character(UnicodeScalar(data[index]))
            index += 1
            if character.isWhitespace {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        #expect(fields.first == "P6")
        return (Int(fields[1]) ?? 0, Int(fields[2]) ?? 0, Array(data[index...]))
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        let squares = zip(a, b).reduce(0.0) { sum, pair in let d = Double(pair.0) - Double(pair.1); return sum + d * d }
        return 10 * log10(255 * 255 / max(squares / Double(a.count), 1e-9))
    }

    @Test(arguments: [SyntheticScene.Kind.vehicle, .plate, .face, .street])
    func decodesToTheSamePicture(kind: SyntheticScene.Kind) async throws {
        // Sizes that are not multiples of 8 exercise the edge blocks.
        let scene = SyntheticScene(width: 101, height: 67, noise: 4, seed: 7)
        let jpeg = scene.jpeg(kind, quality: 90, comment: "gcjlid 1")
        #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF] && Array(jpeg.suffix(2)) == [0xFF, 0xD9])
        guard Self.djpeg != nil || ProcessInfo.processInfo.environment["PARKGATE_REQUIRE_POSTGRES"] != nil else { return }
        let decoded = try await Self.decode(jpeg)
        #expect(decoded.width == 101 && decoded.height == 67)
        #expect(decoded.rgb.count == 101 * 67 * 3)
        let quality = Self.psnr(decoded.rgb, scene.rgb(kind))
        #expect(quality > 30, "PSNR \(quality) dB")
    }

    @Test func stampedCapturesCarryValidDistinctPictures() async throws {
        // The simulator's pictures: each capture's copy is a whole JPEG of its own, the same picture.
        let pictures = VideoPictures(width: 64, height: 48, noise: 4, variants: 1)
        let device = VideoSimulator.Device(id: "35020000001320000001", kind: "car")
        var files: [[UInt8]] = []
        for serial in [0, 1] {
            let (json, bytes) = pictures.capture(for: device, serial: serial)
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let content = try #require(((fields["zpcltp"] as? [[String: Any]])?.first)?["content"] as? String)
            let file = try #require(Data(base64Encoded: content).map { [UInt8]($0) })
            #expect(Array(file.prefix(2)) == [0xFF, 0xD8] && Array(file.suffix(2)) == [0xFF, 0xD9])
            #expect(bytes > file.count, "the plate picture counts too")
            #expect(fields["gcjlid"] as? String == device.id + String(format: "%012d", serial))
            files.append(file)
        }
        #expect(files[0] != files[1])
        guard Self.djpeg != nil || ProcessInfo.processInfo.environment["PARKGATE_REQUIRE_POSTGRES"] != nil else { return }
        #expect(try await Self.decode(files[0]).rgb == Self.decode(files[1]).rgb)
        #expect(try await Self.decode(files[0]).rgb == Self.decode(SyntheticScene(width: 64, height: 48, noise: 4, seed: 1).jpeg(.vehicle)).rgb)
    }

    @Test func noiseMakesPhotographSizedFiles() {
        // Noise is what makes the files photograph-sized (the capacity benchmark sets it for ~200 KB captures).
        let quiet = SyntheticScene(width: 320, height: 180, noise: 0).jpeg(.vehicle).count
        let noisy = SyntheticScene(width: 320, height: 180, noise: 24).jpeg(.vehicle).count
        #expect(noisy > quiet * 3, "quiet \(quiet) B, noisy \(noisy) B")
    }
}
