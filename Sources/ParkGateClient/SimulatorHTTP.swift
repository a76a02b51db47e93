import AsyncHTTPClient

/// Runs `body` with an HTTP client of its own (5 s to connect, 10 s to read), shut down after.
func withSimulatorHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(10))))
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}
