import Foundation
import Reporting
import Tracking
import XCTest

/// A pivot's winner — the starred cell, the heat map's outlined cell, a cell's best run — is
/// chosen on validation data where the runs have it, never on the test values it shows.
final class PivotWinnerTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-pivot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func path() -> String { folder.appendingPathComponent("p.sqlite").path }

    /// Two cells: relu's runs have the lower test loss at their selected epochs, tanh's the lower
    /// validation loss. Selected on test, relu would win; the winner is tanh.
    func testTheWinnerIsChosenOnValidationData() throws {
        let store = try RunStore(path: path())
        // (activation, seed, [(val_loss, test_loss)] per epoch)
        let runs: [(String, Int64, [(Double, Double)])] = [
            ("relu", 1, [(0.6, 0.5), (0.5, 0.2)]), ("relu", 2, [(0.55, 0.3), (0.52, 0.22)]),
            ("tanh", 1, [(0.45, 0.4), (0.4, 0.3)]), ("tanh", 2, [(0.42, 0.35), (0.41, 0.28)]),
        ]
        var ids: [String: [Int64]] = [:]
        for (activation, seed, epochs) in runs {
            let id = try store.startRun(NewRun(name: "\(activation)-\(seed)", seed: seed, epochsPlanned: 2, configJSON: "{}",
                                               params: ["activation": .text(activation), "seed": .integer(seed)], gradbookVersion: "test"))
            for (i, e) in epochs.enumerated() {
                try store.recordEpoch(run: id, EpochRecord(epoch: i + 1, trainLoss: 1, testLoss: e.1, learningRate: 0.1, seconds: 0.1,
                                                           extra: ["val_loss": e.0]))
            }
            try store.finishRun(run: id, status: .finished)
            ids[activation, default: []].append(id)
        }
        let pivot = try Pivot(store: store, runs: Array(ids.values.joined()), rows: Term(name: "activation"), cols: nil,
                              value: Term(name: "test_loss", function: "selected"))
        let relu = try XCTUnwrap(pivot[.text("relu"), .text("selected(test_loss)")])
        let tanh = try XCTUnwrap(pivot[.text("tanh"), .text("selected(test_loss)")])
        XCTAssertEqual(relu.mean, 0.21, accuracy: 1e-12, "test loss at the best validation epoch")
        XCTAssertEqual(tanh.mean, 0.29, accuracy: 1e-12)
        XCTAssertEqual(relu.selecting, [0.5, 0.52])
        XCTAssertEqual(try XCTUnwrap(pivot.bestMean), tanh.mean, accuracy: 1e-12, "tanh validates better")
        XCTAssertEqual(tanh.best(.minimize), ids["tanh"]![0], "the cell's best run by validation loss (0.4 < 0.41), not test (0.3 > 0.28)")
        let text = PivotTable(pivot).text
        XCTAssertTrue(text.contains("* best (chosen by mean val_loss)"), text)
        let tanhLine = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("tanh") })
        XCTAssertTrue(tanhLine.hasSuffix("*"), text)
        // On a plain aggregate, the values themselves choose.
        let final = try Pivot(store: store, runs: Array(ids.values.joined()), rows: Term(name: "activation"), cols: nil,
                              value: Term(name: "test_loss", function: "final"))
        XCTAssertEqual(try XCTUnwrap(final.bestMean), 0.21, accuracy: 1e-12)
    }
}
