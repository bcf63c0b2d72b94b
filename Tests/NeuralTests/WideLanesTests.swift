import Foundation
import Neural
import WideLanes
import XCTest

/// The eight-lane build of the lane kernels gives the bits of the four-lane one: tanh and the
/// logistic function over every kind of input (`Activation.value` runs one value through the
/// four-lane formula). Skipped where the processor has no AVX2 (the eight-lane build is never
/// called there); `EngineEndToEndTests` trains whole networks both ways.
final class WideLanesTests: XCTestCase {
    func testEightLanesGiveTheBitsOfFour() throws {
        guard VectorLanes.width == 8 else { throw XCTSkip("no AVX2 here: the eight-lane kernels do not run") }
        var generator = SystemRandomNumberGenerator()
        var xs: [Float] = [0, -0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                           .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, -1e-8, 0.625, -0.624_999, 44, 88.3, 88.8, -87.4, 200]
        xs += stride(from: -30.0, through: 30.0, by: 0.013).map { Float($0) }
        xs += (0..<4_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) }
        for (activation, wide) in [(Activation.tanh, WideLanes.tanh), (.sigmoid, WideLanes.logistic)] {
            var out = [Float](repeating: 0, count: xs.count)
            let done = xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { wide(x.baseAddress!, $0.baseAddress!, xs.count) } }
            XCTAssertEqual(done, xs.count / 8 * 8, "\(activation): whole lanes only")
            let differ = (0..<done).filter { i in
                let four = activation.value(xs[i])
                return out[i].bitPattern != four.bitPattern && !(out[i].isNaN && four.isNaN)
            }
            XCTAssertEqual(differ.count, 0, differ.first.map { "\(activation)(\(xs[$0])): eight lanes \(out[$0]), four \(activation.value(xs[$0]))" } ?? "")
        }
    }
}
