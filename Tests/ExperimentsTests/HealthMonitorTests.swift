import Experiments
import Neural
import Tracking
import XCTest

/// The growth rule of `exploding`, epoch by epoch: a layer's gradient norm against its norm
/// `explodingWindow` epochs earlier — neither later nor earlier — however long the run.
final class HealthMonitorTests: XCTestCase {
    /// Only growth can fire: no size threshold within reach, no vanishing test.
    private func monitor(window: Int) -> HealthMonitor {
        HealthMonitor(thresholds: HealthThresholds(vanishingRatio: 0, vanishingFloor: 0, explodingNorm: 1e30, explodingGrowth: 100,
                                                   explodingWindow: window, deadFraction: 1, saturationFraction: 1, saturationGain: 0))
    }

    /// An epoch whose output layer's mean gradient norm is `norm` (the hidden layer's stays 1).
    private func report(_ epoch: Int, norm: Float) -> EpochReport {
        let layers = [(0, Float(1)), (1, norm)].map { index, n in
            LayerReport(index: index, units: 4, activation: index == 0 ? .tanh : .identity, weightGradientNorms: [n, n],
                        biasGradientNorms: [n], weightNorm: 1, biasNorm: 1, updateNorm: 0)
        }
        return EpochReport(epoch: epoch, trainLoss: 1, testLoss: 1, learningRate: 0.1, steps: 2, seconds: 0.01, gradientNorms: [norm],
                           layers: layers)
    }

    /// Epochs of a run, the `exploding` alerts each raised.
    private func explodingAlerts(window: Int, norms: [Float]) -> [(epoch: Int, layer: Int, value: Double?)] {
        var monitor = monitor(window: window)
        return norms.enumerated().flatMap { i, norm in
            monitor.check(report(i + 1, norm: norm)).filter { $0.kind == .exploding }.map { ($0.epoch, $0.layer, $0.value) }
        }
    }

    func testGrowthIsMeasuredAgainstTheNormExactlyAWindowEarlier() {
        // Epoch 6's 150 is 150× epoch 3's 1 (three epochs earlier), but only 1.25× epoch 5's 120;
        // epoch 7's is 75× epoch 4's 2.
        let alerts = explodingAlerts(window: 3, norms: [1, 1, 1, 2, 120, 150, 150, 150])
        XCTAssertEqual(alerts.map(\.epoch), [5, 6], "\(alerts)")
        XCTAssertEqual(alerts.map(\.layer), [1, 1])
        XCTAssertEqual(alerts.map(\.value), [120, 150], "the growth over the window, epoch 5 against epoch 2 and 6 against 3")
    }

    /// The monitor keeps only the window it looks back at; a long run's rule is the same at its
    /// ten-thousandth epoch as at its fourth.
    func testALongRunIsJudgedByTheSameWindow() {
        let flat = [Float](repeating: 1, count: 10_000)
        let alerts = explodingAlerts(window: 2, norms: flat + [1, 101, 101])
        XCTAssertEqual(alerts.map(\.epoch), [10_002, 10_003], "\(alerts)")
        XCTAssertEqual(explodingAlerts(window: 1, norms: flat + [200]).map(\.epoch), [10_001])
    }
}
