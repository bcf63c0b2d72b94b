// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// `WideLanes`, Neural's lane kernels compiled again for AVX2 (eight floats a register): called
/// only where the processor has it (Neural's `VectorLanes` asks). Elsewhere it is built plain
/// and never called.
#if arch(x86_64)
let wide: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2"])]
#else
let wide: [SwiftSetting] = []
#endif

let package = Package(
    name: "Gradbook",
    // Synchronization's Mutex; on Linux nothing is asked.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gradbook", targets: ["gradbook"]),
        // The modules, for other Swift packages: train (Neural, Datasets), record (Tracking),
        // run configurations, sweeps and the runner between them (Experiments).
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Tracking", targets: ["Tracking"]),
        .library(name: "Experiments", targets: ["Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        .target(name: "Datasets", swiftSettings: strict),
        // Training. BLAS (OpenBLAS, reference BLAS, Accelerate) is loaded at run time when present:
        // nothing links against it.
        .target(name: "Neural", dependencies: ["Datasets", "WideLanes", "ProcessorFeatures"], swiftSettings: strict),
        .target(name: "WideLanes", swiftSettings: strict + wide),
        // The processor's own answer (CPUID) to whether `WideLanes` may run: Swift cannot ask it.
        .target(name: "ProcessorFeatures"),
        // The store. Knows nothing of training: it keeps plain values.
        .target(
            name: "Tracking",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict,
            plugins: ["EmbedMigrations"]
        ),
        // migrations/*.sql → EmbeddedMigrations.swift, so an installed binary needs no checkout;
        // SQLite applies them once there, for the schema a new store is made with.
        .executableTarget(name: "MigrationEmbedder", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["MigrationEmbedder"]),
        // Pictures of the store: SVG charts and the self-contained HTML report.
        .target(name: "Reporting", dependencies: ["Tracking"], swiftSettings: strict),
        .target(
            name: "Experiments",
            dependencies: ["Neural", "Datasets", "Tracking", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "GradbookCLI",
            dependencies: [
                "Experiments", "Neural", "Datasets", "Tracking", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "gradbook", dependencies: ["GradbookCLI"], swiftSettings: strict),
        // What tracking costs next to bare training (Benchmarks/README.md).
        .executableTarget(
            name: "tracking-cost",
            dependencies: ["Experiments", "Neural", "Datasets", "Tracking"],
            path: "Benchmarks/TrackingCost",
            swiftSettings: strict
        ),
        // Heap allocations per training step, counted by the preloaded malloc interposer
        // (EngineAllocationTests runs it; Benchmarks/README.md).
        .executableTarget(
            name: "alloc-count",
            dependencies: ["Neural", "Datasets", .product(name: "MallocInterposerSwift", package: "malloc-interposer")],
            path: "Benchmarks/AllocCount",
            swiftSettings: strict
        ),
        // Helpers shared by the test targets.
        .target(
            name: "GradbookTestSupport",
            dependencies: ["Tracking", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/Support",
            swiftSettings: strict
        ),
        // Many writers at once and kill -9 at random instants (README: reliability).
        .executableTarget(
            name: "reliability",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/Reliability",
            swiftSettings: strict
        ),
        // Property-based fuzzing of filters, sweep specs, config files and output paths (README: reliability).
        .executableTarget(
            name: "fuzz",
            dependencies: ["Experiments", "Datasets", "Tracking", "GradbookTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/Fuzz",
            swiftSettings: strict
        ),
        // The query CLI on a 10,000-run store (Benchmarks/README.md).
        .executableTarget(
            name: "query-speed",
            dependencies: ["Tracking", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/QuerySpeed",
            swiftSettings: strict
        ),
        // Gradbook's side of the benchmarks against PyTorch, JAX and MLflow (Benchmarks/README.md).
        .executableTarget(
            name: "side-by-side",
            dependencies: ["Experiments", "Neural", "Datasets", "Tracking"],
            path: "Benchmarks/SideBySide",
            swiftSettings: strict
        ),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "Datasets", "WideLanes"], swiftSettings: strict),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], swiftSettings: strict),
        .testTarget(
            name: "TrackingTests",
            dependencies: ["Tracking", "GradbookTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            // Golden files, read from the source tree by path.
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: ["Reporting", "Tracking", "GradbookTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: ["Experiments", "Tracking", "Neural", "Datasets", "GradbookTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["gradbook", "alloc-count", "MigrationEmbedder", "Experiments", "Datasets", "GradbookTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
