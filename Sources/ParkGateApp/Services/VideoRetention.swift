import Foundation
import Logging
import ParkGateStore
import ServiceLifecycle

/// Removes video captures and their images older than `video.retentionDays` (附件 2 section 五:
/// 30 days), in small batches with a pause between them so that ingest is never held up; the
/// device log's events go with them (the online/offline history stays: the availability rate
/// is computed from it).
public struct VideoRetention: Sendable {
    let store: any Store
    let blobs: BlobStore
    let days: Double
    var batch = 500

    public init(store: any Store, blobs: BlobStore, days: Double) { (self.store, self.blobs, self.days) = (store, blobs, days) }

    /// One pass; returns the captures and files removed.
    @discardableResult
    public func sweep(now: Date = Date(), pause: Duration = .milliseconds(20)) async throws -> (captures: Int, files: Int) {
        let cutoff = now.addingTimeInterval(-days * 86_400)
        var captures = 0, files = 0
        while true {
            let (removed, unused) = try await store.deleteVideoCaptures(receivedBefore: cutoff, limit: batch)
            captures += removed
            for blob in unused where blobs.remove(blob) { files += 1 }
            if removed < batch { break }
            try await Task.sleep(for: pause)
        }
        while try await store.deleteVideoDeviceEvents(before: cutoff, limit: batch) == batch { try await Task.sleep(for: pause) }
        return (captures, files)
    }
}
