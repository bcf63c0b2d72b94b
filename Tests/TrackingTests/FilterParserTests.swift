import Tracking
import XCTest

final class FilterParserTests: XCTestCase {
    private func lr() -> FilterExpression.Operand { .term(Term(name: "lr")) }

    func testEveryComparisonOperator() throws {
        for op in FilterExpression.Comparison.allCases {
            XCTAssertEqual(try FilterParser.filter("lr \(op.rawValue) 0.1"), .compare(lr(), op, .number(0.1)), op.rawValue)
        }
        XCTAssertEqual(try FilterParser.filter("lr <> 1"), .compare(lr(), .notEqual, .integer(1)), "<> is !=")
        XCTAssertEqual(try FilterParser.filter("lr == 1"), .compare(lr(), .equal, .integer(1)), "== is =")
        XCTAssertEqual(try FilterParser.filter("lr>=-1e-3"), .compare(lr(), .greaterOrEqual, .number(-0.001)), "signed exponent")
    }

    func testInLikeIsNullAndLiterals() throws {
        let activation = FilterExpression.Operand.term(Term(name: "activation"))
        XCTAssertEqual(try FilterParser.filter("activation in ('relu', \"tanh\")"), .isIn(activation, [.text("relu"), .text("tanh")], negated: false))
        XCTAssertEqual(try FilterParser.filter("activation NOT IN ('relu')"), .isIn(activation, [.text("relu")], negated: true))
        XCTAssertEqual(try FilterParser.filter("name like 'sweep%'"), .like(.term(Term(name: "name")), .text("sweep%"), negated: false))
        XCTAssertEqual(try FilterParser.filter("name not like 'a_'"), .like(.term(Term(name: "name")), .text("a_"), negated: true))
        XCTAssertEqual(try FilterParser.filter("tag.team is null"), .isNull(.term(Term(name: "tag.team")), negated: false))
        XCTAssertEqual(try FilterParser.filter("tag.team is not null"), .isNull(.term(Term(name: "tag.team")), negated: true))
        XCTAssertEqual(try FilterParser.filter("batch_norm = true"), .compare(.term(Term(name: "batch_norm")), .equal, .integer(1)))
        XCTAssertEqual(try FilterParser.filter("name = 'it''s'"), .compare(.term(Term(name: "name")), .equal, .text("it's")))
    }

    func testAndBindsTighterThanOrAndParenthesesAndNot() throws {
        let a = FilterExpression.compare(.term(Term(name: "a")), .equal, .integer(1))
        let b = FilterExpression.compare(.term(Term(name: "b")), .equal, .integer(2))
        let c = FilterExpression.compare(.term(Term(name: "c")), .equal, .integer(3))
        XCTAssertEqual(try FilterParser.filter("a = 1 or b = 2 and c = 3"), .or(a, .and(b, c)))
        XCTAssertEqual(try FilterParser.filter("(a = 1 or b = 2) and c = 3"), .and(.or(a, b), c))
        XCTAssertEqual(try FilterParser.filter("not a = 1 and not (b = 2)"), .and(.not(a), .not(b)))
        XCTAssertEqual(try FilterParser.filter("a = 1 OR b = 2 AnD c = 3"), .or(a, .and(b, c)), "keywords in any case")
    }

    func testFunctionsOfACurve() throws {
        XCTAssertEqual(try FilterParser.terms("best(test_loss), at(test_loss, 50), median(grad_norm), test_loss").map(\.text),
                       ["best(test_loss)", "at(test_loss, 50)", "median(grad_norm)", "test_loss"])
        let at = try FilterParser.terms("at(test_loss,50)")[0]
        XCTAssertEqual(at.function, "at")
        XCTAssertEqual(at.epoch, 50)
        let sort = try FilterParser.sortKey("best(test_loss):desc")
        XCTAssertEqual(sort.term.text, "best(test_loss)")
        XCTAssertTrue(sort.descending)
        XCTAssertFalse(try FilterParser.sortKey("lr").descending)
    }

    /// Each bad filter: the column reported and a phrase of what was expected.
    func testSyntaxErrorsNameThePositionAndWhatWasExpected() {
        let cases: [(String, Int, String)] = [
            ("lr <", 5, "expected a value"),
            ("lr < 0.1 and", 13, "expected a value"),
            ("(lr < 0.1", 10, "expected ')'"),
            ("lr 0.1", 4, "expected a comparison"),
            ("lr ~ 0.1", 4, "unexpected character '~'"),
            ("name = 'abc", 8, "never closed"),
            ("activation in 'relu'", 15, "expected '(' to open the list"),
            ("activation in ('relu' 'tanh')", 23, "expected ',' or ')'"),
            ("foo(test_loss) < 1", 1, "unknown function 'foo'"),
            ("at(test_loss) < 1", 13, "an epoch"),
            ("best(0.1) < 1", 6, "a metric name"),
            ("lr < 0.1 lr > 0", 10, "the end after a complete condition"),
            ("x = '1'; DROP TABLE runs; --'", 8, "unexpected character ';'"),
            ("lr is 3", 7, "'null' after 'is'"),
            ("lr < 1.2.3", 6, "is not a number"),
        ]
        for (text, column, phrase) in cases {
            XCTAssertThrowsError(try FilterParser.filter(text), text) { error in
                guard let e = error as? FilterError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.column, column, "\(text): \(e.message)")
                XCTAssertTrue(e.message.contains(phrase), "\(text): \(e.message)")
                XCTAssertTrue(e.description.contains(text), "the message quotes the filter: \(e.description)")
            }
        }
        XCTAssertThrowsError(try FilterParser.sortKey("lr:down")) { error in
            XCTAssertTrue("\(error)".contains("expected 'asc' or 'desc'"), "\(error)")
        }
    }

    func testCaretPointsAtTheColumn() {
        let e = FilterError(column: 4, message: "m", text: "lr ~ 1", option: "--where")
        XCTAssertEqual(e.description, "invalid --where: at column 4: m\n  lr ~ 1\n     ^")
    }
}
