import AsyncHTTPClient
import Foundation
import NIOCore
import ParkGateClient
import Testing

/// A small W3C WebDriver client for headless Chromium (Debian's `chromium` and
/// `chromium-driver`): enough to sign in, click, type, read and take screenshots.
final class WebDriver: @unchecked Sendable {  // one test drives it from one task at a time
    let process: ChildProcess
    let base: String
    var session = ""

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var driverPath: String? {
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(port: Int) async throws {
        guard let path = Self.driverPath else {
            throw Failure(description: "chromedriver not found: scripts/test installs Debian's chromium and chromium-driver")
        }
        process = try ChildProcess(path, ["--port=\(port)"])
        base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = (try? await call("GET", "/status"))?["ready"] as? Bool == true
        }
        guard ready else { throw Failure(description: "chromedriver did not start") }
        let created = try await call("POST", "/session", [
            "capabilities": ["alwaysMatch": ["goog:chromeOptions": [
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN"],
            ]]],
        ])
        session = try #require(created["sessionId"] as? String)
    }

    func quit() async {
        _ = try? await call("DELETE", "/session/\(session)")
        process.terminate()
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        // AsyncHTTPClient: Foundation's URLSession on Linux fails on chromedriver's answers.
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return object["value"].map { ($0 as? [String: Any]) ?? ["value": $0] } ?? object
    }

    func open(_ url: String) async throws { try await call("POST", "/session/\(session)/url", ["url": url]) }

    var url: String { get async throws { try await call("GET", "/session/\(session)/url")["value"] as? String ?? "" } }

    func element(_ css: String) async throws -> String {
        let found = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        return try #require(found.first { $0.key.hasPrefix("element-") }?.value as? String, "no element \(css)")
    }

    func elements(_ css: String) async throws -> [String] {
        let found = try await call("POST", "/session/\(session)/elements", ["using": "css selector", "value": css])
        return (found["value"] as? [[String: String]] ?? []).compactMap { $0.first { $0.key.hasPrefix("element-") }?.value }
    }

    func click(_ css: String) async throws { try await call("POST", "/session/\(session)/element/\(try await element(css))/click", [:]) }

    func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        try await call("POST", "/session/\(session)/element/\(id)/clear", [:])
        try await call("POST", "/session/\(session)/element/\(id)/value", ["text": text])
    }

    /// Fills in the login page this browser was sent to and waits until it has left it.
    func signIn(_ username: String = "admin", _ password: String = "pw") async throws -> Bool {
        try await type("#username", username)
        try await type("#password", password)
        try await click("#signin")
        return try await wait(5) { try await !url.contains("/login") }
    }

    func text(_ css: String) async throws -> String {
        try await call("GET", "/session/\(session)/element/\(try await element(css))/text")["value"] as? String ?? ""
    }

    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "/session/\(session)/execute/sync", ["script": source, "args": arguments])["value"]
    }

    func asyncScript(_ source: String) async throws -> Any? {
        try await call("POST", "/session/\(session)/execute/async", ["script": source, "args": []])["value"]
    }

    var source: String { get async throws { try await call("GET", "/session/\(session)/source")["value"] as? String ?? "" } }

    func screenshot(to path: String) async throws {
        let data = try #require(Data(base64Encoded: try await call("GET", "/session/\(session)/screenshot")["value"] as? String ?? ""))
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Waits until `condition` holds, for up to `seconds`.
    func wait(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}
