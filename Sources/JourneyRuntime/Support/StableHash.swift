import Foundation

/// FNV-1a, 64 bit: a hash that is the same in every process, on every machine,
/// in every release. Swift's `hashValue` is seeded per process, so it must
/// never decide shards or split variants.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Hashes several parts with a separator byte that ids cannot contain, so ("ab","c") ≠ ("a","bc").
    public static func fnv1a64(_ parts: String...) -> UInt64 {
        fnv1a64(parts.joined(separator: "\u{1F}"))
    }

    /// MurmurHash3's 64-bit finalizer. FNV-1a spreads the last bytes of an id
    /// poorly into the high bits, and ids like `user_0001`, `user_0002` differ
    /// only there; mixing makes every bit depend on every byte.
    public static func mix(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    /// A number in [0, 1) from a hash, using the top 53 bits of its mix.
    public static func unitInterval(_ hash: UInt64) -> Double {
        Double(mix(hash) >> 11) / Double(UInt64(1) << 53)
    }

    /// The shard of a customer: `mix(fnv1a64(customerID)) % shardCount`, over the id's NFC form.
    public static func shard(of customerID: String, shardCount: Int) -> Int {
        Int(customerHash(customerID) % UInt64(shardCount))
    }

    /// The hash that places a customer (shards, simulator partitions): `mix(fnv1a64(id))` over
    /// the id's bytes in Unicode's composed form (NFC).
    ///
    /// A customer is found by its id as a Swift `String`, and `String` equality is canonical
    /// equivalence: `café` written precomposed and with a combining accent are one id. Hashing
    /// the raw bytes put those two on different shards (or simulator partitions), so whether
    /// they were one customer depended on the shard count. Hashing the NFC form keeps every
    /// id equal to another on the same shard. Ids already in NFC (every ASCII id, and nearly
    /// every other) hash exactly as their bytes, so no existing customer moves.
    public static func customerHash(_ customerID: String) -> UInt64 {
        let isASCII = customerID.utf8.allSatisfy { $0 < 0x80 }
        return mix(fnv1a64(isASCII ? customerID : customerID.precomposedStringWithCanonicalMapping))
    }
}
