/// Near misses of a name the user meant: `spirals` for `spiral`, `--learning-rate` for `--lr`,
/// for "did you mean" hints in errors.
public enum Spelling {
    /// The candidate `text` most likely meant, or `nil` when none is close: an edit distance of at
    /// most a third of the name (ignoring case, `-` and `_`), or the initials of its words
    /// (`learning-rate` → `lr`).
    public static func suggestion(for text: String, among candidates: some Collection<String>) -> String? {
        let typed = normalized(text)
        guard !typed.isEmpty, typed.count <= 100 else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let name = normalized(candidate)
            guard name != typed else { return candidate }
            let distance = editDistance(typed, name)
            if distance <= max(1, min(typed.count, name.count) / 3), distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        if let best { return best.name }
        let words = text.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
        guard words.count > 1 else { return nil }
        let initials = Array(String(words.compactMap(\.first)).lowercased())
        return candidates.first { normalized($0) == initials }
    }

    /// `" (did you mean 'spiral'?)"`, or empty.
    public static func hint(for text: String, among candidates: some Collection<String>, prefix: String = "") -> String {
        suggestion(for: text, among: candidates).map { " (did you mean '\(prefix)\($0)'?)" } ?? ""
    }

    private static func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().filter { $0 != "-" && $0 != "_" })
    }

    /// Levenshtein distance, with a transposition counting as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
