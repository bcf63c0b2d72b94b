import Datasets
import Experiments
import Foundation
import Neural
import Tracking
import XCTest

final class RunOptionTests: XCTestCase {
    /// For every option, a value other than its default and the parameter that value must be
    /// stored as (`nil`: the option is folded into others). An option added to the table without
    /// an entry here fails `testEveryOptionCanBeSetAndIsStored`.
    private let changes: [String: (settings: [String: String], param: ParamValue?)] = [
        "playground": (["playground": "https://playground.tensorflow.org/#activation=relu"], .text("https://playground.tensorflow.org/#activation=relu")),
        "dataset": (["dataset": "circle"], .text("circle")),
        "samples": (["samples": "300"], .integer(300)),
        "noise": (["noise": "15"], .number(15)),
        "train-ratio": (["train-ratio": "70"], .number(70)),
        "validation-ratio": (["validation-ratio": "20"], .number(20)),
        "label": (["dataset": "data.csv", "label": "y"], .text("y")),
        "label-kind": (["dataset": "data.csv", "label-kind": "regression"], .text("regression")),
        "standardize": (["standardize": "true"], .bool(true)),
        "stratify": (["stratify": "true"], .bool(true)),
        "classes": (["dataset": "blobs", "classes": "5"], .integer(5)),
        "dimensions": (["dataset": "blobs", "dimensions": "7"], .integer(7)),
        "features": (["features": "x,y,xy"], .text("x,y,xy")),
        "columns": (["dataset": "data.csv", "columns": "b, a"], .text("b,a")),
        "drop": (["dataset": "data.csv", "drop": "id,name"], .text("id,name")),
        "missing": (["dataset": "data.csv", "missing": "mean"], .text("mean")),
        "layers": (["layers": "16,4"], .text("16,4")),
        "activation": (["activation": "relu"], .text("relu")),
        "batch-norm": (["batch-norm": "true"], .bool(true)),
        "dropout": (["dropout": "0.2"], .number(0.2)),
        "initializer": (["initializer": "he"], .text("he")),
        "optimizer": (["optimizer": "adam"], .text("adam")),
        "lr": (["lr": "0.1"], .number(0.1)),
        "lr-schedule": (["lr-schedule": "step(5, 0.5)"], .text("step(5, 0.5)")),
        "warmup": (["warmup": "3"], .integer(3)),
        "engine": (["engine": "blas"], .text("blas")),
        "early-stop": (["validation-ratio": "20", "early-stop": "val_loss"], .text("val_loss")),
        "patience": (["validation-ratio": "20", "early-stop": "val_accuracy", "patience": "4"], .integer(4)),
        "min-delta": (["early-stop": "train_loss", "min-delta": "0.001"], .number(0.001)),
        "batch-size": (["batch-size": "32"], .integer(32)),
        "epochs": (["epochs": "7"], .integer(7)),
        "l1": (["l1": "0.001"], .number(0.001)),
        "l2": (["l2": "0.01"], .number(0.01)),
        "regularization": (["regularization": "l2", "regularization-rate": "0.3"], nil),
        "regularization-rate": (["regularization": "l1", "regularization-rate": "0.1"], nil),
        "clip-norm": (["clip-norm": "1.5"], .number(1.5)),
        "seed": (["seed": "42"], .integer(42)),
        "evaluate-train": (["evaluate-train": "true"], .bool(true)),
        "loss": (["loss": "playground"], .text("playground")),
        "snapshot-every": (["snapshot-every": "10"], .integer(10)),
        "snapshots": (["snapshots": "none"], .text("none")),
        "vanishing-ratio": (["vanishing-ratio": "0.01"], .number(0.01)),
        "vanishing-floor": (["vanishing-floor": "1e-9"], .number(1e-9)),
        "exploding-norm": (["exploding-norm": "50"], .number(50)),
        "exploding-growth": (["exploding-growth": "10"], .number(10)),
        "exploding-window": (["exploding-window": "5"], .integer(5)),
        "dead-fraction": (["dead-fraction": "0.25"], .number(0.25)),
        "saturation-fraction": (["saturation-fraction": "0.9"], .number(0.9)),
        "saturation-gain": (["saturation-gain": "0.05"], .number(0.05)),
        "stop-on-exploding": (["stop-on-exploding": "true"], .bool(true)),
    ]

    func testKeysAndParametersAreUnique() {
        XCTAssertEqual(Set(RunOption.keys).count, RunOption.all.count)
        let params = RunOption.all.compactMap(\.param)
        XCTAssertEqual(Set(params).count, params.count)
        XCTAssertTrue(Set(params).isDisjoint(with: RunOption.derivedParams))
        for option in RunOption.all {
            XCTAssertFalse(option.help.isEmpty, option.key)
            XCTAssertEqual(RunOption.named(option.key.replacingOccurrences(of: "-", with: "_"))?.key, option.key, "snake case reads too")
        }
    }

    /// Each option set to another value changes the configuration and is stored as that value;
    /// every other stored parameter keeps its default.
    func testEveryOptionCanBeSetAndIsStored() throws {
        XCTAssertEqual(Set(changes.keys), Set(RunOption.keys), "every option needs a changed value in this test")
        let defaults = RunConfiguration.defaults
        for option in RunOption.all {
            let (settings, param) = try XCTUnwrap(changes[option.key])
            let config = try RunSettings(settings).configuration()
            XCTAssertNotEqual(config, defaults, "\(option.key) changes the configuration")
            if let name = option.param {
                XCTAssertEqual(config.params[name], param, option.key)
            } else {
                XCTAssertNil(param, "\(option.key) is folded into other parameters")
            }
        }
    }

    /// Every parameter stored with a run is some option's, or derived from them; and every
    /// option with a parameter is stored for the data it applies to.
    func testEveryStoredParameterHasItsOption() throws {
        let known = Set(RunOption.all.compactMap(\.param) + RunOption.derivedParams)
        for settings in [[:], ["dataset": "blobs"], ["dataset": "data.csv", "features": "x,y,xy"], changes["playground"]!.settings] {
            let params = try RunSettings(settings).configuration().params
            XCTAssertEqual(Set(params.keys).subtracting(known), [], "\(settings)")
        }
        let stored = Set(try RunSettings(["validation-ratio": "20", "early-stop": "val_loss"]).configuration().params.keys)
            .union(try RunSettings(["dataset": "blobs"]).configuration().params.keys)
            .union(try RunSettings(["dataset": "data.csv", "features": "x,y,xy"]).configuration().params.keys)
            .union(try RunSettings(["dataset": "data.csv", "columns": "a,b", "drop": "id"]).configuration().params.keys)
            .union(try RunSettings(changes["playground"]!.settings).configuration().params.keys)
        XCTAssertEqual(known.subtracting(stored), [], "a parameter no configuration stores")
    }

    /// The defaults of the table, as one configuration: a change to any default shows here.
    func testDefaultsMakeTheMainRun() throws {
        let d = RunConfiguration.defaults
        XCTAssertEqual(d.data.dataset, "spiral")
        XCTAssertEqual(d.training.hidden, [LayerSpec(units: 8, activation: .tanh), LayerSpec(units: 8, activation: .tanh)])
        XCTAssertEqual(d.training.learningRate, 0.03)
        XCTAssertEqual(d.training.batchSize, 10)
        XCTAssertEqual(d.training.epochs, 100)
        XCTAssertEqual(d.tracking.thresholds.explodingWindow, 3)
        for option in RunOption.all {
            if let value = option.defaultValue {
                XCTAssertEqual(try RunSettings([option.key: value]).configuration(), d, "\(option.key)'s default is what applies when it is not given")
                XCTAssertNotNil(option.defaultHelp)
            }
        }
    }

    func testBadValuesNameTheOptionAndWhatItTakes() {
        for (key, value) in [("lr", "-1"), ("exploding-window", "0"), ("dropout", "1"), ("seed", "-3"), ("snapshots", "some"),
                             ("activation", "relu7"), ("layers", "8,,x"), ("dead-fraction", "2"), ("features", "x,z"),
                             ("missing", "zero"), ("columns", "a,,b")] {
            XCTAssertThrowsError(try RunSettings([key: value]).configuration(), key) { error in
                guard case let .invalid(k, _, expected, _) = error as? SettingsError else { return XCTFail("\(key): \(error)") }
                XCTAssertEqual(k, key)
                XCTAssertFalse(expected.isEmpty)
            }
        }
        XCTAssertThrowsError(try RunSettings(["learning-rate": "0.1"]).configuration()) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'learning-rate'"), "\(error)")
        }
    }

    /// A Playground link sets only options, through the keys those options declare.
    func testALinkSetsOptionsThroughTheirDeclaredKeys() throws {
        let link = try PlaygroundLink(parsing: "https://playground.tensorflow.org/#activation=relu&learningRate=0.1&networkShape=3&seed=5&x=true&y=false&xTimesY=true")
        XCTAssertEqual(Set(link.settings.keys).subtracting(RunOption.keys), [])
        XCTAssertEqual(Set(link.used).subtracting(RunOption.playgroundKeys), [])
        XCTAssertEqual(link.settings["features"], "x,xy")
    }

    /// Lists become sweep axes as each option says: `,` for most, `/` for layers and features,
    /// never for a Playground link.
    func testFlagListsBecomeAxesAsTheirOptionsSay() throws {
        let spec = try SweepSpec(flags: RunSettings(["activation": "relu,tanh", "layers": "8,8/16", "features": "x,y", "lr": "0.1"]))
        XCTAssertEqual(spec.parameters["activation"], .values(["relu", "tanh"]))
        XCTAssertEqual(spec.parameters["layers"], .values(["8,8", "16"]))
        XCTAssertEqual(spec.parameters["features"], .value("x,y"))
        XCTAssertEqual(spec.parameters["lr"], .value("0.1"))
        let main = try SweepSpec(flags: RunSettings(["epochs": "5"]))
        XCTAssertEqual(main.axes, SweepSpec.defaultGrid.map(\.key) + ["seed"], "no axis: the main job's grid, over three seeds")
        XCTAssertEqual(main.parameters["seed"], .values(["1", "2", "3"]))
        XCTAssertEqual(main.parameters["validation-ratio"], .value("20"), "the main job selects on a validation split")
        XCTAssertEqual(main.parameters["epochs"], .value("5"), "a flag wins over the main job's defaults")
        let link = try SweepSpec(flags: RunSettings(["playground": "https://playground.tensorflow.org/#activation=relu"]), seeds: 2)
        XCTAssertNil(link.parameters["validation-ratio"], "a Playground link keeps the Playground's split")
        XCTAssertEqual(link.parameters["seed"], .values(["1", "2"]))
        XCTAssertEqual(try SweepSpec(flags: RunSettings(["lr": "0.1"])).axes, ["activation", "seed"], "a rate given alone stays fixed")
        XCTAssertNil(try SweepSpec(flags: RunSettings(["lr": "0.1,0.3"])).parameters["validation-ratio"], "only the main job adds a split")
        XCTAssertNil(try SweepSpec(flags: RunSettings(["lr": "0.1,0.3"])).parameters["seed"], "and seeds")
        XCTAssertTrue(RunOption.all.filter { !$0.isSweepable }.map(\.key).contains("playground"))
        XCTAssertThrowsError(try SweepSpec.parse(yaml: "parameters: {playground: {values: [a, b]}}", source: "s.yaml"))
    }
}
