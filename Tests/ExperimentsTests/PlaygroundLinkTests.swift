import Datasets
import Experiments
import Neural
import Tracking
import XCTest

final class PlaygroundLinkTests: XCTestCase {
    /// A link as the Playground writes it, every key present.
    static let full = "https://playground.tensorflow.org/#activation=relu&batchSize=25&dataset=spiral&regDataset=reg-gauss"
        + "&learningRate=0.003&regularization=L2&regularizationRate=0.001&noise=35&networkShape=6%2C5,3&seed=0.68714"
        + "&showTestData=true&discretize=false&percTrainData=70&x=true&y=false&xTimesY=true&xSquared=true&ySquared=false"
        + "&cosX=true&sinX=false&cosY=false&sinY=true&collectStats=false&problem=classification&initZero=true&hideText=false"

    func testEveryKeyOfAFullLink() throws {
        let link = try PlaygroundLink(parsing: Self.full)
        XCTAssertEqual(link.settings, [
            "dataset": "spiral", "samples": "500", "activation": "relu", "lr": "0.003", "batch-size": "25", "noise": "35",
            "train-ratio": "70", "regularization": "l2", "regularization-rate": "0.001", "layers": "6,5,3",
            "features": "x,xy,x2,siny,cosx", "initializer": "zeros", "evaluate-train": "true", "loss": "playground",
            "seed": "1495403790672313091",  // FNV-1a of "0.68714", 63 bits, worked out in Python
        ])
        XCTAssertEqual(link.used, ["activation", "batchSize", "dataset", "learningRate", "regularization", "regularizationRate", "noise",
                                   "networkShape", "seed", "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX",
                                   "sinX", "cosY", "sinY", "problem", "initZero"])
        XCTAssertEqual(link.ignored, ["regDataset", "showTestData", "discretize", "collectStats", "hideText"])
        XCTAssertTrue(link.report.contains("ignored regDataset, showTestData"), link.report)
        XCTAssertTrue(link.notes[0].hasPrefix("seed=0.68714 → --seed "), "\(link.notes)")
    }

    func testMissingKeysTakeThePlaygroundDefaults() throws {
        for text in ["https://playground.tensorflow.org/", "https://playground.tensorflow.org/#", ""] {
            let link = try PlaygroundLink(parsing: text)
            XCTAssertEqual(link.settings, [
                "dataset": "circle", "samples": "500", "activation": "tanh", "lr": "0.03", "batch-size": "10", "noise": "0",
                "train-ratio": "50", "regularization": "none", "regularization-rate": "0", "layers": "4,2", "features": "x,y",
                "initializer": "uniform", "evaluate-train": "true", "loss": "playground",
            ], text)
            XCTAssertEqual(link.used, [])
        }
        let bare = try PlaygroundLink(parsing: "networkShape=&seed=42&activation=linear")
        XCTAssertEqual(bare.settings["layers"], "none", "no hidden layer")
        XCTAssertEqual(bare.settings["seed"], "42", "a whole-number seed is kept")
        XCTAssertEqual(bare.settings["activation"], "linear")
        XCTAssertEqual(bare.notes, [])
    }

    func testRegressionUsesRegDatasetAndIgnoresDataset() throws {
        let link = try PlaygroundLink(parsing: "#problem=regression&dataset=xor&regDataset=reg-gauss")
        XCTAssertEqual(link.settings["dataset"], "multigauss")
        XCTAssertEqual(link.settings["samples"], "1200")
        XCTAssertEqual(link.used, ["problem", "regDataset"])
        XCTAssertEqual(link.ignored, ["dataset"])
        XCTAssertEqual(try PlaygroundLink(parsing: "#problem=regression").settings["dataset"], "plane")
    }

    /// Each bad value is refused with the key it came under.
    func testMalformedValuesNameTheKey() {
        let long = String(repeating: "9", count: 100_000)
        let cases: [(String, String)] = [
            ("activation=relu7", "activation"), ("activation=%ZZ", "activation"), ("learningRate=0.05", "learningRate"),
            ("batchSize=31", "batchSize"), ("batchSize=abc", "batchSize"), ("batchSize=2.5", "batchSize"), ("noise=7", "noise"),
            ("noise=55", "noise"), ("percTrainData=95", "percTrainData"), ("regularization=L3", "regularization"),
            ("regularizationRate=0.002", "regularizationRate"), ("networkShape=4,9", "networkShape"),
            ("networkShape=1,1,1,1,1,1,1", "networkShape"), ("networkShape=4,,2", "networkShape"), ("x=maybe", "x"),
            ("x=false&y=false", "x"), ("dataset=moons", "dataset"), ("problem=ranking", "problem"), ("initZero=1", "initZero"),
            ("regDataset=reg-plane&problem=regression&regDataset=plane", "regDataset"), ("batchSize=\(long)", "batchSize"),
            ("activation=ᚱᛖᛚᚢ", "activation"), ("activation='; DROP TABLE runs; --", "activation"),
        ]
        for (state, key) in cases {
            XCTAssertThrowsError(try PlaygroundLink(parsing: "https://playground.tensorflow.org/#" + state), state) { error in
                guard case let .invalid(k, _, expected, _) = error as? SettingsError else { return XCTFail("\(state): \(error)") }
                XCTAssertEqual(k, key, state)
                XCTAssertFalse(expected.isEmpty)
                XCTAssertTrue("\(error)".hasPrefix("invalid \(key) '"), "\(error)")
                XCTAssertLessThan("\(error)".count, 400, "a 100 KB value is cut short in the message")
            }
        }
        XCTAssertThrowsError(try PlaygroundLink(parsing: "#activation=relu&oops")) { error in
            XCTAssertEqual("\(error)", "invalid playground 'oops' in the Playground link: expected key=value pairs joined by &, as in the Playground's address")
        }
    }

    func testALinkIsTheBaseOfARunConfigurationAndIsStored() throws {
        let link = "https://playground.tensorflow.org/#activation=relu&learningRate=0.01&networkShape=3&xTimesY=true"
        let config = try RunSettings(["playground": link, "lr": "0.1", "epochs": "7"]).configuration()
        XCTAssertEqual(config.training.learningRate, 0.1, "an explicit setting wins over the link")
        XCTAssertEqual(config.training.epochs, 7)
        XCTAssertEqual(config.training.hidden.map(\.units), [3])
        XCTAssertEqual(config.training.hidden.first?.activation, .relu)
        XCTAssertEqual(config.training.initializer, .uniform(0.5), "the Playground's uniform(−0.5, 0.5) weights")
        XCTAssertTrue(config.training.evaluateTrainingSet)
        XCTAssertEqual(config.training.playgroundLoss, true)
        XCTAssertEqual(config.data.dataset, "circle")
        XCTAssertEqual(config.data.crosses, [.x, .y, .xy])
        XCTAssertEqual(config.playground, link)
        XCTAssertEqual(config.params["playground"], .text(link))
        XCTAssertEqual(config.params["features"], .text("x,y,xy"))
        XCTAssertEqual(config.params["loss"], .text("playground"))
        let trainer = try config.makeTrainer()
        XCTAssertEqual(trainer.engine.head, .playgroundTanh)
        XCTAssertEqual(trainer.data.train.featureCount, 3)
        let decoded = try JSONDecoder().decode(RunConfiguration.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(decoded, config, "the configuration with its link reads back")
    }

    func testRegularizationOptionsSetTheirPenaltyOnce() throws {
        XCTAssertEqual(try RunSettings(["regularization": "l1", "regularization-rate": "0.3"]).configuration().training.l1, 0.3)
        XCTAssertEqual(try RunSettings(["regularization": "L2", "regularization-rate": "3"]).configuration().training.l2, 3)
        XCTAssertThrowsError(try RunSettings(["regularization": "l2", "l2": "0.1"]).configuration()) { error in
            XCTAssertTrue("\(error)".contains("invalid --regularization 'l2'"), "\(error)")
        }
        XCTAssertThrowsError(try RunSettings(["regularization": "dropout"]).configuration())
        XCTAssertThrowsError(try RunSettings(["features": "5"]).configuration()) { error in
            XCTAssertTrue("\(error)".contains("--dimensions"), "the old blobs meaning points to its new name: \(error)")
        }
    }
}
