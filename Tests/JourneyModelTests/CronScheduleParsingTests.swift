import Foundation
import Testing
@testable import JourneyModel

@Suite("CronSchedule parsing")
struct CronScheduleParsingTests {
    @Test func readsEveryFieldForm() throws {
        let schedule = try CronSchedule.parse("*/15 9-17/4 1,15 JAN-mar,dec */2")
        #expect(schedule.minutes == [0, 15, 30, 45])
        #expect(schedule.hours == [9, 13, 17])
        #expect(schedule.daysOfMonth == [1, 15])
        #expect(schedule.months == [1, 2, 3, 12])
        #expect(schedule.daysOfWeek == [0, 2, 4, 6])
        #expect(!schedule.dayOfMonthIsWildcard)
        #expect(schedule.dayOfWeekIsWildcard)
    }

    @Test func wildcardsCoverTheFullRange() throws {
        let schedule = try CronSchedule.parse("* * * * *")
        #expect(schedule.minutes == Set(0...59))
        #expect(schedule.hours == Set(0...23))
        #expect(schedule.daysOfMonth == Set(1...31))
        #expect(schedule.months == Set(1...12))
        #expect(schedule.daysOfWeek == Set(0...6))
        #expect(schedule.dayOfMonthIsWildcard && schedule.dayOfWeekIsWildcard)
    }

    @Test(arguments: [
        ("0 0 * * 7", Set([0])),
        ("0 0 * * 0", Set([0])),
        ("0 0 * * 0-7", Set(0...6)),
        ("0 0 * * mon-fri", Set(1...5)),
        ("0 0 * * MON-sun", Set(0...6)),
        ("0 0 * * fri-sun", Set([5, 6, 0])),
        ("0 0 * * sun-tue", Set([0, 1, 2])),
        ("0 0 * * 1-7/3", Set([1, 4, 0])),
        ("0 0 * * Sat,SUN", Set([6, 0])),
    ])
    func readsDaysOfWeek(text: String, days: Set<Int>) throws {
        #expect(try CronSchedule.parse(text).daysOfWeek == days)
    }

    @Test func starPrefixedDayFieldCountsAsUnrestricted() throws {
        // Vixie cron: a field starting with `*` (even `*/2`) is "unrestricted" for the OR rule.
        let schedule = try CronSchedule.parse("0 0 */2 * 1")
        #expect(schedule.dayOfMonthIsWildcard)
        #expect(!schedule.dayOfWeekIsWildcard)
        #expect(schedule.daysOfMonth == Set(stride(from: 1, through: 31, by: 2)))
    }

    @Test func normalisesWhitespaceInSource() throws {
        let schedule = try CronSchedule.parse("  0  10\t8 * *  ")
        #expect(schedule.source == "0 10 8 * *")
        #expect(schedule.description == "0 10 8 * *")
        #expect(schedule.minutes == [0] && schedule.hours == [10] && schedule.daysOfMonth == [8])
    }

    @Test(arguments: [
        ("60 * * * *", 0),
        ("*/0 * * * *", 0),
        ("5-2 * * * *", 0),
        ("5/10 * * * *", 0),
        ("1,,2 * * * *", 0),
        ("1, * * * *", 0),
        ("a * * * *", 0),
        ("1/2/3 * * * *", 0),
        ("-5 * * * *", 0),
        ("99999 * * * *", 0),
        ("* 24 * * *", 1),
        ("* mon * * *", 1),
        ("* 1- * * *", 1),
        ("* * 0 * *", 2),
        ("* * 32 * *", 2),
        ("* * ? * *", 2),
        ("* * L * *", 2),
        ("* * 1W * *", 2),
        ("* * * 0 *", 3),
        ("* * * 13 *", 3),
        ("* * * foo *", 3),
        ("* * * january *", 3),
        ("* * * * 8", 4),
        ("* * * * funday", 4),
        ("* * * * mon-", 4),
        ("* * * * sat-mon", 4),
        ("* * * * 1#2", 4),
        ("* * * * jan", 4),
        ("", 0),
        ("@daily", 1),
        ("* * * *", 4),
        ("* * * * * *", 5),
    ])
    func reportsTheBadField(text: String, field: Int) {
        #expect(throws: CronSyntaxError.self) { try CronSchedule.parse(text) }
        do throws(CronSyntaxError) {
            _ = try CronSchedule.parse(text)
        } catch {
            #expect(error.field == field, "\(text): \(error.message)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func messagesNameTheFieldAndTheValue() {
        func message(_ text: String) -> String {
            do throws(CronSyntaxError) {
                _ = try CronSchedule.parse(text)
                return ""
            } catch {
                return error.message
            }
        }
        #expect(message("* * 32 * *") == "day-of-month 32 is out of range (1-31)")
        #expect(message("* 24 * * *") == "hour 24 is out of range (0-23)")
        #expect(message("* * * * 8") == "day-of-week 8 is out of range (0-7)")
        #expect(message("5/10 * * * *").contains("5-59/10"))
        #expect(message("* * * *").contains("found 4 fields"))
        #expect(message("* * * foo *").contains("`foo`"))
    }
}
