import Datasets
import XCTest

final class BuiltinDatasetTests: XCTestCase {
    private func points(_ d: Dataset) -> [(x: Float, y: Float, label: Float)] {
        (0..<d.count).map { (d.features[2 * $0], d.features[2 * $0 + 1], d.targets[$0]) }
    }

    func testEverySetHasTheRequestedSizeAndIsDeterministic() throws {
        for set in BuiltinDataset.allCases {
            let a = try set.generate(samples: 300, noise: 20, seed: 5)
            XCTAssertEqual(a.count, 300, "\(set)")
            XCTAssertEqual(a, try set.generate(samples: 300, noise: 20, seed: 5), "\(set) same seed")
            XCTAssertNotEqual(a, try set.generate(samples: 300, noise: 20, seed: 6), "\(set) other seed")
            XCTAssertEqual(a.task.isClassification, !set.isRegression)
        }
    }

    func testCircleWithoutNoise() throws {
        let d = try BuiltinDataset.circle.generate(samples: 400, seed: 1)
        for p in points(d) {
            let r = (p.x * p.x + p.y * p.y).squareRoot()
            if p.label == 1 { XCTAssertLessThanOrEqual(r, 2.5 + 1e-5) } else { XCTAssertGreaterThanOrEqual(r, 3.5 - 1e-5); XCTAssertLessThanOrEqual(r, 5 + 1e-5) }
        }
        XCTAssertEqual(d.targets.filter { $0 == 1 }.count, 200)
    }

    func testXorLabelsFollowTheQuadrantsAndKeepThePadding() throws {
        for p in points(try BuiltinDataset.xor.generate(samples: 400, seed: 2)) {
            XCTAssertEqual(p.label, p.x * p.y >= 0 ? 1 : 0)
            XCTAssertGreaterThanOrEqual(abs(p.x), 0.3)
            XCTAssertGreaterThanOrEqual(abs(p.y), 0.3)
        }
    }

    func testGaussClustersSitAtPlusAndMinusTwo() throws {
        let ps = points(try BuiltinDataset.gauss.generate(samples: 2000, seed: 3))
        let positives = ps.filter { $0.label == 1 }, negatives = ps.filter { $0.label == 0 }
        XCTAssertEqual(positives.count, 1000)
        XCTAssertEqual(Double(positives.map(\.x).reduce(0, +)) / 1000, 2, accuracy: 0.1)
        XCTAssertEqual(Double(negatives.map(\.y).reduce(0, +)) / 1000, -2, accuracy: 0.1)
        // Noise 0 gives the Playground's variance 0.5.
        let variance = positives.map { Double(($0.x - 2) * ($0.x - 2)) }.reduce(0, +) / 1000
        XCTAssertEqual(variance, 0.5, accuracy: 0.07)
    }

    func testSpiralArmsAreTwoAndAHalfTurnsApart() throws {
        let d = try BuiltinDataset.spiral.generate(samples: 500, seed: 1)
        let ps = points(d)
        // The first point of each arm is the centre; the radius grows to 5.
        XCTAssertEqual(ps[0].x, 0); XCTAssertEqual(ps[0].y, 0)
        for p in ps { XCTAssertLessThanOrEqual((p.x * p.x + p.y * p.y).squareRoot(), 5) }
        // Point i of the negative arm is point i of the positive arm rotated by π.
        XCTAssertEqual(ps[10].x, -ps[260].x, accuracy: 1e-5)
        XCTAssertEqual(ps[10].y, -ps[260].y, accuracy: 1e-5)
        XCTAssertEqual(ps[10].label, 1); XCTAssertEqual(ps[260].label, 0)
    }

    func testPlaneAndMultigaussLabels() throws {
        for p in points(try BuiltinDataset.plane.generate(samples: 200, seed: 1)) {
            XCTAssertEqual(p.label, (p.x + p.y) / 10, accuracy: 1e-5)
        }
        let mg = points(try BuiltinDataset.multigauss.generate(samples: 500, seed: 1))
        XCTAssertTrue(mg.allSatisfy { abs($0.label) <= 1 })
        // At a bump's centre the label is its sign: (−4, 2.5) is +1, (0, 2.5) is −1.
        XCTAssertTrue(mg.contains { $0.label > 0.5 } && mg.contains { $0.label < -0.5 })
    }

    func testMoonsAndBlobs() throws {
        let moons = try BuiltinDataset.moons.generate(samples: 100, seed: 1)
        let outer = points(moons).prefix(50)
        for p in outer { XCTAssertEqual(p.x * p.x + p.y * p.y, 1, accuracy: 1e-5); XCTAssertEqual(p.label, 0) }
        let blobs = try BuiltinDataset.blobs.generate(samples: 90, seed: 1, classes: 3, features: 5)
        XCTAssertEqual(blobs.featureCount, 5)
        XCTAssertEqual(blobs.task, .multiclass(classes: 3))
        XCTAssertEqual(blobs.classIndices.filter { $0 == 2 }.count, 30)
    }

    func testNoiseOutsideTheSliderIsRejected() {
        XCTAssertThrowsError(try BuiltinDataset.xor.generate(noise: 60, seed: 1)) { error in
            XCTAssertEqual("\(error)", "invalid noise '60.0': expected a percentage from 0 to 50")
        }
    }
}
