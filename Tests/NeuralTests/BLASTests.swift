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

    /// Making a network with a layer on BLAS looks for the library: a trainer's thread count is
    /// set only on a library already looked for (nothing else may load it for a fused network),
    /// so its products would otherwise run on the library's own threads. Run alone (`--filter`),
    /// no earlier test has looked for it.
    func testANetworkWithALayerOnBLASLooksForTheLibrary() {
        _ = makeNetwork(.blas, inputs: 3, hidden: [LayerSpec(units: 4, activation: .tanh)], outputs: 2, head: .softmaxCrossEntropy)
        XCTAssertNotNil(BLAS.libraryIfLookedFor)
        BLAS.withThreads(1) { XCTAssertEqual(BLAS.threads, 1) }
    }
}
