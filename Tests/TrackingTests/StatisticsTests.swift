import Tracking
import XCTest

/// Student's t, the mean's interval and the difference of two configurations' means, against
/// values computed once with scipy 1.17 (`scipy.stats.t`, `ttest_rel`, `ttest_ind(equal_var=False)`,
/// `t.interval`) and pinned here.
final class StatisticsTests: XCTestCase {
    func testStudentTMatchesScipy() {
        // (ν, t.ppf(0.975, ν), t.cdf(-1.3, ν), 2·t.sf(2.5, ν))
        let pinned: [(Double, Double, Double, Double)] = [
            (1, 12.706204736174694, 0.20871440016015272, 0.24223788318168682),
            (2, 4.302652729749462, 0.16162351590802015, 0.12961172022151082),
            (4, 2.7764451051977934, 0.13172579823561206, 0.06676654481198814),
            (9, 2.262157162798205, 0.11295318633652467, 0.033861827682985735),
            (29, 2.045229642132703, 0.1019195918310149, 0.018325344338426086),
            (3.7, 2.8675207071911895, 0.13433336208631375, 0.07182202291182678),
        ]
        for (df, q, cdf, p) in pinned {
            let t = StudentT(degreesOfFreedom: df)
            XCTAssertEqual(t.quantile(0.975), q, accuracy: 1e-9 * q, "ν = \(df)")
            XCTAssertEqual(t.critical(level: 0.95), q, accuracy: 1e-9 * q, "ν = \(df)")
            XCTAssertEqual(t.cdf(-1.3), cdf, accuracy: 1e-12, "ν = \(df)")
            XCTAssertEqual(t.cdf(1.3), 1 - cdf, accuracy: 1e-12, "ν = \(df)")
            XCTAssertEqual(t.twoSidedP(2.5), p, accuracy: 1e-12, "ν = \(df)")
            XCTAssertEqual(t.quantile(0.025), -q, accuracy: 1e-9 * q)
        }
    }

    let a = [0.182, 0.171, 0.195, 0.160, 0.177]

    func testTheMeansIntervalIsStudentsT() throws {
        let e = MeanEstimate(a)
        XCTAssertEqual(e.mean, 0.177, accuracy: 1e-15)
        XCTAssertEqual(e.std, 0.012980754985747169, accuracy: 1e-15)
        let interval = try XCTUnwrap(e.interval)
        XCTAssertEqual(interval.lowerBound, 0.16088226386469373, accuracy: 1e-12)
        XCTAssertEqual(interval.upperBound, 0.19311773613530625, accuracy: 1e-12)
        XCTAssertEqual(e.summary, "0.177 ±0.013 (5) [0.161, 0.193]")
        XCTAssertNil(MeanEstimate([0.3]).interval, "one seed: no interval, never a zero-width one")
        XCTAssertEqual(MeanEstimate([0.3]).summary, "0.3")
    }

    func testRunsWithTheSameSeedsArePaired() throws {
        let b = [0.201, 0.188, 0.199, 0.185, 0.210]
        let d = MeanDifference(a: zip(1...5, a).map { (Int64($0), $1) }, b: zip([3, 1, 2, 5, 4], [b[2], b[0], b[1], b[4], b[3]]).map { (Int64($0), $1) })
        XCTAssertEqual(d.method, .paired)
        XCTAssertEqual(d.t!, -4.090440968535443, accuracy: 1e-9)
        XCTAssertEqual(d.p!, 0.014969718534485796, accuracy: 1e-12)
        XCTAssertEqual(d.degreesOfFreedom, 4)
        let interval = try XCTUnwrap(d.interval)
        XCTAssertEqual(interval.lowerBound, -0.03290377934322345, accuracy: 1e-12)
        XCTAssertEqual(interval.upperBound, -0.00629622065677655, accuracy: 1e-12)
    }

    func testRunsWithOtherSeedsAreComparedByWelch() throws {
        let c = [0.25, 0.31, 0.22]
        let d = MeanDifference(a: zip(1...5, a).map { (Int64($0), $1) }, b: zip(1...3, c).map { (Int64($0), $1) })
        XCTAssertEqual(d.method, .welch)
        XCTAssertEqual(d.t!, -3.0642121680760654, accuracy: 1e-9)
        XCTAssertEqual(d.p!, 0.08196788266088369, accuracy: 1e-10)
        XCTAssertEqual(d.degreesOfFreedom, 2.1946635740057525, accuracy: 1e-12)
        let interval = try XCTUnwrap(d.interval)
        XCTAssertEqual(interval.lowerBound, -0.19017877737261324, accuracy: 1e-10)
        XCTAssertEqual(interval.upperBound, 0.024178777372613217, accuracy: 1e-10)
        XCTAssertNil(MeanDifference(a: [(1, 0.2)], b: [(1, 0.3)]).interval, "one run a side: nothing to estimate a spread from")
    }
}
