import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP client for what an HTTP client library will not do: send half a request,
/// dribble bytes, and see whether the server closed the connection.
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until the server closes the connection or `timeout` passes; returns what arrived
    /// and whether the connection was closed.
    /// Polls without blocking and sleeps between polls, so the server under test (in this
    /// process, on the same cooperative threads) keeps running.
    func readUntilClosed(timeout: TimeInterval) async -> (text: String, closed: Bool) {
        await read(timeout: timeout) { _ in false }
    }

    /// Reads until `enough` says what arrived is enough, the server closes the connection, or
    /// `timeout` passes (a generous timeout costs nothing when the server is quick).
    func read(timeout: TimeInterval, until enough: (String) -> Bool) async -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready <= 0 {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
            if enough(String(decoding: received, as: UTF8.self)) { return (String(decoding: received, as: UTF8.self), false) }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    func close() { _ = Glibc.close(fd) }

    /// One request on a fresh connection; the status line of the answer.
    static func statusLine(port: Int, _ request: String) async throws -> String {
        let socket = try RawSocket(port: port)
        defer { socket.close() }
        socket.send(request)
        let (text, _) = await socket.readUntilClosed(timeout: 5)
        return String(text.prefix { $0 != "\r" })
    }

    static func health(port: Int) async throws -> String {
        try await statusLine(port: port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    }
}

/// Binds port 0 on loopback to learn a free port.
struct RawSocketListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer -> Bool in
                bind(fd, sockaddrPointer, length) == 0 && getsockname(fd, sockaddrPointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
