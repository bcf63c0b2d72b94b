/// One token of the filter language, with the column (1-based) where it starts.
struct FilterToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case name(String)
        case number(String)
        case text(String)
        case keyword(String)       // and, or, not, in, like, is, null, true, false (lowercased)
        case symbol(String)        // ( ) , = != <> < <= > >=
        case end
    }

    var kind: Kind
    var column: Int

    /// How an error message names this token.
    var shown: String {
        switch kind {
        case .name(let s): "name '\(s)'"
        case .number(let s): "number \(s)"
        case .text(let s): "text '\(s)'"
        case .keyword(let s): "'\(s)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the filter"
        }
    }
}
