import Neural
import XCTest

final class BLASTests: XCTestCase {
    /// An engine's thread count holds while it trains and the process's setting comes back
    /// afterwards, also when several hold it at once.
    func testThreadsAreLeasedAndRestored() {
        let before = BLAS.threads
        BLAS.withThreads(1) {
            XCTAssertEqual(BLAS.threads, 1)
            BLAS.withThreads(1) { XCTAssertEqual(BLAS.threads, 1) }
            XCTAssertEqual(BLAS.threads, 1, "still leased by the outer engine")
        }
        XCTAssertEqual(BLAS.threads, before)
        BLAS.withThreads(nil) { XCTAssertEqual(BLAS.threads, before, "nil leaves the setting alone") }
    }
}
