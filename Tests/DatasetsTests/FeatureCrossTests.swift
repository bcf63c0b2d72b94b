import Datasets
import XCTest

final class FeatureCrossTests: XCTestCase {
    func testCrossesAreComputedExactlyFromXAndY() throws {
        let data = Dataset(features: [0.5, -2, 3, 0.25], featureCount: 2, classIndices: [0, 1], classCount: 2)
        let crossed = try data.crossed(FeatureCross.allCases)
        XCTAssertEqual(crossed.featureCount, 9)
        XCTAssertEqual(crossed.featureNames, ["x", "y", "xy", "x2", "y2", "sinx", "siny", "cosx", "cosy"])
        let (x, y) = (0.5, -2.0)
        let expected: [Double] = [x, y, x * y, x * x, y * y, sin(x), sin(y), cos(x), cos(y)]
        XCTAssertEqual(Array(crossed.features[0..<9]), expected.map(Float.init))
        XCTAssertEqual(crossed.features[2], -1, "x·y worked by hand")
        XCTAssertEqual(crossed.features[5], 0.479_425_538_6, accuracy: 1e-7, "sin 0.5")
        XCTAssertEqual(crossed.features[17], Float(cos(0.25)), "cos y of the second point")
        XCTAssertEqual(crossed.targets, data.targets, "labels untouched")
        XCTAssertEqual(try data.crossed([.xy]).features, [-1, 0.75], "only the crosses asked for, in that order")
    }

    func testListParsingAndErrors() throws {
        XCTAssertEqual(try FeatureCross.list("x,y,XY, x2 ,sinx"), [.x, .y, .xy, .x2, .sinx])
        XCTAssertThrowsError(try FeatureCross.list("x,z")) { XCTAssertTrue("\($0)".contains("invalid features 'z'"), "\($0)") }
        XCTAssertThrowsError(try FeatureCross.list("x,,y")) { XCTAssertTrue("\($0)".contains("invalid features ''"), "\($0)") }
        XCTAssertThrowsError(try FeatureCross.list("x,x")) { XCTAssertTrue("\($0)".contains("'x' is repeated"), "\($0)") }
        let wide = Dataset(features: [1, 2, 3], featureCount: 3, classIndices: [1], classCount: 2)
        XCTAssertThrowsError(try wide.crossed([.x, .xy])) { XCTAssertTrue("\($0)".contains("exactly 2 input columns, and this has 3"), "\($0)") }
    }
}
