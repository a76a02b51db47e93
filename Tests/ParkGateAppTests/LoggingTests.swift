import Logging
import Synchronization
import Testing

@testable import ParkGateApp

/// The server's log handler writes the lines `StreamLogHandler` writes, metadata included.
@Suite struct LoggingTests {
    final class Lines: TextOutputStream, Sendable {
        let written = Mutex<[String]>([])
        func write(_ string: String) { written.withLock { $0.append(string) } }
        /// Without the leading timestamp (up to the level).
        var lines: [String] { written.withLock { $0 }.map { String($0.drop { $0 != " " }.dropFirst()) } }
    }

    @Test func linesAreThoseOfTheStreamHandler() {
        let plain = Lines(), deferred = Lines()
        var expected = Logger(label: "parkgate") { StreamLogHandler(label: $0, stream: plain, metadataProvider: nil) }
        var logger = Logger(label: "parkgate") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferred, metadataProvider: nil)) }
        for index in 0..<2 {
            for log in [0, 1] {
                var target = log == 0 ? expected : logger
                target.logLevel = .info
                target[metadataKey: "hb.request.id"] = "\(index)"
                target[metadataKey: "park"] = "BENCH"
                target.info("stored", metadata: ["park": "OTHER", "records": "3"])
                target.debug("not written")
                target[metadataKey: "park"] = nil
                target.warning("plain")
                if log == 0 { expected = target } else { logger = target }
            }
        }
        #expect(plain.lines.count == 4)
        #expect(deferred.lines == plain.lines)
        #expect(plain.lines[0].contains("hb.request.id=0 park=OTHER records=3"))
    }
}
