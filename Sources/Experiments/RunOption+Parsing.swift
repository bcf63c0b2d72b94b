import Datasets
import Foundation

// The readers of option values that the table's entries share.

/// `true`, `yes`, `on`, `1` or `false`, `no`, `off`, `0`.
func parseFlag(_ text: String, key: String) throws(SettingsError) -> Bool {
    switch text.lowercased() {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default: throw .invalid(key: key, value: text, expected: "true or false")
    }
}

/// `8,8` → [8, 8]; `none` or empty → no hidden layer.
func parseWidths(_ text: String) throws(SettingsError) -> [Int] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
    var widths: [Int] = []
    for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
        guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
            throw .invalid(key: "layers", value: text, expected: "comma-separated positive widths such as 8,8 ('\(part)' is not one)")
        }
        widths.append(w)
    }
    return widths
}

/// `a,b,c` → the column names, trimmed; nil when one is empty.
func columnNames(_ text: String) -> [String]? {
    let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return names.contains(where: \.isEmpty) ? nil : names
}

/// `--features`: the Playground's feature crosses.
func parseCrosses(_ text: String) throws(SettingsError) -> [FeatureCross] {
    if Int(text) != nil {
        throw .invalid(key: "features", value: text, expected: "feature crosses such as x,y,xy (the dimensions of 'blobs' are --dimensions)")
    }
    do { return try FeatureCross.list(text) } catch {
        guard case .invalidOption(_, let value, let expected) = error else { throw .invalid(key: "features", value: text, expected: "\(error)") }
        throw .invalid(key: "features", value: value, expected: expected)
    }
}

/// The `Double` a user means by a `Float` such as 0.03 (not 0.029999999329447746), so that
/// `lr = 0.03` matches in SQL.
func clean(_ value: Float) -> Double {
    Double("\(value)") ?? Double(value)
}
