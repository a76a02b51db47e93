import AsyncHTTPClient
import NIOCore

/// Runs `body` with an HTTP client of its own (5 s to connect, `read` to read), shut down after.
/// Up to 256 connections to the target: the simulated devices and lots each have their own, and
/// with AsyncHTTPClient's default of 8 a request waiting for a free connection times out
/// (`getConnectionFromPoolTimeout`) on a busy target though the target would have answered it.
func withSimulatorHTTPClient<T: Sendable>(read: TimeAmount = .seconds(10), _ body: (HTTPClient) async throws -> T) async throws -> T {
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: read))
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}
