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

    /// The validation part comes out of the training part: the test part is the one a run
    /// without validation gets, training and validation together are its training part, and a
    /// stratified split keeps each class's share in all three.
    func testValidationIsCarvedFromTheTrainingPart() throws {
        // 150 of class 0, 50 of class 1.
        let d = Dataset(features: (0..<200).map(Float.init), featureCount: 1,
                        classIndices: (0..<200).map { $0 < 150 ? 0 : 1 }, classCount: 2)
        let plain = try DatasetSplit.split(d, trainFraction: 0.6, seed: 9, stratified: true)
        let s = try DatasetSplit.split(d, trainFraction: 0.6, validationFraction: 0.25, seed: 9, stratified: true)
        let validation = try XCTUnwrap(s.validation)
        XCTAssertNil(plain.validation)
        XCTAssertEqual(s.test, plain.test, "the same test part")
        XCTAssertEqual(Set(s.train.features + validation.features), Set(plain.train.features))
        XCTAssertTrue(Set(s.train.features).isDisjoint(with: validation.features))
        // 90 and 30 training samples per class; a quarter of each (rounded down) kept back.
        XCTAssertEqual(plain.train.count, 120)
        XCTAssertEqual(validation.count, 120 - Int((90 * 0.75).rounded(.down)) - Int((30 * 0.75).rounded(.down)))
        XCTAssertEqual(validation.classIndices.filter { $0 == 1 }.count, 30 - 22)
        XCTAssertEqual(s, try DatasetSplit.split(d, trainFraction: 0.6, validationFraction: 0.25, seed: 9, stratified: true), "seeded")
        XCTAssertThrowsError(try DatasetSplit.split(d, trainFraction: 0.6, validationFraction: 1, seed: 9))
        let tiny = try BuiltinDataset.xor.generate(samples: 2, seed: 1)
        XCTAssertThrowsError(try DatasetSplit.split(tiny, trainFraction: 0.5, validationFraction: 0.1, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("a validation ratio of 10.0% of 1 training samples leaves no samples to train on"), "\(error)")
        }
    }

    func testStandardisationFitsTheTrainingPartAlone() throws {
        let train = Dataset(features: [1, 3], targets: [0, 1], featureCount: 1, task: .binary)
        let validation = Dataset(features: [7], targets: [1], featureCount: 1, task: .binary)
        let test = Dataset(features: [5], targets: [1], featureCount: 1, task: .binary)
        let (s, standardizer) = DatasetSplit(train: train, validation: validation, test: test).standardized()
        XCTAssertEqual(standardizer.means, [2])
        XCTAssertEqual(s.validation?.features, [5], "(7 − 2) / 1, with the training part's statistics")
        XCTAssertEqual(s.test.features, [3])
    }
}
