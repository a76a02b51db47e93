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

    /// The lines a request's logging writes through `logger`.
    static func lines(_ make: (Lines) -> Logger) -> [String] {
        let stream = Lines()
        var logger = make(stream)
        for index in 0..<2 {
            logger.logLevel = .info
            logger[metadataKey: "hb.request.id"] = "\(index)"
            logger[metadataKey: "park"] = "BENCH"
            logger.info("stored", metadata: ["park": "OTHER", "records": "3"])
            logger.debug("not written")
            logger.warning("kept")
            logger[metadataKey: "park"] = nil
            logger.warning("plain")
        }
        return stream.lines
    }

    @Test(arguments: [false, true])
    func linesAreThoseOfTheStreamHandler(withProvider: Bool) {
        let provider: Logger.MetadataProvider? = withProvider ? Logger.MetadataProvider { ["park": "PROVIDED", "node": "a"] } : nil
        let expected = Self.lines { stream in
            Logger(label: "parkgate") { StreamLogHandler(label: $0, stream: stream, metadataProvider: provider) }
        }
        let deferred = Self.lines { stream in
            Logger(label: "parkgate") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: stream, metadataProvider: provider)) }
        }
        #expect(expected.count == 6)
        #expect(deferred == expected)
        #expect(expected[0].contains(withProvider ? "hb.request.id=0 node=a park=OTHER records=3" : "hb.request.id=0 park=OTHER records=3"))
        #expect(expected[1].contains(withProvider ? "park=PROVIDED" : "park=BENCH"))
    }
}
