import Reporting
import XCTest

final class ScaleTests: XCTestCase {
    func testLinearTicksAreRoundAndCoverTheValues() {
        let s = Scale(kind: .linear, values: [0.13, 0.87], from: 0, to: 100)
        XCTAssertEqual(s.domain, 0...1)
        XCTAssertEqual(s.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(s.map(0.5), 50)
        XCTAssertEqual(s.ticks.map(s.label), ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        let epochs = Scale(kind: .linear, values: [1, 200], from: 60, to: 626)
        XCTAssertEqual(epochs.domain, 0...200)
        XCTAssertEqual(epochs.ticks, [0, 50, 100, 150, 200])
        let flat = Scale(kind: .linear, values: [2, 2], from: 0, to: 10)
        XCTAssertTrue(flat.domain.contains(2) && flat.domain.lowerBound < flat.domain.upperBound, "one value still gets a range")
    }

    func testLogScaleSpansWholeDecades() {
        let s = Scale(kind: .log, values: [0.003, 2, 0, -1], from: 200, to: 0)
        XCTAssertEqual(s.domain.lowerBound, 0.001, accuracy: 1e-15)
        XCTAssertEqual(s.domain.upperBound, 10, accuracy: 1e-12)
        XCTAssertEqual(s.ticks.count, 5)
        XCTAssertEqual(s.ticks.map(s.label), ["1e-3", "1e-2", "1e-1", "1", "10"])
        XCTAssertEqual(s.map(0.001), 200, accuracy: 1e-9, "the bottom of a y axis")
        XCTAssertEqual(s.map(0.1), 100, accuracy: 1e-9, "two decades of four")
        XCTAssertEqual(s.map(0), 200, "non-positive values sit on the floor")
    }

    func testAutomaticChoosesLogForValuesSpanningDecades() {
        XCTAssertEqual(Scale.automatic(values: [1e-6, 1e-2, 1], from: 0, to: 1).kind, .log)
        XCTAssertEqual(Scale.automatic(values: [0.2, 0.7], from: 0, to: 1).kind, .linear)
        XCTAssertEqual(Scale.automatic(values: [0, 0.001, 10], from: 0, to: 1).kind, .linear, "a zero cannot go on a log axis")
    }
}
