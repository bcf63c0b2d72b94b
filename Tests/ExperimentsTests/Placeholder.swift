import XCTest
final class PlaceholderExperimentsTests: XCTestCase { func testNothing() { XCTAssertTrue(true) } }
