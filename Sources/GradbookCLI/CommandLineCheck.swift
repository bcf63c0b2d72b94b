import ArgumentParser
import Datasets
import Foundation

/// Two mistakes on a command line that ArgumentParser lets through or leaves unexplained,
/// found from its own description of the commands (`_dumpHelp`), so no list of options is
/// repeated here: an option that takes one value given twice (ArgumentParser would keep the
/// last silently), and a near-miss option name (its error gains "did you mean").
struct CommandLineCheck {
    /// One option of the invoked command: its spellings (`--db`, `-o`) and whether it repeats.
    struct Option {
        var names: [String]
        var takesValue: Bool
        var repeating: Bool
    }

    let command: [String]
    let options: [Option]

    /// The options of the (sub)command `arguments` invoke.
    init(_ arguments: [String]) {
        var node = (try? JSONSerialization.jsonObject(with: Data(Gradbook._dumpHelp().utf8)) as? [String: Any])?["command"] as? [String: Any]
        var path: [String] = []
        for token in arguments {
            guard !token.hasPrefix("-"),
                  let next = (node?["subcommands"] as? [[String: Any]])?.first(where: { $0["commandName"] as? String == token }) else { break }
            node = next
            path.append(token)
        }
        command = path
        options = ((node?["arguments"] as? [[String: Any]]) ?? []).compactMap { argument in
            let kind = argument["kind"] as? String
            guard kind == "option" || kind == "flag" else { return nil }
            let names = ((argument["names"] as? [[String: Any]]) ?? []).compactMap { name -> String? in
                guard let text = name["name"] as? String else { return nil }
                return (name["kind"] as? String == "short" ? "-" : "--") + text
            }
            return Option(names: names, takesValue: kind == "option", repeating: argument["isRepeating"] as? Bool ?? false)
        } + [Option(names: ["--help", "-h"], takesValue: false, repeating: true)]
    }

    /// The message for the first single-value option given more than once, naming its values
    /// and the command's help.
    static func repeatedOption(in arguments: [String]) -> String? {
        // Cheap first: only a line with a repeated dash word needs the commands' description.
        let dashed = arguments.prefix { $0 != "--" }.filter { $0.hasPrefix("-") }.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") }
        guard Set(dashed).count < dashed.count else { return nil }
        let check = CommandLineCheck(arguments)
        var values: [String: [String]] = [:]
        var i = arguments.startIndex
        while i < arguments.endIndex, arguments[i] != "--" {
            let token = arguments[i]
            let name = String(token.split(separator: "=", maxSplits: 1).first ?? "")
            i += 1
            guard token.hasPrefix("-"), let option = check.options.first(where: { $0.names.contains(name) }), option.takesValue else { continue }
            var value = token.count > name.count ? String(token.dropFirst(name.count + 1)) : nil
            if value == nil, i < arguments.endIndex { value = arguments[i]; i += 1 }
            guard !option.repeating else { continue }
            let key = option.names[0]
            values[key, default: []].append(value ?? "")
            if let given = values[key], given.count == 2 {
                return "Error: \(key) was given twice ('\(given[0])' and '\(given[1])'); it takes one value: give it once\n"
                    + "  See '\((["gradbook"] + check.command).joined(separator: " ")) --help' for more information."
            }
        }
        return nil
    }

    /// ". Did you mean '--lr'?" for an unknown option in a parse error's message that
    /// ArgumentParser found no near name for (it suggests close spellings itself), or empty.
    static func suggestion(for message: String, arguments: [String]) -> String {
        guard !message.contains("Did you mean"), let start = message.range(of: "Unknown option '")?.upperBound,
              let end = message[start...].firstIndex(of: "'") else { return "" }
        let typed = String(message[start..<end])
        let names = CommandLineCheck(arguments).options.flatMap(\.names).filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) }
        return Spelling.suggestion(for: String(typed.drop { $0 == "-" }), among: names).map { ". Did you mean '--\($0)'?" } ?? ""
    }
}
