public import Foundation

/// SVG → PNG through `rsvg-convert`, when it is installed.
public enum PNGConverter {
    /// `svg` rendered as a PNG image.
    /// - Throws: ``ReportingError`` when `rsvg-convert` is missing or fails.
    public static func png(svg: String) throws(ReportingError) -> Data {
        let candidates = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"]
        guard let tool = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw .missingTool(name: "rsvg-convert", package: "librsvg2-bin", instead: "write .svg instead")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--background-color", "white", "-f", "png"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let png: Data
        do {
            try process.run()
            // Feed the SVG from another thread while the image is read here, so neither pipe fills.
            let svgData = Data(svg.utf8), writer = input.fileHandleForWriting
            let feeding = Thread { writer.write(svgData); try? writer.close() }
            feeding.start()
            png = output.fileHandleForReading.readDataToEndOfFile()
        } catch {
            throw .toolFailed(name: "rsvg-convert", reason: error.localizedDescription, output: "a PNG image")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0, !png.isEmpty else {
            throw .toolFailed(name: "rsvg-convert", reason: "exit \(process.terminationStatus)", output: "a PNG image")
        }
        return png
    }
}
