import Foundation
import Logging
import ParkGateStore
import ServiceLifecycle

/// Marks devices offline when they fall silent and raises a device alarm; the alarm clears
/// when the device speaks again (in the ingest transaction). Also drops expired tokens.
struct DeviceHealthService: Service {
    let store: any Store
    let silence: TimeInterval
    /// Parks (T/CPMI) without a heartbeat this long go offline.
    var parkSilence: TimeInterval = 180
    /// Video devices (厦门) without a keep-alive this long go offline.
    var videoSilence: TimeInterval = 180
    let interval: TimeInterval
    let logger: Logger
    /// The schema exists only once the platform has prepared it.
    var isReady: @Sendable () -> Bool = { true }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard isReady() else {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
                continue
            }
            do {
                try await sweep(now: Date())
            } catch {
                logger.error("device health sweep failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
        }
    }

    func sweep(now: Date) async throws {
        let offline = try await store.markSilentDevicesOffline(silentSince: now.addingTimeInterval(-silence), now: now)
        for device in offline {
            logger.warning("device offline", metadata: ["vendor": "\(device.vendor)", "devCode": "\(device.devCode)"])
        }
        for park in try await store.markSilentParksOffline(silentSince: now.addingTimeInterval(-parkSilence), now: now) {
            logger.warning("park offline", metadata: ["parkCode": "\(park.code)"])
        }
        for device in try await store.markSilentVideoDevicesOffline(silentSince: now.addingTimeInterval(-videoSilence), now: now) {
            logger.warning("video device offline", metadata: ["id": "\(device.id)"])
        }
        try await store.deleteTokens(expiredBefore: now.addingTimeInterval(-86_400))
    }
}
