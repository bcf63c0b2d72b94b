import Foundation
import XCTest

final class RunCommandTests: EndToEndTestCase {
    func testRunTrainsAndPrintsASummary() throws {
        let r = try gradbook("run", "--dataset", "xor", "--layers", "8,8", "--activation", "relu", "--initializer", "he",
                             "--lr", "0.03", "--epochs", "60", "--seed", "2")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("finished after 60 epochs"), r.stdout)
        let accuracy = try XCTUnwrap(r.stdout.firstMatch(of: /test accuracy ([0-9.]+)/)?.1)
        XCTAssertGreaterThanOrEqual(Double(accuracy)!, 0.95)
        XCTAssertEqual(r.stderr, "", "no progress noise when stderr is not a terminal")
    }

    func testSameSeedSameSummary() throws {
        let a = try gradbook("run", "--dataset", "circle", "--epochs", "5", "--seed", "9")
        let b = try gradbook("run", "--dataset", "circle", "--epochs", "5", "--seed", "9")
        XCTAssertEqual([a.status, b.status], [0, 0], a.stderr + b.stderr)
        let metrics = { (s: String) in s.split(separator: "\n").last.map(String.init) }
        XCTAssertTrue(metrics(a.stdout)?.contains("test loss") == true, a.stdout)
        XCTAssertEqual(metrics(a.stdout), metrics(b.stdout))
    }

    func testCSVDataSet() throws {
        var text = "u,v,colour\n"
        for i in 0..<200 { let x = Double(i % 20) / 10 - 1, y = Double(i / 20) / 5 - 1; text += "\(x),\(y),\(x > 0 ? "red" : "blue")\n" }
        try Data(text.utf8).write(to: folder.appendingPathComponent("points.csv"))
        let r = try gradbook("run", "--dataset", "points.csv", "--label", "colour", "--layers", "4", "--epochs", "40")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("points.csv"), r.stdout)
    }

    func testBadValuesAreUsageErrorsNamingTheValue() throws {
        let cases: [([String], String)] = [
            (["--activation", "relu7"], "invalid --activation 'relu7'"),
            (["--layers", "8,,x"], "invalid --layers '8,,x'"),
            (["--lr=-0.1"], "invalid --lr '-0.1': expected a positive number"),
            (["--dataset", "spirals"], "invalid dataset 'spirals'"),
            (["--noise", "80"], "invalid --noise '80': expected a percentage from 0 to 50"),
            (["--optimizer", "adagrad"], "invalid --optimizer 'adagrad'"),
            (["--epochs", "ten"], "'ten'"),
        ]
        for (args, message) in cases {
            let r = try GradbookProcess.run(["run"] + args, in: folder)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
        }
    }

    func testFileProblemsAreFailures() throws {
        let missing = try gradbook("run", "--dataset", "nope/missing.csv")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot read 'nope/missing.csv'"), missing.stderr)
        try Data("x,label\n1,a\n2\n".utf8).write(to: folder.appendingPathComponent("ragged.csv"))
        let ragged = try gradbook("run", "--dataset", "ragged.csv")
        XCTAssertEqual(ragged.status, 1)
        XCTAssertTrue(ragged.stderr.contains("ragged.csv:3: expected 2 fields"), ragged.stderr)
    }

    func testDivergenceIsAFailureWithAReason() throws {
        let r = try gradbook("run", "--dataset", "plane", "--lr", "1000000", "--activation", "relu", "--epochs", "20")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("diverged"), r.stdout)
    }
}

final class HelpTests: EndToEndTestCase {
    /// --help prints to stdout and succeeds, at the root and for a subcommand.
    func testHelpSucceedsOnStandardOutput() throws {
        let root = try gradbook("--help")
        XCTAssertEqual(root.status, 0, root.stderr)
        XCTAssertTrue(root.stdout.contains("SUBCOMMANDS:") && root.stdout.contains("report"), root.stdout)
        XCTAssertEqual(root.stderr, "")
        let runs = try gradbook("runs", "--help")
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertTrue(runs.stdout.contains("--where <filter>"), runs.stdout)
        XCTAssertFalse(runs.stdout.contains("(default: 10) (default: 10.0)"), "one default per option")
        XCTAssertEqual(try gradbook("help", "export", "curves").status, 0)
    }
}
