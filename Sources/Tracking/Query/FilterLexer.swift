/// Splits filter text into tokens: names (`lr`, `tag.team`, `best`), numbers (`0.1`, `1e-3`),
/// quoted text (`'relu'` or `"relu"`, a doubled quote inside stands for one), keywords and
/// operators. Anything else (`;`, a lone `!`, an open quote) is an error naming its column.
struct FilterLexer {
    static let keywords: Set<String> = ["and", "or", "not", "in", "like", "is", "null", "true", "false"]

    static func tokens(_ text: String) throws(FilterError) -> [FilterToken] {
        let maxLength = FilterParser.maxLength
        guard text.count <= maxLength else {
            throw FilterError(column: maxLength + 1, message: "a filter of \(text.count) characters; expected at most \(maxLength)")
        }
        if let nul = text.firstIndex(of: "\u{0}") {
            throw FilterError(column: text.distance(from: text.startIndex, to: nul) + 1, message: "a NUL byte; expected text without one")
        }
        let chars = Array(text)
        var out: [FilterToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i], column = i + 1
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." { j += 1 }
                let word = String(chars[i..<j])
                let lower = word.lowercased()
                out.append(FilterToken(kind: keywords.contains(lower) ? .keyword(lower) : .name(word), column: column))
                i = j
            } else if c.isASCII && (c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber))
                        || ((c == "-" || c == "+") && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".")
                            && Self.startsOperand(after: out.last)) {
                var j = i + 1
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                    if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                        j = k
                        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                    }
                }
                let literal = String(chars[i..<j])
                guard Double(literal) != nil else {
                    throw FilterError(column: column, message: "'\(literal)' is not a number")
                }
                out.append(FilterToken(kind: .number(literal), column: column))
                i = j
            } else if c == "'" || c == "\"" {
                var j = i + 1, value = ""
                var closed = false
                while j < chars.count {
                    if chars[j] == c {
                        if j + 1 < chars.count, chars[j + 1] == c { value.append(c); j += 2; continue }
                        closed = true
                        break
                    }
                    value.append(chars[j])
                    j += 1
                }
                guard closed else { throw FilterError(column: column, message: "text opened with \(c) is never closed") }
                out.append(FilterToken(kind: .text(value), column: column))
                i = j + 1
            } else if let op = Self.symbol(at: i, in: chars) {
                // <> and == are spelled != and = from here on.
                out.append(FilterToken(kind: .symbol(["<>": "!=", "==": "="][op] ?? op), column: column))
                i += op.count
            } else {
                throw FilterError(column: column, message: "unexpected character '\(c)'; expected a name, a number, 'quoted text', "
                                  + "parentheses or one of = != < <= > >=")
            }
        }
        out.append(FilterToken(kind: .end, column: chars.count + 1))
        return out
    }

    /// A sign starts a number only where an operand may begin (`lr > -1`, not `epoch-1`).
    private static func startsOperand(after token: FilterToken?) -> Bool {
        switch token?.kind {
        case nil, .symbol("("), .symbol(","), .symbol("="), .symbol("!="), .symbol("<"), .symbol("<="), .symbol(">"),
             .symbol(">="), .keyword: true
        default: false
        }
    }

    private static func symbol(at i: Int, in chars: [Character]) -> String? {
        let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
        if ["!=", "<>", "<=", ">=", "=="].contains(two) { return two }
        let one = String(chars[i])
        return ["(", ")", ",", "=", "<", ">"].contains(one) ? one : nil
    }
}
