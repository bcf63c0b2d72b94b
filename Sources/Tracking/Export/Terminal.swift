/// Text for a person's terminal: control characters shown as escapes (`\u{1B}`), so that what a
/// user stored — a run's name, a tag, a note, a path — cannot move the cursor, recolour, retitle
/// or reorder the terminal of whoever reads it. Stored values stay as given; CSV and JSON exports
/// write them unchanged.
public enum Terminal {
    /// `text` with every C0 and C1 control character, DEL and Unicode's bidirectional controls
    /// escaped; tabs stay, and line breaks stay unless `keepingNewlines` is false (table cells).
    public static func safe(_ text: String, keepingNewlines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingNewlines && $0 == "\n") && $0 != "\t" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingNewlines, "\t": out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where isControl(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
