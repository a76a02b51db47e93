import Foundation

/// The image formats devices send, told by their first bytes (the declared type is not trusted).
public enum ImageFormat {
    /// `jpg`, `png`, `gif` or `bmp`; nil for anything else.
    public static func sniff(_ bytes: Data) -> String? {
        let head = [UInt8](bytes.prefix(8))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if head.starts(with: Array("GIF8".utf8)) { return "gif" }
        if head.starts(with: Array("BM".utf8)) { return "bmp" }
        return nil
    }
}
