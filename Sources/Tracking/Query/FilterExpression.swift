/// A parsed filter: a tree of `and`, `or`, `not` over predicates on terms.
///
/// The grammar, loosest first:
/// ```
/// filter     := conjunct ('or' conjunct)*
/// conjunct   := negation ('and' negation)*
/// negation   := 'not' negation | '(' filter ')' | predicate
/// predicate  := operand ( ('=' | '!=' | '<' | '<=' | '>' | '>=') operand
///                       | ['not'] 'in' '(' operand (',' operand)* ')'
///                       | ['not'] 'like' operand
///                       | 'is' ['not'] 'null' )
/// operand    := NUMBER | 'TEXT' | true | false | term
/// term       := NAME | FUNCTION '(' NAME [',' NUMBER] ')'
/// ```
public indirect enum FilterExpression: Sendable, Equatable {
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    case compare(Operand, Comparison, Operand)
    case isIn(Operand, [Operand], negated: Bool)
    case like(Operand, Operand, negated: Bool)
    case isNull(Operand, negated: Bool)

    public enum Comparison: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// A literal or a term.
    public enum Operand: Sendable, Equatable {
        case integer(Int64)
        case number(Double)
        case text(String)
        case term(Term)
    }
}

/// A name in a filter, sort key or column list, with where it was written: an attribute
/// (`status`), a hyperparameter (`lr`), a tag (`tag.team`), an alert count (`alerts`,
/// `alert.dead_relu`), a metric's final value (`test_loss`), or a function of a metric's curve
/// (`best(test_loss)`, `at(test_loss, 50)`).
public struct Term: Sendable, Equatable, Hashable {
    public var name: String
    /// One of ``FilterParser/functions``, or nil for a bare name.
    public var function: String?
    /// The epoch of `at(metric, epoch)`.
    public var epoch: Int?
    /// The metric whose best epoch `at_best(metric, by)` reads `metric` at.
    public var by: String?
    public var column: Int

    public init(name: String, function: String? = nil, epoch: Int? = nil, by: String? = nil, column: Int = 1) {
        self.name = name
        self.function = function
        self.epoch = epoch
        self.by = by
        self.column = column
    }

    /// The term as a user writes it, e.g. `at(test_loss, 50)`: also the column header.
    public var text: String {
        guard let function else { return name }
        if let epoch { return "\(function)(\(name), \(epoch))" }
        if let by { return "\(function)(\(name), \(by))" }
        return "\(function)(\(name))"
    }

    public static func == (a: Term, b: Term) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
