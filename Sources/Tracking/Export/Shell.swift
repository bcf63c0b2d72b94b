import Foundation

/// Text for a POSIX shell, for the commands Gradbook prints for people to run.
public enum Shell {
    /// `text` as it is when it is plainly safe, single-quoted otherwise.
    public static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0)) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
