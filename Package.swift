// swift-tools-version: 6.2
//
// The target graph is the architecture: arrows only point down.
//
//   waymark (WaymarkCLI)   subcommands only
//   JourneyYAML            YAML front end with source locations   (Yams)
//   JourneyRuntime         interpreter, customer state, effects   (pure)
//   JourneyModel           definitions, expressions, validation   (pure: Foundation only)
import PackageDescription

let package = Package(
    name: "Waymark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "waymark", targets: ["WaymarkCLI"]),
        .library(name: "JourneyModel", targets: ["JourneyModel"]),
        .library(name: "JourneyYAML", targets: ["JourneyYAML"]),
        .library(name: "JourneyRuntime", targets: ["JourneyRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Pure core: the journey language. No I/O, no third-party dependencies.
        .target(name: "JourneyModel"),
        // Pure core: the interpreter, customer state, effects. No clock reads, no I/O.
        .target(name: "JourneyRuntime", dependencies: ["JourneyModel"]),
        // YAML front end: turns files into model values, keeping line:column for every node.
        .target(
            name: "JourneyYAML",
            dependencies: ["JourneyModel", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "WaymarkCLI",
            dependencies: [
                "JourneyModel", "JourneyYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "JourneyModelTests", dependencies: ["JourneyModel"]),
        .testTarget(name: "JourneyRuntimeTests", dependencies: ["JourneyRuntime"]),
        .testTarget(name: "JourneyYAMLTests", dependencies: ["JourneyYAML"]),
    ],
    swiftLanguageModes: [.v6]
)
