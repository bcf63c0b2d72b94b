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
            (["--dataset", "spirals"], "invalid dataset 'spirals': expected one of circle, xor, gauss, spiral, plane, multigauss, moons, blobs "
                + "or the path of a CSV file (did you mean 'spiral'?)"),
            (["--learning-rate", "0.1"], "Unknown option '--learning-rate'. Did you mean '--lr'?"),
            (["--epoch", "3"], "Unknown option '--epoch'. Did you mean '--epochs'?"),
            (["--activaton", "relu"], "Did you mean '--activation'?"),
            (["--batchsize", "5"], "Did you mean '--batch-size'?"),
            (["--activation", "rleu"], "(did you mean 'relu'?)"),
            (["--optimizer", "adamm"], "(did you mean 'adam'?)"),
            (["--epochs", "3", "--epochs=4"], "--epochs was given twice ('3' and '4'); it takes one value: give it once"),
            (["--lr", "0.1", "--seed", "1", "--lr", "0.3"], "--lr was given twice ('0.1' and '0.3')"),
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

    /// A name works wherever an id does; a shared name is an error that lists its runs; a
    /// repeated single-value option on any command is an error, never the last one silently.
    func testRunsByNameAndRepeatedOptions() throws {
        for (name, experiment) in [("baseline", "a"), ("twice", "b"), ("twice", "c")] {
            XCTAssertEqual(try gradbook("run", "--epochs", "2", "--name", name, "--experiment", experiment).status, 0)
        }
        let show = try gradbook("show", "baseline")
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.hasPrefix("run 1 \"baseline\""), show.stdout)
        let shared = try gradbook("export", "curves", "twice")
        XCTAssertEqual(shared.status, 1)
        XCTAssertTrue(shared.stderr.contains("'twice' names several runs: 2 ("), shared.stderr)
        XCTAssertTrue(shared.stderr.contains("; 3 ("), shared.stderr)
        let output = try gradbook("export", "curves", "1", "-o", "a.csv", "-o", "b.csv")
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.stderr.contains("-o was given twice ('a.csv' and 'b.csv')"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.csv").path))
        let filters = try gradbook("runs", "--where", "id = 1", "--where", "id = 2")
        XCTAssertEqual(filters.status, 2)
        XCTAssertTrue(filters.stderr.contains("--where was given twice"), filters.stderr)
        let both = try gradbook("runs", "--experiment", "a", "--experiment", "c", "--format", "csv", "--columns", "id")
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(both.stdout.split(whereSeparator: \.isNewline), ["id", "3", "1"], both.stdout)
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
