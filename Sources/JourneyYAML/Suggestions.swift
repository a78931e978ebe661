import Foundation
import JourneyModel

/// Hints for values an author wrote almost right: a duration in words, a time
/// with `pm`, a time zone by its city's name. Each returns the text of a hint,
/// or nil when it has no better idea than the general syntax help.
enum Suggestions {
    // MARK: Durations

    private static let durationUnits: [(words: [String], unit: Int64)] = [
        (["w", "wk", "wks", "week", "weeks"], 604_800),
        (["d", "day", "days"], 86_400),
        (["h", "hr", "hrs", "hour", "hours"], 3_600),
        (["m", "min", "mins", "minute", "minutes"], 60),
        (["s", "sec", "secs", "second", "seconds"], 1),
    ]

    /// The hint after a duration that did not parse: `1h30m` → "write `90m`", `2 hours` →
    /// "write `2h`", `2H` → "write `2h`", `0d` → zero is not a wait; else the syntax help.
    /// `prefix` goes before the suggestion (`cooldown ` for a reentry policy).
    static func duration(_ text: String, prefix: String = "") -> String {
        switch durationSuggestion(text) {
        case nil: return JourneyDuration.syntaxHelp
        case "0s"?: return "a duration must be longer than zero, such as `\(prefix)1d`"
        case let written?: return "write `\(prefix)\(written)`: one whole number and one unit (s, m, h, d, w)"
        }
    }

    /// How an author would write what `text` most likely means, when it reads as counts
    /// and units: one part keeps its unit (`7 days` → `7d`), several are added up in the
    /// largest unit that divides the total (`1h30m` → `90m`); `0s` for zero.
    static func durationSuggestion(_ text: String) -> String? {
        let compact = text.lowercased().filter { !$0.isWhitespace }
        var total: Int64 = 0
        var rest = Substring(compact)
        var parts: [(count: Int64, letter: String)] = []
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let word = rest.dropFirst(digits.count).prefix { $0.isLetter }
            guard !digits.isEmpty, !word.isEmpty, let count = Int64(digits),
                let unit = durationUnits.first(where: { $0.words.contains(String(word)) })
            else { return nil }
            let (seconds, overflow) = count.multipliedReportingOverflow(by: unit.unit)
            guard !overflow, total <= Int64.max - seconds else { return nil }
            total += seconds
            parts.append((count, unit.words[0]))
            rest = rest.dropFirst(digits.count + word.count)
        }
        if total == 0 { return "0s" }
        if parts.count == 1 { return "\(parts[0].count)\(parts[0].letter)" }
        return JourneyDuration(seconds: total).description
    }

    // MARK: Times of day

    /// `9pm` → `21:00`, `9:5` → `09:05`, `0930` → `09:30`, `24:00` → `00:00`.
    static func time(_ text: String) -> String? {
        var compact = Substring(text.lowercased().filter { !$0.isWhitespace })
        let meridiem = compact.hasSuffix("am") || compact.hasSuffix("pm")
        let offset = compact.hasSuffix("pm") ? 12 : 0
        if meridiem { compact = compact.dropLast(2) }
        let pieces = compact.split(separator: ":", omittingEmptySubsequences: false)
        var hour: Int
        var minute = 0
        if pieces.count == 1, compact.count == 4, let number = Int(compact) {
            (hour, minute) = (number / 100, number % 100)
        } else if pieces.count == 1, let number = Int(compact) {
            hour = number
        } else if pieces.count == 2, let h = Int(pieces[0]), let m = Int(pieces[1]), pieces[1].count == 2 {
            (hour, minute) = (h, m)
        } else {
            return nil
        }
        if meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + offset
        }
        if hour == 24 && minute == 0 { hour = 0 }
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        let suggestion = LocalTime(hour: hour, minute: minute).description
        guard suggestion != text else { return nil }
        return "write \"\(suggestion)\": a 24-hour time, HH:MM, in quotes"
    }

    // MARK: Time zones

    /// Names authors often write that are not IANA zones, with the zone they mean.
    /// Several candidates are tried in order, since the list of known zones varies
    /// between systems (some know `Asia/Kolkata`, some only `Asia/Calcutta`).
    private static let zoneAliases: [String: [String]] = {
        var table: [String: [String]] = [:]
        func add(_ names: [String], _ zones: [String]) {
            for name in names { table[name] = zones }
        }
        add(["asia/beijing", "beijing", "peking", "asia/peking", "china", "prc", "asia/guangzhou", "asia/shenzhen",
             "asia/hangzhou", "asia/chengdu", "asia/wuhan", "asia/nanjing", "china standard time"], ["Asia/Shanghai"])
        add(["hongkong", "hong kong", "asia/hongkong"], ["Asia/Hong_Kong"])
        add(["asia/mumbai", "asia/delhi", "asia/new_delhi", "asia/bangalore", "asia/bengaluru", "india", "ist"], ["Asia/Kolkata", "Asia/Calcutta"])
        add(["asia/hanoi", "asia/saigon"], ["Asia/Ho_Chi_Minh", "Asia/Saigon"])
        add(["asia/osaka", "asia/kyoto", "japan", "jst"], ["Asia/Tokyo"])
        add(["asia/busan", "korea", "kst"], ["Asia/Seoul"])
        add(["asia/abu_dhabi"], ["Asia/Dubai"])
        add(["america/san_francisco", "america/seattle", "america/san_diego", "america/san_jose", "us/pacific", "pst", "pdt"], ["America/Los_Angeles"])
        add(["america/washington", "america/boston", "america/miami", "america/atlanta", "america/philadelphia", "us/eastern", "est", "edt"], ["America/New_York"])
        add(["america/houston", "america/dallas", "america/austin", "us/central"], ["America/Chicago"])
        add(["america/salt_lake_city", "us/mountain", "mst", "mdt"], ["America/Denver"])
        add(["america/rio_de_janeiro", "america/rio", "brazil"], ["America/Sao_Paulo"])
        add(["europe/frankfurt", "europe/munich", "europe/hamburg", "germany", "cet", "cest"], ["Europe/Berlin"])
        add(["europe/milan"], ["Europe/Rome"])
        add(["europe/barcelona"], ["Europe/Madrid"])
        add(["europe/geneva"], ["Europe/Zurich"])
        add(["europe/manchester", "europe/edinburgh", "bst"], ["Europe/London"])
        add(["europe/st_petersburg", "europe/saint_petersburg", "msk"], ["Europe/Moscow"])
        add(["australia/canberra", "asia/sydney", "aest", "aedt"], ["Australia/Sydney"])
        return table
    }()

    /// A city zone at each common whole-hour offset, for hints after `UTC+8` or `GMT-5`.
    private static let zonesByOffset: [Int: [String]] = [
        0: ["UTC"], 1: ["Europe/Berlin"], 2: ["Europe/Athens"], 3: ["Europe/Moscow"], 4: ["Asia/Dubai"],
        7: ["Asia/Bangkok"], 8: ["Asia/Shanghai"], 9: ["Asia/Tokyo"], 10: ["Australia/Brisbane"],
        -3: ["America/Sao_Paulo"], -5: ["America/New_York"], -6: ["America/Chicago"], -7: ["America/Denver"], -8: ["America/Los_Angeles"],
    ]

    /// What to tell an author whose `timezone` is not a known zone.
    static func timezone(_ text: String) -> String {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if let zone = zoneAliases[lowered]?.first(where: { ZonedCalendar.zone(named: $0) != nil }) {
            return "did you mean `\(zone)`?"
        }
        if let offset = fixedOffset(lowered) {
            let city = zonesByOffset[offset]?.first { ZonedCalendar.zone(named: $0) != nil }
            let example = city.map { "such as `\($0)`" } ?? "such as `Asia/Shanghai`"
            return "`\(text)` is a fixed offset; write the IANA zone of a place \(example), which also knows its daylight-saving rules"
        }
        if let match = closestMatch(to: text, in: TimeZoneNames.all) {
            return "did you mean `\(match)`?"
        }
        return "use an IANA time zone name such as `Asia/Shanghai`, `Europe/Berlin` or `UTC`"
    }

    /// `utc+8`, `gmt-05:00`, `+0800` → the offset in whole hours.
    private static func fixedOffset(_ text: String) -> Int? {
        var rest = Substring(text)
        for prefix in ["utc", "gmt"] where rest.hasPrefix(prefix) { rest = rest.dropFirst(prefix.count) }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        rest = rest.dropFirst()
        let digits = rest.filter { $0 != ":" }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 4 else { return nil }
        let hours = digits.count > 2 ? Int(digits.prefix(digits.count - 2)) : Int(digits)
        guard let hours, hours <= 14 else { return nil }
        return sign == "-" ? -hours : hours
    }

    // MARK: Identifiers

    /// The first close match among `candidates`, as a hint.
    static func didYouMean(_ text: String, in candidates: some Sequence<String>) -> String? {
        closestMatch(to: text, in: candidates).map { "did you mean `\($0)`?" }
    }
}
