import Foundation

/// A name with optional numeric arguments, as users write them on the command line:
/// `relu`, `leaky_relu(0.2)`, `normal(0.01)`, `adam(0.9, 0.99)`.
struct ParameterizedName {
    let name: String
    let arguments: [Float]

    /// Parses `text`; `nil` when the parentheses or an argument are malformed or not finite.
    init?(_ text: String) {
        // `leaky-relu` is `leaky_relu`; a minus inside the arguments (`1e-8`) stays one.
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let open = s.firstIndex(of: "(") else {
            guard !s.isEmpty, !s.contains(")") else { return nil }
            name = s.replacingOccurrences(of: "-", with: "_")
            arguments = []
            return
        }
        guard s.hasSuffix(")") else { return nil }
        name = s[..<open].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "_")
        let inner = s[s.index(after: open)..<s.index(before: s.endIndex)]
        var args: [Float] = []
        for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Float(part.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
            args.append(v)
        }
        arguments = args
    }

    /// The arguments, padded with `defaults`; `nil` when more were given than `defaults` holds.
    func arguments(defaults: [Float]) -> [Float]? {
        guard arguments.count <= defaults.count else { return nil }
        return arguments + defaults[arguments.count...]
    }
}

/// Formats a name and its arguments, leaving out trailing arguments equal to their defaults.
func formatName(_ name: String, _ arguments: [Float], defaults: [Float]) -> String {
    var args = arguments
    while let last = args.last, args.count <= defaults.count, last == defaults[args.count - 1] { args.removeLast() }
    return args.isEmpty ? name : "\(name)(\(args.map { "\($0)" }.joined(separator: ", ")))"
}
