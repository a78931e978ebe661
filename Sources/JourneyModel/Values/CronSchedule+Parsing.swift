import Foundation

/// Why a cron expression could not be read, and which field is at fault, so the
/// validator can point at the field rather than at the whole string.
public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for the author, naming the field and the offending text.
    public var message: String
    /// 0-based index of the bad field (0 = minute … 4 = day-of-week). When the
    /// expression has the wrong number of fields, the index of the first missing
    /// field (the field count) or of the first extra one (5).
    public var field: Int

    public init(message: String, field: Int) {
        self.message = message
        self.field = field
    }

    public var description: String { message }
}

extension CronSchedule {
    /// Text for a validator hint after a cron expression fails to parse.
    public static let syntaxHelp =
        "five fields: minute hour day-of-month month day-of-week, e.g. \"0 10 8 * *\" (10:00 on the 8th) or \"30 9 * * mon-fri\""

    /// The names of the five fields, in order, as messages spell them.
    public static let fieldNames = ["minute", "hour", "day-of-month", "month", "day-of-week"]

    /// Reads a five-field cron expression: `minute hour day-of-month month day-of-week`,
    /// separated by spaces or tabs.
    ///
    /// Each field is `*` or a comma-separated list of numbers, ranges `a-b`, and
    /// steps `*/n` or `a-b/n`. Months may be written `jan`–`dec` and weekdays
    /// `sun`–`sat` (any case). Day-of-week runs 0–7 with both 0 and 7 Sunday;
    /// `sun` closing a range means 7, so `mon-sun` and `fri-sun` work.
    ///
    /// Rejected rather than guessed: `a/n` without a range (write `a-59/n`),
    /// backward ranges, a zero step, values out of the field's range, and the
    /// non-standard `?`, `L`, `W`, `#` and `@daily` forms.
    ///
    /// The day fields follow Vixie cron: a field starting with `*` (including `*/n`)
    /// counts as unrestricted, and when neither starts with `*` a day matches if
    /// either field matches.
    public static func parse(_ text: String) throws(CronSyntaxError) -> CronSchedule {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            let found = fields.count == 1 ? "1 field" : "\(fields.count) fields"
            throw CronSyntaxError(
                message: "a cron schedule has five fields (minute hour day-of-month month day-of-week); found \(found)",
                field: Swift.min(fields.count, 5)
            )
        }
        var sets: [Set<Int>] = []
        for (index, spec) in FieldSpec.all.enumerated() {
            sets.append(try spec.parse(fields[index], index: index))
        }
        return CronSchedule(
            source: fields.joined(separator: " "),
            minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3],
            daysOfWeek: Set(sets[4].map { $0 % 7 }),
            dayOfMonthIsWildcard: fields[2].hasPrefix("*"),
            dayOfWeekIsWildcard: fields[4].hasPrefix("*")
        )
    }
}

/// The grammar and range of one cron field.
private struct FieldSpec {
    var name: String
    var range: ClosedRange<Int>
    /// What `*` stands for; day-of-week uses 0–6 so that `*/2` does not pick Sunday twice.
    var wildcard: ClosedRange<Int>
    var names: [String: Int] = [:]
    /// Day-of-week only: `sun` at the end of a range means 7.
    var sundayClosesAsSeven = false

    static let all: [FieldSpec] = [
        FieldSpec(name: "minute", range: 0...59, wildcard: 0...59),
        FieldSpec(name: "hour", range: 0...23, wildcard: 0...23),
        FieldSpec(name: "day-of-month", range: 1...31, wildcard: 1...31),
        FieldSpec(
            name: "month", range: 1...12, wildcard: 1...12,
            names: ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
        ),
        FieldSpec(
            name: "day-of-week", range: 0...7, wildcard: 0...6,
            names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6],
            sundayClosesAsSeven: true
        ),
    ]

    func parse(_ field: Substring, index: Int) throws(CronSyntaxError) -> Set<Int> {
        var result = Set<Int>()
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw fail("the \(name) field `\(field)` has an empty list entry", index)
            }
            result.formUnion(try parseItem(item, index: index))
        }
        return result
    }

    private func parseItem(_ item: Substring, index: Int) throws(CronSyntaxError) -> [Int] {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail("`\(item)` in the \(name) field has more than one `/`", index) }
        var step = 1
        if parts.count == 2 {
            guard let n = Self.number(parts[1]), n > 0 else {
                throw fail("the step in `\(item)` (\(name) field) must be a positive whole number", index)
            }
            step = n
        }
        let base = parts[0]
        let bounds: ClosedRange<Int>
        if base == "*" {
            bounds = wildcard
        } else if let dash = base.firstIndex(of: "-") {
            let low = try value(base[..<dash], closesRange: false, index: index)
            let high = try value(base[base.index(after: dash)...], closesRange: true, index: index)
            guard low <= high else {
                throw fail("the range `\(base)` in the \(name) field runs backwards", index)
            }
            bounds = low...high
        } else {
            let single = try value(base, closesRange: false, index: index)
            guard parts.count == 1 else {
                throw fail("a step needs a range: write `\(single)-\(range.upperBound)/\(step)` or `*/\(step)` in the \(name) field", index)
            }
            return [single]
        }
        return Array(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
    }

    private func value(_ text: Substring, closesRange: Bool, index: Int) throws(CronSyntaxError) -> Int {
        if let n = Self.number(text) {
            guard range.contains(n) else {
                throw fail("\(name) \(n) is out of range (\(range.lowerBound)-\(range.upperBound))", index)
            }
            return n
        }
        if let n = names[text.lowercased()] {
            return (closesRange && sundayClosesAsSeven && n == 0) ? 7 : n
        }
        if text.isEmpty { throw fail("a range in the \(name) field is missing a number", index) }
        let expected = names.isEmpty
            ? "a number \(range.lowerBound)-\(range.upperBound)"
            : "a number \(range.lowerBound)-\(range.upperBound) or a name such as `\(name == "month" ? "jan" : "mon")`"
        throw fail("`\(text)` is not a valid \(name): expected \(expected)", index)
    }

    /// Digits only, at most four of them (anything longer is out of every range).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        return Int(text)
    }

    private func fail(_ message: String, _ index: Int) -> CronSyntaxError {
        CronSyntaxError(message: message, field: index)
    }
}
