// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "ParkGate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parkgate", targets: ["parkgate"]),
        .library(name: "ParkGateClient", targets: ["ParkGateClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "ParkGateModel",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParkGateStore",
            dependencies: [
                "ParkGateModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParkGateProtocols",
            dependencies: [
                "ParkGateModel",
                "ParkGateStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParkGateClient",
            dependencies: [
                "ParkGateModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParkGateApp",
            dependencies: [
                "ParkGateModel",
                "ParkGateStore",
                "ParkGateProtocols",
                "ParkGateClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parkgate",
            dependencies: [
                "ParkGateApp",
                "ParkGateClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateCeiling",
            dependencies: ["ParkGateModel", "ParkGateProtocols", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/Ceiling",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateStoreBench",
            dependencies: ["ParkGateProtocols", "ParkGateStore", "ParkGateModel", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/StoreBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateEvalBench",
            dependencies: ["ParkGateApp", "ParkGateClient", "ParkGateStore", "ParkGateModel", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/EvalBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/BenchSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateVideoBench",
            dependencies: [
                "BenchSupport", "ParkGateApp", "ParkGateClient", "ParkGateStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/VideoBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateDownlinkBench",
            dependencies: [
                "BenchSupport", "ParkGateApp", "ParkGateClient", "ParkGateProtocols", "ParkGateStore", "ParkGateModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/DownlinkBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParkGateFuzz",
            dependencies: ["ParkGateProtocols"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParkGateTestSupport",
            dependencies: ["ParkGateStore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/ParkGateTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParkGateModelTests",
            dependencies: ["ParkGateModel", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParkGateClientTests",
            dependencies: ["ParkGateClient"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParkGateStoreTests",
            dependencies: ["ParkGateStore", "ParkGateTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParkGateProtocolsTests",
            dependencies: ["ParkGateModel", "ParkGateProtocols", "ParkGateTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParkGateAppTests",
            dependencies: [
                "ParkGateApp",
                "ParkGateClient",
                "ParkGateTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
