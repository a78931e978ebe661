/// "Did you mean …?" suggestions for misspelled names: functions, path roots,
/// keys of a journey file.
///
/// An author who writes `lowr(profile.city)` or `profle.age` should be told the
/// name they almost certainly meant rather than only that theirs is unknown.
/// The validator reuses this for unknown YAML keys and step targets.

/// The candidate closest to `name` by edit distance, or `nil` when none is close
/// enough to be a plausible typo.
///
/// The distance is the optimal-string-alignment distance (insertions, deletions,
/// substitutions and swaps of two neighbouring characters each count 1), computed
/// case-insensitively, so `Profile`, `porfile` and `profle` all suggest `profile`.
/// A suggestion is offered only when the distance is at most a third of the length
/// of the shorter of the two names (at least 1), so `days_sinse` finds `days_since`
/// but a short name never "matches" an unrelated one.
/// Ties go to the alphabetically first candidate, so the hint never depends on the
/// order of a set or dictionary.
public func closestMatch(to name: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased())
    guard !target.isEmpty else { return nil }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let folded = Array(candidate.lowercased())
        guard !folded.isEmpty else { continue }
        let limit = typoThreshold(forLength: min(target.count, folded.count))
        guard abs(folded.count - target.count) <= limit else { continue }
        guard let distance = editDistance(target, folded, limit: limit) else { continue }
        if let current = best,
            current.distance < distance || (current.distance == distance && current.candidate <= candidate)
        {
            continue
        }
        best = (candidate, distance)
    }
    return best?.candidate
}

/// How many edits still look like a typo rather than a different word: one per
/// three characters, at least one (`lowr` → `lower`, but not `user` → `upper`).
private func typoThreshold(forLength length: Int) -> Int {
    max(1, length / 3)
}

/// The optimal-string-alignment distance between `a` and `b`, or `nil` as soon as it
/// is certain to exceed `limit` (so comparing against many long candidates stays cheap).
private func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
    if a.isEmpty { return b.count <= limit ? b.count : nil }
    if b.isEmpty { return a.count <= limit ? a.count : nil }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                value = min(value, previousPrevious[j - 2] + 1)
            }
            current[j] = value
            rowMinimum = min(rowMinimum, value)
        }
        if rowMinimum > limit { return nil }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    let distance = previous[b.count]
    return distance <= limit ? distance : nil
}
