import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the tools ParkGate runs (tesseract) and the
/// tests' commands. Foundation's `Process.run()` on Linux (toolchain 6.3) sometimes crashes a
/// process that has many descriptors open: it over-reads `/proc/self/fd` entries while choosing
/// what to close (swift-corelibs-foundation PR 5472). Here the child gets standard input from
/// /dev/null, standard output and error into a file (or /dev/null), every other descriptor
/// closed (`posix_spawn_file_actions_addclosefrom_np`), and signals as a fresh process has them.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable` with `arguments`; `environment` nil keeps this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, output: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environmentList = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = environmentList.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        // The child starts with no signal blocked and every signal at its default action: it
        // would otherwise inherit the spawning thread's mask (the test process's threads block
        // SIGTERM, so `terminate()` left chromedriver running after the suite) and ignored SIGPIPE.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(description: "\(executable): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not export.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// The exit status (a signal's number + 128), or nil while it runs.
    public var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let code = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        exitStatus = code
        return code
    }

    public var isRunning: Bool { status == nil }

    public func terminate() { if isRunning { kill(pid, SIGTERM) } }

    /// Waits for the end, polling; past `limit` seconds the child is killed.
    @discardableResult
    public func wait(limit: Double = .infinity) async -> Int32 {
        let deadline = Date().addingTimeInterval(limit)
        while isRunning {
            if Date() > deadline { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return status ?? -1
    }

    /// Runs to the end and returns the status and what it wrote (standard output and error).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, limit: Double = 300) async throws
        -> (status: Int32, output: String, timedOut: Bool) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("parkgate-child-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(executable, arguments, environment: environment, output: output)
        let started = Date()
        let status = await child.wait(limit: limit)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (status, text, Date().timeIntervalSince(started) > limit)
    }
}
