import Foundation
import ParkGateClient
import ParkGateModel

/// DrivingLicenseScanEx's reader: Debian's `tesseract` with its Simplified Chinese data
/// (`tesseract-ocr-chi-sim`) reads the picture, `DrivingLicenceText` picks the fields out.
public struct LicenceScanner: Sendable {
    public let executable: String

    /// The scanner when tesseract and its chi_sim data are installed, else nil (the method then
    /// answers that recognition is not installed).
    public static func installed() -> LicenceScanner? {
        guard let executable = ["/usr/bin/tesseract", "/usr/local/bin/tesseract"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let data = ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata"]
        guard data.contains(where: { FileManager.default.fileExists(atPath: $0 + "/chi_sim.traineddata") }) else { return nil }
        return LicenceScanner(executable: executable)
    }

    /// The fields read from a JPEG; nil when tesseract failed or took over 60 s.
    public func scan(_ jpeg: [UInt8]) async -> [String: String]? {
        guard let text = await read(jpeg) else { return nil }
        return DrivingLicenceText.fields(from: text)
    }

    /// Tesseract's text for a picture: page segmentation 6 (one block of text), the Simplified
    /// Chinese model alone (it reads plates and VINs too; adding `eng` made it misread 豫 and 货运
    /// on our test pictures).
    public func read(_ jpeg: [UInt8]) async -> String? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parkgate-ocr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let input = directory.appendingPathComponent("licence.jpg"), output = directory.appendingPathComponent("text")
            try Data(jpeg).write(to: input)
            let result = try await ChildProcess.run(executable, [input.path, output.path, "-l", "chi_sim", "--psm", "6"], limit: 60)
            guard result.status == 0, !result.timedOut else { return nil }
            return try String(contentsOf: output.appendingPathExtension("txt"), encoding: .utf8)
        } catch {
            return nil
        }
    }
}
