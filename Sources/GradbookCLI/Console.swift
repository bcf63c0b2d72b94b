import Foundation
import Tracking

/// What commands print for people, on stdout or stderr, with control characters in it shown as
/// escapes (``Terminal/safe(_:keepingNewlines:)``): text users stored or typed (names, tags,
/// notes, paths, echoed arguments) never reaches the terminal raw. Data outputs (CSV, JSON,
/// scripts) go through `OutputSink` unchanged.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((Terminal.safe(text) + terminator).utf8))
    }

    static func error(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((Terminal.safe(text) + terminator).utf8))
    }
}
