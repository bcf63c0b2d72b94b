import Experiments
import Neural
import Tracking
import XCTest

final class SweepSpecTests: XCTestCase {
    func testGridIsTheCartesianProductWithTheLastAxisFastest() {
        let spec = SweepSpec(parameters: [("activation", .values(["relu", "tanh"])), ("lr", .values(["0.1", "0.03", "0.01"])),
                                          ("seed", .values(["1", "2"])), ("epochs", .value("5"))])
        let runs = spec.expand()
        XCTAssertEqual(runs.count, 12)
        XCTAssertEqual(runs[0].values, ["activation": "relu", "lr": "0.1", "seed": "1", "epochs": "5"])
        XCTAssertEqual(runs[1].values["seed"], "2")
        XCTAssertEqual(runs[2].values["lr"], "0.03")
        XCTAssertEqual(runs[11].values, ["activation": "tanh", "lr": "0.01", "seed": "2", "epochs": "5"])
        XCTAssertEqual(Set(runs.map(\.values)).count, 12)
        XCTAssertEqual(spec.axes, ["activation", "lr", "seed"])
    }

    func testRandomSearchIsSeededAndStaysInRange() throws {
        let yaml = """
            method: random
            count: 200
            seed: 5
            parameters:
              lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
              dropout: {distribution: uniform, min: 0.1, max: 0.5}
              batch_size: {distribution: int_uniform, min: 8, max: 64}
              activation: {distribution: categorical, values: [relu, gelu]}
              optimizer: {values: [sgd, adam]}
              epochs: {value: 10}
            """
        let spec = try SweepSpec.parse(yaml: yaml, source: "s.yaml")
        let a = spec.expand(), b = try SweepSpec.parse(yaml: yaml, source: "s.yaml").expand()
        XCTAssertEqual(a.count, 200)
        XCTAssertEqual(a, b, "same spec and seed, same configurations")
        var other = spec
        other.seed = 6
        XCTAssertNotEqual(a, other.expand())
        let lrs = a.map { Double($0.values["lr"]!)! }
        XCTAssertTrue(lrs.allSatisfy { $0 >= 0.0001 && $0 <= 0.1 })
        // Log-uniform: about a third of the draws in each decade.
        XCTAssertEqual(Double(lrs.filter { $0 < 0.001 }.count) / 200, 1.0 / 3, accuracy: 0.12)
        XCTAssertTrue(a.allSatisfy { (0.1...0.5).contains(Double($0.values["dropout"]!)!) })
        let sizes = a.map { Int($0.values["batch-size"]!)! }
        XCTAssertTrue(sizes.allSatisfy { (8...64).contains($0) })
        XCTAssertEqual(Set(a.map { $0.values["activation"]! }), ["relu", "gelu"])
        XCTAssertTrue(a.allSatisfy { $0.values["epochs"] == "10" })
    }

    func testWeightsAndBiasesGridSpec() throws {
        let spec = try SweepSpec.parse(yaml: """
            method: grid
            metric:
              name: test_accuracy
              goal: maximize
            parameters:
              activation:
                values: [relu, tanh]
              layers:
                values: [[8, 8], [16]]
              lr: 0.03
            """, source: "s.yaml")
        XCTAssertEqual(spec.metric, "test_accuracy")
        XCTAssertEqual(spec.goal, .maximize)
        XCTAssertEqual(spec.expand().map { $0.values["layers"]! }, ["8,8", "16", "8,8", "16"])
        XCTAssertEqual(spec.parameters["lr"], .value("0.03"))
    }

    func testMalformedSpecsNameTheLineAndKey() {
        let cases: [(String, String)] = [
            ("method: grid\nparamters:\n  lr: {values: [0.1]}\n", "s.yaml:2: unknown key 'paramters'"),
            ("method: random\ncount: 3\nparameters:\n  lr: {distribution: uniform, min: 0.5, max: 0.1}\n",
             "s.yaml:4: parameters.lr: min 0.5 is greater than max 0.1"),
            ("parameters:\n  lr: {values: []}\n", "s.yaml:2: parameters.lr.values is empty"),
            ("method: random\ncount: 2\nparameters:\n  lr: {distribution: normal, min: 0, max: 1}\n",
             "s.yaml:4: parameters.lr: unknown distribution 'normal'"),
            ("parameters:\n  lr: {distribution: uniform, min: 0, max: 1}\n", "parameters.lr: grid search needs 'values'"),
            ("method: random\nparameters:\n  lr: {values: [1]}\n", "random search needs 'count'"),
            ("parameters:\n  learning_rate: {values: [1]}\n", "s.yaml:2: unknown option 'parameters.learning_rate'"),
            ("method: bayes\nparameters:\n  lr: 1\n", "s.yaml:1: method 'bayes': expected grid or random"),
            ("parameters:\n  lr: {values: [1], step: 2}\n", "s.yaml:2: unknown key 'parameters.lr.step'"),
            ("metric: {name: f1}\nparameters:\n  lr: 1\n", "s.yaml:1: metric 'f1'"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try SweepSpec.parse(yaml: yaml, source: "s.yaml"), expected) { error in
                XCTAssertTrue("\(error)".contains(expected), "got: \(error)\nexpected: \(expected)")
            }
        }
    }

    func testPlanChecksEveryConfigurationBeforeAnythingRuns() throws {
        let spec = SweepSpec(parameters: [("lr", .values(["0.1", "fast"]))])
        XCTAssertThrowsError(try SweepPlan(name: nil, spec: spec, base: RunSettings())) { error in
            XCTAssertEqual("\(error)", "invalid --lr 'fast': expected a positive number")
        }
        let ok = try SweepPlan(name: nil, spec: SweepSpec(parameters: [("lr", .values(["0.1", "0.2"]))]), base: RunSettings(["epochs": "3"]))
        XCTAssertEqual(ok.configurations.map(\.training.epochs), [3, 3])
        XCTAssertTrue(ok.name.hasPrefix("sweep-"))
        XCTAssertEqual(ok.name, try SweepPlan(name: nil, spec: ok.spec, base: RunSettings(["epochs": "3"])).name, "stable default name")
    }

    /// Found by fuzzing (`swift run -c release fuzz spec`): extreme bounds and runaway sizes are
    /// refused with the file's name instead of crashing or exhausting memory.
    func testExtremeSpecsAreRefusedNotRun() {
        let cases: [(String, String)] = [
            ("method: random\ncount: 5\nparameters:\n  batch_size: {distribution: int_uniform, min: -9223372036854775808, max: 9223372036854775807}",
             "int_uniform needs whole numbers within ±2^53"),
            ("method: random\ncount: 5\nparameters:\n  lr: {distribution: uniform, min: .inf, max: 1}", "min and max must be finite numbers"),
            ("method: random\ncount: 1000000000\nparameters:\n  lr: {values: [0.1]}", "1000000000 configurations; at most 100000"),
            ("method: grid\nparameters:\n" + (0..<6).map { "  \(["lr", "seed", "l1", "l2", "epochs", "dropout"][$0]): {values: [\((1...10).map(String.init).joined(separator: ","))]}" }.joined(separator: "\n"),
             "1000000 configurations; at most 100000"),
        ]
        for (yaml, phrase) in cases {
            XCTAssertThrowsError(try SweepSpec.parse(yaml: yaml, source: "s.yaml"), phrase) { error in
                XCTAssertTrue("\(error)".hasPrefix("s.yaml"), "\(error)")
                XCTAssertTrue("\(error)".contains(phrase), "\(error)")
            }
        }
    }
}
