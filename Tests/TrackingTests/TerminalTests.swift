import Tracking
import XCTest

/// What a user stored reaches a terminal escaped: it cannot move the cursor, recolour, retitle
/// or reorder what the reader sees.
final class TerminalTests: XCTestCase {
    func testControlCharactersAreEscaped() {
        XCTAssertEqual(Terminal.safe("evil\u{1B}[31mred"), "evil\\u{1B}[31mred", "ESC (colours, cursor moves)")
        XCTAssertEqual(Terminal.safe("\u{1B}]0;title\u{07}"), "\\u{1B}]0;title\\u{7}", "OSC retitling, ended by BEL")
        XCTAssertEqual(Terminal.safe("ok\rfake"), "ok\\rfake", "carriage return overwriting the line")
        XCTAssertEqual(Terminal.safe("a\u{7F}\u{9B}2J\u{0}"), "a\\u{7F}\\u{9B}2J\\u{0}", "DEL, the C1 CSI and NUL")
        XCTAssertEqual(Terminal.safe("abc\u{202E}fed"), "abc\\u{202E}fed", "a bidirectional override")
        XCTAssertEqual(Terminal.safe("\u{2066}x\u{2069}\u{200F}"), "\\u{2066}x\\u{2069}\\u{200F}")
    }

    func testOrdinaryTextIsUnchanged() {
        for text in ["", "relu lr=0.1", "α β 学习率 😀", "tab\there", "two\nlines"] {
            XCTAssertEqual(Terminal.safe(text), text)
        }
        XCTAssertEqual(Terminal.safe("two\nlines", keepingNewlines: false), "two\\nlines", "a table cell stays on its line")
    }
}
