import Logging
import ServiceLifecycle

/// Runs `work` every `interval` seconds once the platform is ready, until shutdown; a failure
/// is logged and the next round runs as usual.
struct PeriodicService: Service {
    let name: String
    let interval: Double
    let isReady: @Sendable () -> Bool
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if isReady() {
                do {
                    try await work()
                } catch {
                    logger.error("\(name) failed: \(error)")
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64((isReady() ? interval : 0.05) * 1000))) }
        }
    }
}
