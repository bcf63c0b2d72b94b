import Neural
import XCTest

final class MinibatchOrderTests: XCTestCase {
    /// Each epoch is a new permutation of every row; the same seed gives the same epochs.
    func testEveryEpochIsAPermutationAndTheSeedFixesThem() {
        var a = MinibatchOrder(seed: 5, count: 100), b = MinibatchOrder(seed: 5, count: 100), c = MinibatchOrder(seed: 6, count: 100)
        XCTAssertEqual(a.rows, Array(0..<100), "the identity before the first epoch")
        var epochs: [[Int]] = []
        for _ in 0..<3 {
            let rows = a.next()
            XCTAssertEqual(rows.sorted(), Array(0..<100))
            XCTAssertEqual(rows, b.next())
            XCTAssertNotEqual(rows, c.next())
            epochs.append(rows)
        }
        XCTAssertEqual(Set(epochs).count, 3, "a fresh shuffle each epoch")
    }
}
