// swift-tools-version: 6.2
//
// Waymark's benchmarks: a package of its own, so that `swift build` and
// `swift test` at the repository root never build them. `Benchmarks/run.sh`
// builds everything in release mode, runs it, and writes BENCHMARKS.md.
//
//   Benchmarks/Benchmarks/Interpreterordo-one benchmarks: interpreter inputs vs a plain actor hop
//   Benchmarks/Benchmarks/Storage   ordo-one benchmarks: SQLiteShardStore.commit vs raw GRDB upserts
//   Sources/BenchSupport            workloads shared by both (journeys, events, commits)
//   Sources/waymark-bench           the whole-system measurements, one JSON object per run
//                                   (node-to-node calls over loopback gRPC among them)
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the
// clone was called: read it rather than hard-code it.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "main"

let package = Package(
    name: "WaymarkBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "JourneyModel", package: root),
                .product(name: "JourneyYAML", package: root),
                .product(name: "JourneyRuntime", package: root),
                .product(name: "JourneyStorage", package: root),
                .product(name: "JourneyEngine", package: root),
                .product(name: "JourneySimulator", package: root),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "waymark-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "JourneyModel", package: root),
                .product(name: "JourneyRuntime", package: root),
                .product(name: "JourneyStorage", package: root),
                .product(name: "JourneyEngine", package: root),
                .product(name: "JourneySimulator", package: root),
                .product(name: "WaymarkRemoting", package: root),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "Interpreter",
            dependencies: ["BenchSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Interpreter",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Storage",
            dependencies: ["BenchSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Storage",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
