import Datasets
import Neural
import XCTest

final class ActivationTests: XCTestCase {
    static let all: [Activation] = [.identity, .sigmoid, .tanh, .relu, .leakyRelu(alpha: 0.01), .leakyRelu(alpha: 0.2),
                                    .elu(alpha: 1), .elu(alpha: 0.5), .gelu, .softsign, .softplus, .swish, .selu, .mish]

    func testDerivativesMatchCentralDifferences() {
        // Points away from 0, where ReLU-family kinks make the difference quotient meaningless.
        let points: [Float] = [-4, -2.5, -1.2, -0.4, 0.3, 0.9, 1.7, 3.5]
        let h: Float = 1e-2
        for a in Self.all {
            for x in points {
                let numeric = (Double(a.value(x + h)) - Double(a.value(x - h))) / Double(2 * h)
                let analytic = Double(a.derivative(x))
                XCTAssertEqual(analytic, numeric, accuracy: 2e-3 + 2e-3 * abs(numeric), "\(a) at \(x)")
            }
        }
    }

    func testKnownValues() {
        XCTAssertEqual(Activation.sigmoid.value(0), 0.5)
        XCTAssertEqual(Activation.sigmoid.value(2), 0.880797, accuracy: 1e-6)
        XCTAssertEqual(Activation.tanh.value(1), 0.761594, accuracy: 1e-6)
        XCTAssertEqual(Activation.relu.value(-3), 0)
        XCTAssertEqual(Activation.relu.value(2.5), 2.5)
        XCTAssertEqual(Activation.leakyRelu(alpha: 0.01).value(-2), -0.02, accuracy: 1e-7)
        XCTAssertEqual(Activation.elu(alpha: 1).value(-1), exp(-1) - 1, accuracy: 1e-6)
        // Exact GELU, values from 0.5·x·(1 + erf(x/√2)).
        XCTAssertEqual(Activation.gelu.value(1), 0.841_344_75, accuracy: 1e-6)
        XCTAssertEqual(Activation.gelu.value(-0.5), -0.154_268_77, accuracy: 1e-6)
        XCTAssertEqual(Activation.softsign.value(3), 0.75)
        XCTAssertEqual(Activation.softplus.value(0), log(2), accuracy: 1e-6)
        XCTAssertEqual(Activation.swish.value(1), 0.731_058_6, accuracy: 1e-6)
        // SELU with PyTorch's constants: λ = 1.0507009873554805, λ·α·(e⁻¹ − 1) = −1.1113307378.
        XCTAssertEqual(Activation.selu.value(1), 1.050_701, accuracy: 1e-6)
        XCTAssertEqual(Activation.selu.value(-1), -1.111_330_7, accuracy: 1e-6)
        XCTAssertEqual(Activation.selu.derivative(-1), 0.646_768_6, accuracy: 1e-6)  // λ·α·e⁻¹
        // Mish: tanh(ln(1 + e)) = 0.8650983883; −tanh(ln(1 + e⁻¹)) = −0.3034014613.
        XCTAssertEqual(Activation.mish.value(1), 0.865_098_4, accuracy: 1e-6)
        XCTAssertEqual(Activation.mish.value(-1), -0.303_401_46, accuracy: 1e-6)
        XCTAssertEqual(Activation.mish.derivative(0), 0.6, accuracy: 1e-6)  // tanh(ln 2) = (2 − ½)/(2 + ½)
        XCTAssertEqual(Activation.relu.derivative(-1), 0)
        XCTAssertEqual(Activation.leakyRelu(alpha: 0.2).derivative(-1), 0.2, accuracy: 1e-7)
    }

    /// tanh and sigmoid run four lanes at a time on their own polynomials: within a few units in
    /// the last place of the exact values (computed in `Double`) over the whole range (tanh within
    /// 2.5, as `laneTanh` says), in a batch as for one value.
    func testLaneTanhAndSigmoidMatchTheExactFunctions() {
        let xs = stride(from: -30.0, through: 30.0, by: 0.000_61).map { Float($0) } + [0, -0, 1e-30, -1e-30, 1e-8, 0.625, -0.625, 0.624_999]
        for (activation, bound, exact) in [(Activation.tanh, 2.5, { (x: Double) in Foundation.tanh(x) }),
                                           (.sigmoid, 4, { (x: Double) in 1 / (1 + Foundation.exp(-x)) })] {
            var worst = 0.0, at: Float = 0
            for x in xs {
                let v = Double(activation.value(x)), e = exact(Double(x))
                let ulps = abs(v - e) / Double(Float(e).ulp == 0 ? Float.leastNonzeroMagnitude : Float(abs(e)).ulp)
                if ulps > worst { (worst, at) = (ulps, x) }
            }
            XCTAssertLessThanOrEqual(worst, bound, "\(activation): \(worst) ulps at \(at)")
            // In a batch (the four-lane loop and its tail) the same values as one at a time.
            var batch = [Float](repeating: 0, count: 7)
            let inputs: [Float] = [-3, -0.5, 0, 0.3, 0.7, 2, 9]
            for (i, x) in inputs.enumerated() { batch[i] = activation.value(x) }
            XCTAssertEqual(inputs.map { activation.value($0) }, batch)
        }
        // Far out (where e²ˣ would leave Float's range) tanh is ±1 exactly.
        for x: Float in [44, 45, 88.5, 200, 1e10, .greatestFiniteMagnitude, .infinity] {
            XCTAssertEqual(Activation.tanh.value(x), 1, "tanh(\(x))")
            XCTAssertEqual(Activation.tanh.value(-x), -1, "tanh(\(-x))")
        }
        XCTAssertEqual(Activation.tanh.value(-0.0).sign, .minus, "tanh keeps the sign of zero")
        XCTAssertTrue(Activation.tanh.value(.nan).isNaN, "NaN goes through, so divergence is seen")
        XCTAssertTrue(Activation.sigmoid.value(.nan).isNaN)
    }

    func testExtremeInputsStayFinite() {
        for a in Self.all {
            for x: Float in [-500, -90, 90, 500] {
                XCTAssertTrue(a.value(x).isFinite, "\(a)(\(x))")
                XCTAssertTrue(a.derivative(x).isFinite, "\(a)'(\(x))")
            }
        }
        XCTAssertEqual(Activation.softplus.value(200), 200, accuracy: 1e-3)
        XCTAssertEqual(Activation.sigmoid.value(-200), 0)
    }

    func testNamesRoundTrip() throws {
        for a in Self.all {
            XCTAssertEqual(Activation(parsing: a.description), a, a.description)
            let json = try JSONEncoder().encode([a])
            XCTAssertEqual(try JSONDecoder().decode([Activation].self, from: json), [a])
        }
        XCTAssertEqual(Activation(parsing: "linear"), .identity)
        XCTAssertEqual(Activation(parsing: "SiLU"), .swish)
        XCTAssertEqual(Activation(parsing: "leaky_relu(0.2)"), .leakyRelu(alpha: 0.2))
        XCTAssertEqual(Activation(parsing: "leaky-relu(0.2)"), .leakyRelu(alpha: 0.2))
        XCTAssertNil(Activation(parsing: "relu6"))
        XCTAssertNil(Activation(parsing: "elu(x)"))
        XCTAssertNil(Activation(parsing: "tanh(1)"))
    }
}
