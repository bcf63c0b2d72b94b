import Foundation
import GRDB

/// A piece of SQL and the values bound to its `?` placeholders, in order. User text only
/// ever travels in `arguments`; `sql` is built from Gradbook's own templates.
struct SQLFragment {
    var sql: String
    var arguments: [DatabaseValue] = []

    init(_ sql: String, _ arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    var statementArguments: StatementArguments { StatementArguments(arguments) }

    /// `sql` with `{}` replaced by `inner` (`count` times over, its arguments repeated to match).
    func wrapping(_ template: String) -> SQLFragment {
        let parts = template.components(separatedBy: "{}")
        return SQLFragment(parts.joined(separator: sql), Array(repeating: arguments, count: parts.count - 1).flatMap { $0 })
    }
}
