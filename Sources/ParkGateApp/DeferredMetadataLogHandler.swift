import Logging

/// swift-log's `StreamLogHandler` with its metadata rendered when a line is written, not when
/// the metadata changes.
///
/// `StreamLogHandler` renders its metadata to text every time an item is set, and Hummingbird
/// (per request) and PostgresNIO (per query) set items on every call: the server paid for that
/// text on every request even at `--log-level error`, where nothing is written (~1.7% of its CPU
/// in `perf`, T/CPMI on PostgreSQL). The lines are the same: the items go to the stream handler
/// with the line, which renders them as it renders its own.
struct DeferredMetadataLogHandler: LogHandler {
    var base: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(_ base: StreamLogHandler) { self.base = base }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // StreamLogHandler's order: its own items, then the provider's, then the line's.
            var merged = metadata
            if let provided = base.metadataProvider?.get(), !provided.isEmpty { merged.merge(provided) { $1 } }
            event.metadata = merged.merging(event.metadata ?? [:]) { $1 }
        }
        base.log(event: event)
    }
}
