// swift-tools-version: 6.2
//
// The target graph is the architecture: arrows only point down.
//
//   waymark (WaymarkCLI)   subcommands only
//   WaymarkServer          the node: HTTP API, auth, metrics, config, channels, service group
//                          (Hummingbird, AsyncHTTPClient, Mustache, Prometheus; never below this line)
//   WaymarkRemoting        customer actors over node-to-node gRPC   (grpc-swift-2; nowhere else)
//   WaymarkCluster         leases, fencing, balancing, the shared inbox   (postgres-nio)
//   JourneySimulator       replay, populations, reports, journey tests (no NIO; zlib via CZlib)
//   JourneyYAML            YAML front end with source locations   (Yams)
//   JourneyEngine          customer actors, shards, scheduler     (swift-log, service-lifecycle)
//   JourneyStorage         per-shard SQLite                       (GRDB)
//   JourneyRuntime         interpreter, state, effects, seams     (pure)
//   JourneyModel           definitions, expressions, validation   (pure: Foundation only)
import PackageDescription

let package = Package(
    name: "Waymark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "waymark", targets: ["WaymarkCLI"]),
        .executable(name: "waymark-engine-harness", targets: ["WaymarkEngineHarness"]),
        .library(name: "JourneyModel", targets: ["JourneyModel"]),
        .library(name: "JourneyYAML", targets: ["JourneyYAML"]),
        .library(name: "JourneyRuntime", targets: ["JourneyRuntime"]),
        .library(name: "JourneyStorage", targets: ["JourneyStorage"]),
        .library(name: "JourneyEngine", targets: ["JourneyEngine"]),
        .library(name: "JourneySimulator", targets: ["JourneySimulator"]),
        .library(name: "WaymarkCluster", targets: ["WaymarkCluster"]),
        .library(name: "WaymarkRemoting", targets: ["WaymarkRemoting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
    ],
    targets: [
        // Pure core: the journey language. No I/O, no third-party dependencies.
        .target(name: "JourneyModel"),
        // Pure core: the interpreter, customer state, effects. No clock reads, no I/O.
        .target(name: "JourneyRuntime", dependencies: ["JourneyModel"]),
        // Per-shard SQLite (GRDB, WAL): the real ShardStore.
        .target(
            name: "JourneyStorage",
            dependencies: [
                "JourneyRuntime", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Customer actors, shards, scheduler, outbox relay: the engine every mode runs.
        .target(
            name: "JourneyEngine",
            dependencies: [
                "JourneyRuntime", "JourneyStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A load driver the recovery tests run as a child process and kill.
        .executableTarget(
            name: "WaymarkEngineHarness",
            dependencies: ["JourneyEngine", "JourneyStorage", "JourneyYAML", .product(name: "Logging", package: "swift-log")]
        ),
        // Child processes for tests, awaited without blocking a thread (Foundation only).
        .target(name: "ChildProcessSupport"),
        // Test doubles and helpers, shipped like swift-log's InMemoryLogging.
        .target(
            name: "WaymarkTestSupport",
            dependencies: [
                "JourneyEngine", "WaymarkCluster",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // YAML front end: turns files into model values, keeping line:column for every node.
        .target(
            name: "JourneyYAML",
            dependencies: ["JourneyModel", .product(name: "Yams", package: "Yams")]
        ),
        // zlib, for reading gzip-compressed event logs as a stream.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Replays event logs and synthetic populations through the engine on a virtual clock;
        // writes actions, summaries and the HTML report; runs journey tests.
        .target(
            name: "JourneySimulator",
            dependencies: [
                "JourneyEngine", "JourneyRuntime", "JourneyModel", "JourneyYAML", "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Collections", package: "swift-collections"),
            ]
        ),
        // Cluster mode: lease, fencing and balancing state machines (pure values), and the
        // PostgreSQL coordinator, shared inbox, snapshots and delivery ledger around them.
        .target(
            name: "WaymarkCluster",
            dependencies: [
                "JourneyEngine", "JourneyRuntime", "JourneyStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Customer actors reachable from any node: the gRPC transport and server of the actor
        // system. The only target that imports gRPC, so edits elsewhere rebuild without it.
        .target(
            name: "WaymarkRemoting",
            dependencies: [
                "JourneyEngine", "WaymarkCluster",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The node (`waymark serve`): HTTP API, auth, config, metrics, webhook and Mustache channels,
        // and the service group that runs the engine and the server together.
        .target(
            name: "WaymarkServer",
            dependencies: [
                "JourneyEngine", "JourneyStorage", "JourneyYAML", "JourneyRuntime", "JourneyModel", "WaymarkCluster", "WaymarkRemoting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "WaymarkCLI",
            dependencies: [
                "JourneyModel", "JourneyYAML", "JourneySimulator", "WaymarkServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "JourneyModelTests", dependencies: ["JourneyModel"]),
        .testTarget(name: "JourneyRuntimeTests", dependencies: ["JourneyRuntime"]),
        .testTarget(name: "JourneyStorageTests", dependencies: ["JourneyStorage"]),
        .testTarget(name: "JourneyEngineTests", dependencies: ["JourneyEngine", "JourneyYAML", "WaymarkTestSupport", "ChildProcessSupport"]),
        .testTarget(name: "JourneyYAMLTests", dependencies: ["JourneyYAML", "ChildProcessSupport"]),
        .testTarget(
            name: "WaymarkClusterTests",
            dependencies: [
                "WaymarkCluster", "JourneyEngine", "JourneyRuntime", "JourneyStorage", "WaymarkTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "JourneySimulatorTests", dependencies: ["JourneySimulator", "JourneyEngine", "JourneyRuntime", "JourneyModel", "JourneyYAML", "ChildProcessSupport"]),
        .testTarget(
            name: "WaymarkRemotingTests",
            dependencies: [
                "WaymarkRemoting", "JourneyEngine", "JourneyRuntime",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "WaymarkServerTests",
            dependencies: [
                "WaymarkServer", "WaymarkTestSupport", "ChildProcessSupport", "JourneyStorage", "JourneyRuntime", "JourneyModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
