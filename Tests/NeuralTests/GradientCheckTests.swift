import Datasets
import Foundation
import Neural
import XCTest

final class GradientCheckTests: XCTestCase {
    func testEveryActivationWithEveryHead() {
        for engine in EngineKind.allCases {
            for head in Head.allCases {
                let outputs = head == .binaryCrossEntropy || head == .playgroundTanh ? 1 : 3
                let data = randomData(samples: 6, features: 3, outputs: outputs, head: head, seed: 11)
                for activation in ActivationTests.all {
                    let net = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 4, activation: activation),
                                                                      LayerSpec(units: 3, activation: activation)],
                                          outputs: outputs, head: head)
                    assertGradientsMatchFiniteDifferences(net, data, "\(engine): \(activation) with \(head)")
                }
            }
        }
    }

    func testDifferentActivationPerLayer() {
        for engine in EngineKind.allCases {
            let data = randomData(samples: 5, features: 2, outputs: 3, head: .softmaxCrossEntropy, seed: 5)
            let net = makeNetwork(engine, inputs: 2, hidden: [LayerSpec(units: 5, activation: .gelu),
                                                      LayerSpec(units: 4, activation: .sigmoid),
                                                      LayerSpec(units: 3, activation: .elu(alpha: 0.7))],
                                  outputs: 3, head: .softmaxCrossEntropy)
            assertGradientsMatchFiniteDifferences(net, data, "\(engine): gelu → sigmoid → elu")
        }
    }

    func testBatchNorm() {
        for engine in EngineKind.allCases {
            for activation in [Activation.tanh, .relu, .sigmoid] {
                let data = randomData(samples: 7, features: 3, outputs: 3, head: .softmaxCrossEntropy, seed: 21)
                let net = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 4, activation: activation, batchNorm: true),
                                                          LayerSpec(units: 3, activation: activation, batchNorm: true)],
                                      outputs: 3, head: .softmaxCrossEntropy)
                assertGradientsMatchFiniteDifferences(net, data, "\(engine): batch norm with \(activation)")
            }
        }
    }

    func testL1AndL2Penalties() {
        for engine in EngineKind.allCases {
            let data = randomData(samples: 6, features: 3, outputs: 1, head: .meanSquaredError, seed: 8)
            for (l1, l2): (Float, Float) in [(0.1, 0), (0, 0.5), (0.05, 0.2)] {
                let net = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 4, activation: .tanh)], outputs: 1, head: .meanSquaredError)
                assertGradientsMatchFiniteDifferences(net, data, l1: l1, l2: l2, "\(engine): l1 \(l1) l2 \(l2)")
            }
        }
    }

    func testDropoutWithAFixedMask() {
        for engine in EngineKind.allCases {
            let data = randomData(samples: 6, features: 3, outputs: 2, head: .multiLabel, seed: 4)
            let net = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 6, activation: .swish, dropout: 0.3),
                                                      LayerSpec(units: 4, activation: .softsign, dropout: 0.5)],
                                  outputs: 2, head: .multiLabel)
            assertGradientsMatchFiniteDifferences(net, data, "\(engine): dropout")
        }
    }

    /// Layers of 32 units and more are split between two threads (each worker a multiple of 16
    /// units), the input gradient of the layer below too, on BLAS and in the fused loops; batch
    /// norm, dropout and the activation statistics run on the first worker between the split products.
    func testLayersSplitBetweenTwoThreads() throws {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { throw XCTSkip("one processor: a network makes no team") }
        for engine in [EngineKind.blas, .auto, .fused] {
            let data = randomData(samples: 7, features: 3, outputs: 3, head: .softmaxCrossEntropy, seed: 23)
            let plain = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 34, activation: .tanh), LayerSpec(units: 33, activation: .gelu)],
                                    outputs: 3, head: .softmaxCrossEntropy, initializer: .normal(std: 0.3), threads: 2)
            XCTAssertEqual(plain.workers?.size, 2)
            assertGradientsMatchFiniteDifferences(plain, data, l1: 0.01, l2: 0.1, "\(engine) on two threads")
            let normed = makeNetwork(engine, inputs: 3, hidden: [LayerSpec(units: 32, activation: .sigmoid, batchNorm: true),
                                                                 LayerSpec(units: 40, activation: .swish, dropout: 0.3)],
                                     outputs: 3, head: .softmaxCrossEntropy, initializer: .normal(std: 0.3), threads: 2)
            normed.collectStatistics(true)
            assertGradientsMatchFiniteDifferences(normed, data, "\(engine) on two threads: batch norm, dropout, statistics")
        }
    }

    func testTheCheckDetectsAMissingTerm() {
        // A finite difference must be able to tell a wrong gradient: leaving the L2 penalty out
        // of the analytic gradient shows up as a difference of λ·w, far above the tolerance.
        let data = randomData(samples: 4, features: 2, outputs: 1, head: .meanSquaredError, seed: 1)
        let net = makeNetwork(inputs: 2, hidden: [LayerSpec(units: 3, activation: .tanh)], outputs: 1, head: .meanSquaredError)
        let indices = Array(0..<data.count)[...]
        var rng = SeededGenerator(seed: 1)
        _ = net.computeGradients(data, rows: indices, dropout: &rng)
        let w = net.parameters[0]
        let withoutPenalty = Double(w.gradient[0])
        let original = w.value, h: Float = 1e-3, l2: Float = 5
        func objective() -> Double {
            var r = SeededGenerator(seed: 1)
            return net.computeGradients(data, rows: indices, dropout: &r).loss / Double(data.count) + net.penalty(l1: 0, l2: l2)
        }
        var v = original
        v[0] += h; w.set(v); let plus = objective()
        v[0] = original[0] - h; w.set(v); let minus = objective()
        w.set(original)
        let numeric = (plus - minus) / Double(2 * h)
        XCTAssertEqual(numeric - withoutPenalty, Double(l2 * original[0]), accuracy: 1e-2)
        XCTAssertGreaterThan(abs(numeric - withoutPenalty), 2e-3 + 2e-2 * abs(numeric))
    }
}
