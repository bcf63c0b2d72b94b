// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Gradbook",
    products: [
        .executable(name: "gradbook", targets: ["gradbook"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Datasets", targets: ["Datasets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // OpenBLAS through its C interface; every matrix product is a `cblas_sgemm`.
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Datasets", swiftSettings: strict),
        .target(name: "Neural", dependencies: ["CBLAS", "Datasets"], swiftSettings: strict),
        .target(name: "Experiments", dependencies: ["Neural", "Datasets"], swiftSettings: strict),
        .target(
            name: "GradbookCLI",
            dependencies: [
                "Experiments", "Neural", "Datasets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "gradbook", dependencies: ["GradbookCLI"], swiftSettings: strict),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "Datasets"], swiftSettings: strict),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["gradbook"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
