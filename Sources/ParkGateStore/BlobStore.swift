import Crypto
import Foundation
import ParkGateModel

/// Files kept by content (images): `<directory>/<2 hex>/<sha256>.<ext>`, written durably
/// (temporary file, fsync, rename, fsync of the directory) before anything refers to them,
/// stored once however often they arrive.
public struct BlobStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The name `put` gives these bytes (their SHA-256 and the extension).
    public static func name(of data: Data, extension ext: String) -> String {
        "\(Hex.string(SHA256.hash(data: data))).\(ext)"
    }

    /// Stores `data`; returns its name (`<sha256>.<ext>`), the same for the same content.
    public func put(_ data: Data, extension ext: String) throws -> String {
        try put(data, named: Self.name(of: data, extension: ext))
    }

    /// Stores `data` under the name `name(of:extension:)` gave it (the hash is not computed again).
    @discardableResult
    public func put(_ data: Data, named name: String) throws -> String {
        let hash = String(name.prefix(64))
        let folder = directory.appendingPathComponent(String(hash.prefix(2)))
        let target = folder.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) { return name }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else { throw StoreError.database("cannot write \(temporary.path)") }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, target.path) != 0 { throw StoreError.database("cannot store blob \(name)") }
        let folderDescriptor = open(folder.path, O_RDONLY)
        if folderDescriptor >= 0 { fsync(folderDescriptor); close(folderDescriptor) }
        return name
    }

    /// Removes a stored blob (retention); false when there was none.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        guard let url = url(of: name) else { return false }
        return (try? FileManager.default.removeItem(at: url)) != nil
    }

    /// The file of a stored blob, nil for an unknown or malformed name.
    public func url(of name: String) -> URL? {
        let parts = name.split(separator: ".")
        guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit), parts[1].allSatisfy(\.isLetter) else { return nil }
        let url = directory.appendingPathComponent(String(name.prefix(2))).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
