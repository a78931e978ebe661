import Foundation

/// The statistics of the variant table.
public enum Statistics {
    /// A two-sided two-proportion z-test with the pooled proportion:
    /// `z = (p1 − p2) / sqrt(p(1 − p)(1/n1 + 1/n2))`, `p = (x1 + x2) / (n1 + n2)`,
    /// p-value `= erfc(|z| / √2)` (twice the normal tail beyond |z|).
    ///
    /// Nil when a group is empty. When both groups convert at the same rate of 0 or 1
    /// the spread is zero and there is no evidence of a difference: z = 0, p = 1.
    public static func twoProportionZTest(successes1: Int, trials1: Int, successes2: Int, trials2: Int) -> (z: Double, pValue: Double)? {
        guard trials1 > 0, trials2 > 0 else { return nil }
        let n1 = Double(trials1), n2 = Double(trials2)
        let p1 = Double(successes1) / n1, p2 = Double(successes2) / n2
        let pooled = Double(successes1 + successes2) / (n1 + n2)
        let standardError = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard standardError > 0 else { return (0, 1) }
        let z = (p1 - p2) / standardError
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }

    /// The standard normal distribution function, through `erfc` (accurate far into the tails).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Rounds to `digits` decimals, so that reports do not print 17 digits of noise.
    static func rounded(_ value: Double, digits: Int = 6) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }

    /// Rounds to `digits` significant digits (for p-values, which may be tiny).
    static func significant(_ value: Double, digits: Int = 6) -> Double {
        guard value != 0, value.isFinite else { return value }
        return Double(String(format: "%.\(digits)g", value)) ?? value
    }
}
