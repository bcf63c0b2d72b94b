/// How rows leave Gradbook: aligned columns for people, or one of the formats other tools read.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Space-aligned columns.
    case table
    /// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a
    /// line break (a quote doubled inside).
    case csv
    /// Tab-separated, a header row, LF line ends; a tab, line break or backslash inside a field is
    /// written `\t`, `\n`, `\r`, `\\` (the "linear TSV" convention).
    case tsv
    /// One JSON array of objects, keys in column order; NULL as `null`.
    case json
    /// One JSON object per line.
    case jsonl
}
