import Experiments
import Foundation
import XCTest

/// Sizes refused before they are allocated: memory estimated from a run's configuration, and
/// YAML whose aliases would expand without bound.
final class BudgetTests: XCTestCase {
    func testMemoryLimitsParseWithUnitsAndRefuseNonsense() throws {
        XCTAssertEqual(try MemoryBudget(parsing: "8g").limit, 8 << 30)
        XCTAssertEqual(try MemoryBudget(parsing: "512MB").limit, 512 << 20)
        XCTAssertEqual(try MemoryBudget(parsing: "1.5GiB").limit, 3 << 29)
        XCTAssertEqual(try MemoryBudget(parsing: "2000000000").limit, 2_000_000_000)
        for bad in ["", "0", "-1g", "1k", "lots", "1e400", "nan", "9999999999t"] {
            XCTAssertThrowsError(try MemoryBudget(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("a size from 1m, such as 8g"), "\(error)")
            }
        }
    }

    /// Worked by hand: 2 inputs, layers 1000 and 1000, 1 output. Weights and biases
    /// 2·1000+1000 + 1000·1000+1000 + 1000+1 = 1,005,001, four floats each (value, gradient, two
    /// of optimiser state): 16,080,016 bytes. Buffers for 256 rows (the evaluation chunk; the
    /// batch of 10 is smaller) of 2001 units, six floats each, plus the inputs and three per
    /// output: 256·(12,006 + 2 + 3)·4 = 12,299,264. In all 28,379,280 bytes.
    func testTheNetworkEstimateMatchesAWorkedExample() throws {
        let training = try RunSettings(["layers": "1000,1000", "batch-size": "10"]).configuration().training
        XCTAssertNoThrow(try MemoryBudget(limit: 28_379_280).checkNetwork(training, inputs: 2, outputs: 1, samples: 400))
        XCTAssertThrowsError(try MemoryBudget(limit: 28_379_279).checkNetwork(training, inputs: 2, outputs: 1, samples: 400)) { error in
            XCTAssertEqual("\(error)", "the network (1005001 weights, batches of 10) would take about 28.4 MB, above the limit of 28.4 MB: "
                           + "narrower --layers or a smaller --batch-size, or raise --memory-limit")
        }
        // A batch larger than the data set takes only the rows there are.
        let huge = try RunSettings(["layers": "8", "batch-size": "1000000000"]).configuration().training
        XCTAssertNoThrow(try MemoryBudget(limit: 1 << 20).checkNetwork(huge, inputs: 2, outputs: 1, samples: 400))
    }

    func testSizesOfEveryKindAreRefusedBeforeAllocating() throws {
        let budget = MemoryBudget(limit: 1 << 30)
        for (settings, what) in [(["samples": "1000000000"], "the data (1000000000 samples"),
                                 (["dataset": "blobs", "classes": "100000000"], "100000000 targets"),
                                 (["dataset": "blobs", "dimensions": "100000000"], "100000000 features"),
                                 (["layers": "100000,100000,100000"], "the network (20000600001 weights"),
                                 (["layers": "100000", "batch-size": "100000", "samples": "200000"], "batches of 100000")] {
            let config = try RunSettings(settings).configuration()
            XCTAssertThrowsError(try config.makeTrainer(blasThreads: 1, memory: budget), "\(settings)") { error in
                XCTAssertTrue("\(error)".contains(what) && "\(error)".contains("above the limit of 1.07 GB"), "\(settings): \(error)")
                XCTAssertTrue(error is ResourceError, "\(type(of: error))")
            }
        }
        XCTAssertNoThrow(try RunSettings(["epochs": "1"]).configuration().makeTrainer(blasThreads: 1, memory: budget))
    }

    /// "Billion laughs": nine lines whose aliases stand for a billion values, refused in
    /// milliseconds by counting, not by expanding.
    func testYAMLAliasBombsAreRefusedBeforeExpanding() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip("bcdefghi", "abcdefgh") {
            bomb += "\(name): &\(name) [\(Array(repeating: "*\(previous)", count: 10).joined(separator: ", "))]\n"
        }
        let start = Date()
        XCTAssertThrowsError(try SweepSpec.parse(yaml: "method: grid\nparameters:\n  lr: [0.1]\n" + bomb, source: "bomb.yaml")) { error in
            XCTAssertTrue("\(error)".contains("expands to more than 100000 values through its anchors and aliases"), "\(error)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bomb.utf8).write(to: file)
        XCTAssertThrowsError(try ConfigFile(path: file.path)) { error in
            XCTAssertTrue("\(error)".contains("expands to more than 100000 values"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "counted, not expanded")
        // Aliases of small anchors are fine.
        let spec = try SweepSpec.parse(yaml: "method: grid\nparameters:\n  lr: &rates [0.1, 0.01]\n  l2: *rates\n", source: "ok.yaml")
        XCTAssertEqual(spec.parameters.count, 2)
        // A parser error quotes a line of the file, cut short.
        let deep = "method: grid\nparameters:\n  lr: " + String(repeating: "[", count: 50_000) + "\n"
        XCTAssertThrowsError(try SweepSpec.parse(yaml: deep, source: "deep.yaml")) { error in
            XCTAssertLessThan("\(error)".count, 2_000, "\(String(describing: error).prefix(300))")
        }
    }
}
