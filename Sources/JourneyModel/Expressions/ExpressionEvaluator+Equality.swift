extension ExpressionEvaluator {
    /// `==`, `in` and `contains` compare exactly: two strings are equal when their Unicode
    /// scalars are, as the guide says and as `<` already orders them. Swift's own `String`
    /// equality is canonical equivalence, under which a precomposed `é` equals `e` plus a
    /// combining accent: `==` would then hold for two values that `<` puts in order.
    static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            // The byte counts first: O(1) for native strings, and most unequal texts differ there.
            return a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
        default:
            return lhs == rhs
        }
    }

    /// Whether `haystack` holds `needle` as a run of the same Unicode scalars.
    static func holds(_ haystack: String, _ needle: String) -> Bool {
        needle.isEmpty || haystack.utf8.firstRange(of: needle.utf8) != nil
    }
}
