import Foundation
import Neural

/// A one-line progress display on stderr, shown only when stderr is a terminal, redrawn at
/// most ten times a second.
final class ProgressLine {
    private let total: Int
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0
    private var elapsed = 0.0

    init(total: Int) { self.total = total }

    func update(_ report: EpochReport) {
        elapsed += report.seconds
        guard enabled else { return }
        let now = Date().timeIntervalSince1970
        guard now - lastDraw > 0.1 || report.epoch == total else { return }
        lastDraw = now
        let rate = Double(report.epoch) / max(elapsed, 1e-9)
        let eta = Double(total - report.epoch) / max(rate, 1e-9)
        let line = String(format: "\repoch %d/%d  train loss %.4f  test loss %.4f  %.0f epochs/s  ETA %.0fs\u{1B}[K",
                          report.epoch, total, report.trainLoss, report.testLoss, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
