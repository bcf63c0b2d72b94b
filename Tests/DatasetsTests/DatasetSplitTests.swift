import Datasets
import XCTest

final class DatasetSplitTests: XCTestCase {
    func testSplitIsSeededDisjointAndComplete() throws {
        let d = try BuiltinDataset.circle.generate(samples: 200, seed: 1)
        let s = try DatasetSplit.split(d, trainFraction: 0.3, seed: 4)
        XCTAssertEqual(s.train.count, 60)
        XCTAssertEqual(s.test.count, 140)
        XCTAssertEqual(s, try DatasetSplit.split(d, trainFraction: 0.3, seed: 4))
        XCTAssertNotEqual(s, try DatasetSplit.split(d, trainFraction: 0.3, seed: 5))
        var all = Set<[Float]>()
        for part in [s.train, s.test] { for i in 0..<part.count { all.insert(Array(part.features[(2 * i)..<(2 * i + 2)])) } }
        XCTAssertEqual(all.count, 200, "every point lands in exactly one part")
    }

    func testStratifiedSplitKeepsClassShares() throws {
        // 90 of class 0, 10 of class 1.
        let d = Dataset(features: (0..<100).map(Float.init), featureCount: 1,
                        classIndices: (0..<100).map { $0 < 90 ? 0 : 1 }, classCount: 2)
        let s = try DatasetSplit.split(d, trainFraction: 0.5, seed: 1, stratified: true)
        XCTAssertEqual(s.train.classIndices.filter { $0 == 1 }.count, 5)
        XCTAssertEqual(s.test.classIndices.filter { $0 == 1 }.count, 5)
    }

    func testBadFractionsAreRejected() throws {
        let d = try BuiltinDataset.xor.generate(samples: 10, seed: 1)
        XCTAssertThrowsError(try DatasetSplit.split(d, trainFraction: 1.2, seed: 1))
        XCTAssertThrowsError(try DatasetSplit.split(d, trainFraction: 0.01, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("no training samples"), "\(error)")
        }
    }

    func testStandardisationUsesTheTrainingSplitOnly() throws {
        let train = Dataset(features: [1, 10, 3, 20], targets: [0, 1], featureCount: 2, task: .binary)
        let test = Dataset(features: [5, 40], targets: [1], featureCount: 2, task: .binary)
        let (s, standardizer) = DatasetSplit(train: train, test: test).standardized()
        XCTAssertEqual(standardizer.means, [2, 15])
        XCTAssertEqual(standardizer.deviations, [1, 5])
        XCTAssertEqual(s.train.features, [-1, -1, 1, 1])
        XCTAssertEqual(s.test.features, [3, 5])
    }
}
