import Foundation
import Testing
@testable import JourneyModel

@Suite("LocalTime and Weekday parsing")
struct LocalTimeAndWeekdayParsingTests {
    @Test(arguments: [
        ("9:30", 9, 30, "09:30"),
        ("09:30", 9, 30, "09:30"),
        ("0:00", 0, 0, "00:00"),
        ("00:00", 0, 0, "00:00"),
        ("21:00", 21, 0, "21:00"),
        ("23:59", 23, 59, "23:59"),
        ("7:05", 7, 5, "07:05"),
    ] as [(String, Int, Int, String)])
    func parsesTimes(text: String, hour: Int, minute: Int, canonical: String) throws {
        let time = try #require(LocalTime.parse(text))
        #expect(time == LocalTime(hour: hour, minute: minute))
        #expect(time.description == canonical)
        #expect(LocalTime.parse(time.description) == time)
    }

    @Test(arguments: [
        "", "24:00", "12:60", "9:5", "930", "0930", "09-30", "123:00", " 9:30", "9:30 ",
        "09:30:00", ":30", "9:", "-1:30", "9:3a", "٩:٣٠", "9:30pm",
    ])
    func rejectsTimes(text: String) {
        #expect(LocalTime.parse(text) == nil)
    }

    @Test(arguments: [
        ("mon", Weekday.mon), ("Mon", .mon), ("MONDAY", .mon), ("tue", .tue), ("Tuesday", .tue),
        ("wed", .wed), ("thu", .thu), ("thursday", .thu), ("fri", .fri), ("sat", .sat),
        ("saturday", .sat), ("sun", .sun), ("Sunday", .sun),
    ])
    func parsesWeekdays(text: String, weekday: Weekday) {
        #expect(Weekday.parse(text) == weekday)
    }

    @Test(arguments: ["", "mo", "tues", "thur", "mond", "monday ", "1", "lundi"])
    func rejectsWeekdays(text: String) {
        #expect(Weekday.parse(text) == nil)
    }

    @Test func convertsGregorianNumbers() {
        #expect(Weekday(gregorianWeekday: 1) == .sun)
        #expect(Weekday(gregorianWeekday: 2) == .mon)
        #expect(Weekday(gregorianWeekday: 7) == .sat)
        #expect(Weekday(gregorianWeekday: 0) == nil)
        #expect(Weekday(gregorianWeekday: 8) == nil)
        for weekday in Weekday.allCases {
            #expect(Weekday(gregorianWeekday: weekday.gregorianWeekday) == weekday)
            #expect(Weekday(cronNumber: weekday.cronNumber) == weekday)
        }
        #expect(Weekday(cronNumber: 7) == .sun)
        #expect(Weekday.sun.cronNumber == 0)
    }

    @Test func agreesWithFoundationCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeFixture.utc
        // 2024-03-10 was a Sunday; walk a fortnight from there.
        let start = TimeFixture.instant("2024-03-10T12:00:00Z")
        let expected: [Weekday] = [.sun, .mon, .tue, .wed, .thu, .fri, .sat]
        for offset in 0..<14 {
            let date = start.addingTimeInterval(Double(offset) * 86_400)
            let number = calendar.component(.weekday, from: date)
            #expect(Weekday(gregorianWeekday: number) == expected[offset % 7])
        }
    }
}
