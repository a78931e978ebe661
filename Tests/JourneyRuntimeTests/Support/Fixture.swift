import Foundation
import JourneyModel
import JourneyRuntime

/// Instants, durations and journey builders for the runtime tests. Expected
/// instants are read by Foundation's own ISO-8601 parser, never by the code under test.
enum Fixture {
    /// 2024-03-04T09:00:00Z, a Monday.
    static let monday9 = instant("2024-03-04T09:00:00Z")

    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad fixture instant \(text)") }
        return date
    }

    /// `+0`, `+30m`, `+1d2h`, `+45s`: an offset as logs print it.
    static func offsetText(_ interval: TimeInterval) -> String {
        var rest = Int(interval.rounded())
        guard rest != 0 else { return "+0" }
        let sign = rest < 0 ? "-" : "+"
        rest = abs(rest)
        var text = sign
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// One action as a log line: time, journey#run, action, step, then the fields that are set.
    static func line(_ action: ActionRecord, time: String) -> String {
        var text = "\(time) \(action.journey)#\(action.run) \(action.action.rawValue) \(action.step ?? "-")"
        if let channel = action.channel { text += " ch=\(channel)" }
        if let template = action.template { text += " tpl=\(template)" }
        if let variant = action.variant { text += " var=\(variant)" }
        if let reason = action.reason { text += " why=\(reason)" }
        return text
    }
}

// MARK: Durations as offsets

func seconds(_ n: Double) -> TimeInterval { n }
func minutes(_ n: Double) -> TimeInterval { n * 60 }
func hours(_ n: Double) -> TimeInterval { n * 3_600 }
func days(_ n: Double) -> TimeInterval { n * 86_400 }

// MARK: Journey builders (public initialisers and parsers only)

func expr(_ text: String) -> JourneyModel.Expression {
    do { return try JourneyModel.Expression.parse(text) } catch { fatalError("bad fixture expression \(text): \(error)") }
}

func duration(_ text: String) -> JourneyDuration {
    guard let value = JourneyDuration.parse(text) else { fatalError("bad fixture duration \(text)") }
    return value
}

func clock(_ text: String) -> LocalTime {
    guard let value = LocalTime.parse(text) else { fatalError("bad fixture time \(text)") }
    return value
}

func cron(_ text: String) -> CronSchedule {
    do { return try CronSchedule.parse(text) } catch { fatalError("bad fixture cron \(text): \(error)") }
}

/// A journey with the defaults most tests want: id `j`, entered by `signup`, UTC.
func journey(
    _ id: String = "j", entry: EntryTrigger = .event(name: "signup", condition: nil), reentry: ReentryPolicy = .afterExit,
    timezone: String = "UTC", exits: [EventCriterion] = [], goal: Goal? = nil, limits: Limits = Limits(), steps: [Step]
) -> JourneyDefinition {
    JourneyDefinition(
        id: id, timezone: timezone, entry: Entry(trigger: entry, reentry: reentry), exits: exits, goal: goal,
        limits: limits, steps: steps)
}

func step(_ id: String, _ action: StepAction, next: Target? = nil) -> Step {
    Step(id: id, action: action, next: next)
}

extension StepAction {
    static func email(_ template: String) -> StepAction { .send(Send(channel: .single("email"), template: template)) }
    static func sendOn(_ channel: ChannelSelection, _ template: String) -> StepAction { .send(Send(channel: channel, template: template)) }
    static func pause(_ text: String) -> StepAction { .wait(duration(text)) }
    static func until(_ time: String, on weekdays: Set<Weekday>? = nil) -> StepAction {
        .waitUntil(WaitUntil(time: clock(time), weekdays: weekdays))
    }
    static func await(
        _ event: String, timeout: String, where condition: String? = nil, onEvent: Target? = nil, onTimeout: Target? = nil
    ) -> StepAction {
        .waitFor(WaitFor(event: event, condition: condition.map { expr($0) }, timeout: duration(timeout), onEvent: onEvent, onTimeout: onTimeout))
    }
    static func setting(_ path: String, to value: String) -> StepAction {
        .update(ProfileUpdate(set: [.init(path: path.split(separator: ".").map(String.init), value: expr(value))]))
    }
}

/// A customer event for inputs built by hand.
func customerEvent(_ name: String, at time: Date, customer: String = "c1", _ properties: [String: JSONValue] = [:]) -> CustomerEvent {
    CustomerEvent(customerID: customer, name: name, time: time, properties: properties)
}
