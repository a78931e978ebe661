import Foundation
import JourneyRuntime
import Testing

/// The hashes that place customers and split variants: the same everywhere, forever.
@Suite struct StableHashTests {
    @Test func fnv1a64MatchesThePublishedVectors() {
        // FNV-1a 64 test vectors (Fowler, Noll, Vo).
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func asciiIdsArePlacedByTheirBytes() {
        for id in ["c-1042", "user_0001", "7", "mei@example.cn"] {
            #expect(StableHash.customerHash(id) == StableHash.mix(StableHash.fnv1a64(id)), "\(id)")
        }
    }

    /// `String` equality is canonical equivalence, so these pairs are one customer; they must
    /// share a shard and a simulator partition for every count, or whether they are one
    /// customer would depend on the count.
    @Test(arguments: [
        ("caf\u{E9}", "cafe\u{301}"),  // é precomposed / e + combining acute
        ("\u{C5}x", "\u{212B}x"),  // Å / ANGSTROM SIGN
        ("\u{179}", "Z\u{301}"),  // Ź / Z + combining acute
        ("\u{D55C}\u{AE00}", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}"),  // 한글 composed / conjoining jamo
    ])
    func canonicallyEquivalentIdsArePlacedTogether(composed: String, decomposed: String) {
        #expect(composed == decomposed, "Swift treats them as one id")
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        #expect(StableHash.customerHash(composed) == StableHash.customerHash(decomposed))
        #expect(StableHash.customerHash(composed) == StableHash.mix(StableHash.fnv1a64(composed)), "an NFC id hashes as its bytes")
        for count in 1...16 {
            #expect(StableHash.shard(of: composed, shardCount: count) == StableHash.shard(of: decomposed, shardCount: count))
        }
    }
}
