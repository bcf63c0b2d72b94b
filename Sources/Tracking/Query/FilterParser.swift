/// Reads the filter language (see ``FilterExpression``) and the term lists of `--sort` and
/// `--columns`. Errors name the column and what was expected there.
public struct FilterParser {
    /// Functions of a metric's curve.
    /// The functions of a metric's curve. `selected(M)` is M at the epoch a run is selected at:
    /// the best epoch of M's validation counterpart (`val_loss` for `test_loss`) when the run has
    /// validation data, else M's own best; `selected_epoch(M)` is that epoch, `selected_on(M)`
    /// the metric it was chosen by; `at_best(M, BY)` is M at the best epoch of BY.
    public static let functions = ["final", "best", "best_epoch", "min", "max", "mean", "median", "first", "at", "at_best",
                                   "selected", "selected_epoch", "selected_on"]

    private var tokens: [FilterToken]
    private var position = 0
    /// Parentheses and `not`s open at this point, and conditions read so far.
    private var depth = 0, predicates = 0

    /// The longest filter read, in characters.
    public static let maxLength = 20_000
    /// The deepest nesting of parentheses and `not` taken.
    public static let maxDepth = 32
    /// The most conditions in one filter: each becomes a subquery, and SQLite bounds a statement.
    public static let maxPredicates = 200

    private init(_ text: String) throws(FilterError) {
        tokens = try FilterLexer.tokens(text)
    }

    /// Parses a whole filter, e.g. `lr < 0.1 and activation in ('relu', 'tanh')`.
    public static func filter(_ text: String) throws(FilterError) -> FilterExpression {
        try parsing(text) { parser throws(FilterError) in
            let expression = try parser.disjunction()
            try parser.expectEnd(after: "a complete condition; join conditions with 'and' or 'or'")
            return expression
        }
    }

    /// Parses a comma-separated list of terms, e.g. `activation, lr, best(test_loss)`.
    public static func terms(_ text: String) throws(FilterError) -> [Term] {
        try parsing(text) { parser throws(FilterError) in
            var terms = [try parser.term()]
            while parser.peek.kind == .symbol(",") {
                parser.position += 1
                terms.append(try parser.term())
            }
            try parser.expectEnd(after: "a name or a function such as best(test_loss); separate several with commas")
            return terms
        }
    }

    /// Runs `body` on a parser of `text`; an error carries the text, for its caret.
    private static func parsing<T>(_ text: String, _ body: (inout FilterParser) throws(FilterError) -> T) throws(FilterError) -> T {
        do {
            var parser = try FilterParser(text)
            return try body(&parser)
        } catch {
            var e = error
            e.text = text
            throw e
        }
    }

    /// Parses one sort key: a term, optionally followed by `:desc` or `:asc`.
    public static func sortKey(_ text: String) throws(FilterError) -> (term: Term, descending: Bool) {
        var body = Substring(text), descending = false
        if let colon = text.lastIndex(of: ":") {
            let suffix = text[text.index(after: colon)...].lowercased()
            guard suffix == "desc" || suffix == "asc" else {
                throw FilterError(column: text.distance(from: text.startIndex, to: colon) + 2,
                                  message: "expected 'asc' or 'desc' after ':', found '\(suffix)'", text: text)
            }
            descending = suffix == "desc"
            body = text[..<colon]
        }
        let terms = try Self.terms(String(body))
        guard terms.count == 1 else {
            throw FilterError(column: terms[1].column, message: "expected one sort key", text: text)
        }
        return (terms[0], descending)
    }

    // MARK: - Grammar

    private var peek: FilterToken { tokens[position] }

    private mutating func next() -> FilterToken {
        defer { if position < tokens.count - 1 { position += 1 } }
        return tokens[position]
    }

    private func unexpected(_ expected: String) -> FilterError {
        FilterError(column: peek.column, message: "expected \(expected), found \(peek.shown)")
    }

    private mutating func expectEnd(after expected: String) throws(FilterError) {
        guard peek.kind == .end else { throw unexpected("the end after \(expected)") }
    }

    private mutating func accept(_ keyword: String) -> Bool {
        guard peek.kind == .keyword(keyword) else { return false }
        position += 1
        return true
    }

    private mutating func disjunction() throws(FilterError) -> FilterExpression {
        var left = try conjunction()
        while accept("or") { left = .or(left, try conjunction()) }
        return left
    }

    private mutating func conjunction() throws(FilterError) -> FilterExpression {
        var left = try negation()
        while accept("and") { left = .and(left, try negation()) }
        return left
    }

    private mutating func negation() throws(FilterError) -> FilterExpression {
        if peek.kind == .keyword("not") || peek.kind == .symbol("(") {
            depth += 1
            guard depth <= Self.maxDepth else {
                throw FilterError(column: peek.column, message: "parentheses and 'not' nested deeper than \(Self.maxDepth) levels")
            }
        }
        if accept("not") {
            defer { depth -= 1 }
            return .not(try negation())
        }
        if peek.kind == .symbol("(") {
            defer { depth -= 1 }
            position += 1
            let inner = try disjunction()
            guard peek.kind == .symbol(")") else { throw unexpected("')' or 'and'/'or'") }
            position += 1
            return inner
        }
        return try predicate()
    }

    private mutating func predicate() throws(FilterError) -> FilterExpression {
        predicates += 1
        guard predicates <= Self.maxPredicates else {
            throw FilterError(column: peek.column, message: "more than \(Self.maxPredicates) conditions; expected at most \(Self.maxPredicates) "
                              + "(a list of values fits one: name in (a, b, …))")
        }
        let left = try operand()
        let token = peek
        switch token.kind {
        case .symbol(let s) where FilterExpression.Comparison(rawValue: s) != nil:
            position += 1
            return .compare(left, FilterExpression.Comparison(rawValue: s)!, try operand())
        case .keyword("is"):
            position += 1
            let negated = accept("not")
            guard accept("null") else { throw unexpected("'null' after 'is'") }
            return .isNull(left, negated: negated)
        case .keyword("not"), .keyword("in"), .keyword("like"):
            let negated = accept("not")
            if accept("like") { return .like(left, try operand(), negated: negated) }
            guard accept("in") else { throw unexpected("'in' or 'like' after 'not'") }
            guard peek.kind == .symbol("(") else { throw unexpected("'(' to open the list after 'in'") }
            position += 1
            var list = [try operand()]
            while peek.kind == .symbol(",") {
                position += 1
                list.append(try operand())
            }
            guard peek.kind == .symbol(")") else { throw unexpected("',' or ')' in the list") }
            position += 1
            return .isIn(left, list, negated: negated)
        default:
            throw unexpected("a comparison (= != < <= > >=), 'in', 'like' or 'is null' after \(Self.describe(left))")
        }
    }

    private static func describe(_ operand: FilterExpression.Operand) -> String {
        switch operand {
        case .integer(let v): "\(v)"
        case .number(let v): "\(v)"
        case .text(let s): "'\(s)'"
        case .term(let t): t.text
        }
    }

    private mutating func operand() throws(FilterError) -> FilterExpression.Operand {
        switch peek.kind {
        case .number(let literal):
            position += 1
            if let i = Int64(literal) { return .integer(i) }
            return .number(Double(literal)!)
        case .text(let s):
            position += 1
            return .text(s)
        case .keyword("true"):
            position += 1
            return .integer(1)
        case .keyword("false"):
            position += 1
            return .integer(0)
        case .name:
            return .term(try term())
        default:
            throw unexpected("a value (a number, 'quoted text', true, false) or a name")
        }
    }

    private mutating func term() throws(FilterError) -> Term {
        let start = peek
        guard case .name(let word) = start.kind else {
            throw unexpected("a name such as lr, status or test_loss, or a function such as best(test_loss)")
        }
        position += 1
        guard peek.kind == .symbol("(") else { return Term(name: word, column: start.column) }
        let function = word.lowercased()
        guard Self.functions.contains(function) else {
            throw FilterError(column: start.column, message: "unknown function '\(word)'; expected one of "
                              + Self.functions.joined(separator: ", "))
        }
        position += 1
        guard case .name(let metric) = peek.kind else { throw unexpected("a metric name inside \(function)( )") }
        position += 1
        var epoch: Int?, by: String?
        if function == "at" {
            guard peek.kind == .symbol(",") else { throw unexpected("',' and an epoch: at(\(metric), EPOCH)") }
            position += 1
            guard case .number(let n) = peek.kind, let e = Int(n), e >= 0 else { throw unexpected("an epoch number (0 or more)") }
            position += 1
            epoch = e
        }
        if function == "at_best" {
            guard peek.kind == .symbol(",") else { throw unexpected("',' and the metric that picks the epoch: at_best(\(metric), val_loss)") }
            position += 1
            guard case .name(let other) = peek.kind else { throw unexpected("a metric name: at_best(\(metric), val_loss)") }
            position += 1
            by = other
        }
        guard peek.kind == .symbol(")") else { throw unexpected("')' to close \(function)(") }
        position += 1
        return Term(name: metric, function: function, epoch: epoch, by: by, column: start.column)
    }
}
