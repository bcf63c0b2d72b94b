import Yams

/// How large a YAML document becomes once its aliases are expanded, counted before anything
/// expands it: a few hundred bytes of nested anchors and aliases (`&a [*b, *b, …]`) can stand
/// for gigabytes of values.
enum YAMLBudget {
    /// The most values (scalars, lists and mappings, aliases counted as what they stand for) a
    /// configuration file or sweep spec may hold.
    static let maxValues = 100_000

    /// The expanded count of `node`, or `nil` once it passes `limit`. Each anchored node is
    /// counted once and its count reused at every alias, so this takes time in the size of the
    /// text, not of the expansion.
    static func expandedSize(of node: Node, limit: Int = maxValues) -> Int? {
        var known: [String: Int] = [:]
        func size(_ node: Node) -> Int? {
            let key = node.anchor.map { "\($0.rawValue)@\(node.mark?.line ?? 0):\(node.mark?.column ?? 0)" }
            if let key, let n = known[key] { return n }
            var total = 1
            let children: [Node] = switch node {
            case .scalar, .alias: []
            case .sequence(let s): Array(s)
            case .mapping(let m): m.flatMap { [$0.key, $0.value] }
            }
            for child in children {
                guard let n = size(child) else { return nil }
                total += n
                if total > limit { return nil }
            }
            if let key { known[key] = total }
            return total
        }
        return size(node)
    }

    /// A parser's error as a message: libyaml quotes the line it stopped at, which may be
    /// megabytes long, so each line is cut to 160 characters and the whole to 8 lines.
    static func message(_ error: any Error) -> String {
        let lines = "\(error)".split(separator: "\n", omittingEmptySubsequences: false).prefix(8)
        return lines.map { $0.count > 160 ? $0.prefix(160) + "…" : String($0) }.joined(separator: "\n")
    }
}
