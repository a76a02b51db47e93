import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import ParkGateModel
import ParkGateProtocols
import ParkGateStore
import Prometheus
import ServiceLifecycle
import Synchronization

/// Builds the whole platform: store, writer, services, protocol routes, admin API.
/// One build function for the server and the tests.
public func buildApplication(_ config: AppConfig, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    var rootLogger = logger ?? Logger(label: "parkgate") { DeferredMetadataLogHandler(StreamLogHandler.standardOutput(label: $0)) }
    rootLogger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
    let logger = rootLogger
    // A misspelt setting leaves its default in force without a word: say so at start.
    for unknown in config.unknownSettings { logger.warning("\(unknown) (ignored)") }
    let registry = MetricsBootstrap.registry
    let platform = try Platform.open(config, logger: logger)
    let store = platform.store
    let writer = GroupCommitWriter(
        store: store, capacity: config.writeQueueCapacity, maxBatch: config.maxBatch, logger: logger)
    let time = config.chinaTime
    let ready = Mutex(false)

    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: RequestMetricsMiddleware())
    router.get("/health") { _, _ -> Response in
        let isReady = ready.withLock { $0 }
        return Response(
            status: isReady ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: isReady ? "{\"status\":\"ok\"}" : "{\"status\":\"starting\"}")))
    }
    router.get("/metrics") { _, _ -> Response in
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
    }
    let blobs = BlobStore(directory: URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("blobs"))
    let gateway = RoadsideGateway(
        credentials: RoadsideCredentials(
            store: store, tokenLifetime: config.tokenLifetime, vendorCacheSeconds: config.vendorCacheSeconds),
        writer: writer, strict: config.strict, time: time, logger: logger)
    gateway.register(on: router, bodyLimit: config.bodyLimit)
    let parkingWriter = ParkingWriter(store: store, capacity: config.writeQueueCapacity, logger: logger)
    let cpmi = CPMIGateway(store: store, writer: parkingWriter, blobs: blobs, time: time, strict: config.strict, imageLimit: config.cpmiImageLimit,
                          credentialCacheSeconds: config.cpmiCredentialCacheSeconds, logger: logger)
    cpmi.register(on: router, bodyLimit: max(config.bodyLimit, config.cpmiImageLimit * 4 / 3 + (1 << 20)))
    let henanPassages = HenanPassageWriter(store: store, capacity: config.writeQueueCapacity, logger: logger)
    HenanCityGateway(store: store, blobs: blobs, time: time, cacheSeconds: config.henanCacheSeconds, passages: henanPassages, logger: logger)
        .register(on: router, bodyLimit: max(config.bodyLimit, 4 << 20))
    HenanProvinceGateway(store: store, blobs: blobs, time: time, scanLicence: LicenceScanner.installed()?.scan, logger: logger)
        .register(on: router, bodyLimit: max(config.bodyLimit, 8 << 20))
    let videoTouches = VideoTouchWriter(store: store, capacity: config.writeQueueCapacity, logger: logger)
    VideoGateway(store: store, blobs: blobs, time: time, keyLifetime: config.videoKeyLifetime, imageLimit: config.videoImageLimit, touches: videoTouches,
                 logger: logger).register(on: router, bodyLimit: config.bodyLimit)
    let connections = CPMIConnections()
    let commands = ParkCommands(store: store, connections: connections, time: time, retryInterval: config.commandRetryInterval,
        replyGrace: config.commandReplyGrace,
        isReady: { ready.withLock { $0 } }, logger: logger)
    var downlink = CPMIDownlinkServer.Configuration()
    (downlink.host, downlink.port, downlink.frameLimit) = (config.host, config.tcpPort, config.tcpFrameLimit)
    (downlink.readIdleTime, downlink.writeIdleTime, downlink.allIdleTime) = (config.tcpReadIdleTime, config.tcpWriteIdleTime, config.tcpAllIdleTime)
    let downlinkServer = CPMIDownlinkServer(
        configuration: downlink, store: store, connections: connections,
        uplink: { body in await cpmi.handle(contentType: "application/json", body: body) }, logger: logger)
    AdminAPI(store: store, accounts: Accounts(store: store), time: time, blobs: blobs, deviceSilence: config.deviceSilence,
             commands: commands, connections: connections, videoRetentionDays: config.videoRetentionDays).register(on: router)
    var console = try Console(store: store, accounts: Accounts(store: store), time: time, deviceSilence: config.deviceSilence, commands: commands,
                              connections: connections)
    console.videoRetentionDays = config.videoRetentionDays
    console.ignoredSettings = config.unknownSettings
    console.register(on: router)

    var services: [any Service] = []
    if let postgres = platform.postgres { services.append(postgres) }
    if let sqlite = store.database as? SQLiteDatabase { services.append(SQLiteCheckpointService(database: sqlite)) }
    if let postgres = store.database as? PostgresDatabase {
        // Planner statistics for tables growing faster than autovacuum looks (see `refreshStatistics`).
        services.append(PeriodicService(name: "postgres statistics", interval: 2, isReady: { ready.withLock { $0 } }, logger: logger) {
            let analysed = try await postgres.refreshStatistics()
            if !analysed.isEmpty { logger.debug("postgres statistics refreshed", metadata: ["tables": "\(analysed.joined(separator: ","))"]) }
        })
    }
    services.append(writer)
    services.append(parkingWriter)
    services.append(videoTouches)
    services.append(henanPassages)
    services.append(downlinkServer)
    services.append(commands)
    if config.blacklistUnpaidAbove > 0 {
        let blacklist = Blacklist(store: store, commands: commands, time: time)
        let threshold = Money(fen: Int64((config.blacklistUnpaidAbove * 100).rounded()))
        services.append(PeriodicService(name: "blacklist rule", interval: config.blacklistSweepInterval, isReady: { ready.withLock { $0 } }, logger: logger) {
            let (added, removed) = try await blacklist.applyUnpaidRule(threshold: threshold)
            if added + removed > 0 { logger.info("blacklist rule applied", metadata: ["added": "\(added)", "removed": "\(removed)"]) }
        })
    }
    let retention = VideoRetention(store: store, blobs: blobs, days: config.videoRetentionDays)
    if let url = config.henanProvinceURL, !url.isEmpty {
        let relay = HenanRelay(store: store, blobs: blobs, settings: HenanRelay.Settings(
            url: url, orgSecret: config.henanProvinceSecret, username: config.henanProvinceUser, password: config.henanProvincePassword,
            localPlates: config.henanLocalPlates, backoff: config.henanRelayBackoff), time: time, logger: logger)
        services.append(PeriodicService(name: "henan relay", interval: config.henanRelayInterval, isReady: { ready.withLock { $0 } }, logger: logger) {
            try await relay.tick()
        })
    }
    services.append(PeriodicService(name: "video retention", interval: 3600, isReady: { ready.withLock { $0 } }, logger: logger) {
        let (captures, files) = try await retention.sweep()
        if captures > 0 { logger.info("video retention", metadata: ["captures": "\(captures)", "files": "\(files)"]) }
    })
    services.append(DeviceHealthService(
        store: store, silence: config.deviceSilence, parkSilence: config.parkSilence, videoSilence: config.videoSilence, interval: config.sweepInterval,
        logger: logger,
        isReady: { ready.withLock { $0 } }))

    let timeout = TimeAmount.milliseconds(Int64(config.requestTimeout * 1000))
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(timeout: timeout)])),
        configuration: .init(address: .hostname(config.host, port: config.httpPort), serverName: "ParkGate"),
        services: services,
        logger: logger)
    app.beforeServerStarts {
        if let postgres = platform.postgres { await postgres.untilRunning() }
        try await platform.prepare()
        ready.withLock { $0 = true }
        logger.info("ParkGate ready", metadata: [
            "database": "\(store.dialect.rawValue)", "dataDirectory": "\(config.dataDirectory)", "strict": "\(config.strict)",
        ])
    }
    return app
}

/// swift-metrics can be bootstrapped once per process; tests build many applications.
enum MetricsBootstrap {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
