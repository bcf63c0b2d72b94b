import Foundation

/// SVG → PNG through `rsvg-convert`, when it is installed.
public enum PNGConverter {
    /// Writes `svg` rendered as a PNG file at `path`.
    /// - Throws: ``ReportingError`` when `rsvg-convert` is missing or fails.
    public static func write(svg: String, to path: String) throws(ReportingError) {
        let candidates = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"]
        guard let tool = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw .missingTool(name: "rsvg-convert", package: "librsvg2-bin", instead: "write .svg instead")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--background-color", "white", "-f", "png", "-o", path]
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
            input.fileHandleForWriting.write(Data(svg.utf8))
            try input.fileHandleForWriting.close()
        } catch {
            throw .toolFailed(name: "rsvg-convert", reason: "\(error.localizedDescription)", output: path)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .toolFailed(name: "rsvg-convert", reason: "exit \(process.terminationStatus)", output: path)
        }
    }
}
