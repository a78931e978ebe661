import Foundation

/// SplitMix64: a small, fast, seedable generator. Everything random in Waymark
/// draws from one (the simulator's synthetic populations, a node's retry jitter),
/// never from the system generator, so a seed fixes every output byte for byte.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one entity (a customer, a send), independent of the order entities are met in.
    public init(seed: UInt64, _ parts: String...) {
        state = seed ^ StableHash.mix(StableHash.fnv1a64(parts.joined(separator: "\u{1F}")))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
