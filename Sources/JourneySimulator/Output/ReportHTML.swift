import Foundation
import JourneyModel

/// `report.html`: one self-contained page (inline CSS and SVG, nothing fetched)
/// with, per journey, the step graph and its counts, a funnel and the variant table.
enum ReportHTML {
    static func render(_ summary: SimulationSummary) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Waymark simulation</title>
            <style>\(css)</style>
            </head><body>
            <header><h1>Waymark simulation</h1>
            <p class="muted">\(escape(Timestamp.format(summary.stats.start))) → \(escape(Timestamp.format(summary.stats.until))) (virtual time, UTC)</p>
            <div class="cards">
            """
        let totals: [(String, Int)] = [
            ("events processed", summary.stats.eventsProcessed), ("customers", summary.stats.customers),
            ("actions", summary.actions), ("events after --until", summary.stats.eventsAfterUntil),
            ("bad rows skipped", summary.totals.badRowsSkipped), ("timers pending at the end", summary.stats.pendingTimers.values.reduce(0, +)),
        ]
        for (label, value) in totals { html += card(label, grouped(value)) }
        html += "</div>\n<nav>"
        for journey in summary.journeys {
            html += "<a href=\"#\(anchor(journey))\">\(escape(journey.definition.id)) v\(journey.version)</a>"
        }
        html += "</nav></header>\n<main>\n"
        for journey in summary.journeys { html += section(journey) }
        html += "</main>\n<footer class=\"muted\">Written by <code>waymark simulate</code>. Counts on steps are runs that reached them; counts on arrows are runs that took them.</footer>\n</body></html>\n"
        return html
    }

    static func anchor(_ journey: SimulationSummary.Journey) -> String {
        "\(journey.definition.id)-v\(journey.version)"
    }

    private static func section(_ journey: SimulationSummary.Journey) -> String {
        let definition = journey.definition
        let tally = journey.tally
        var html = "<section id=\"\(anchor(journey))\">\n<h2>\(escape(definition.name ?? definition.id)) <span class=\"muted\">\(escape(definition.id)) · version \(journey.version)</span></h2>\n"
        if let description = definition.description { html += "<p class=\"description\">\(escape(description))</p>\n" }
        html += "<p class=\"muted\">Entry: \(escape(entryText(definition)))</p>\n<div class=\"cards\">"
        html += card("customers entered", grouped(tally.customersEntered.count))
        html += card("runs", grouped(tally.runs))
        html += card("sends", grouped(tally.sends.values.reduce(0, +)))
        html += card("goals", grouped(tally.goals))
        html += card("conversion", percent(SimulationSummary.rate(tally.goals, of: tally.runs)))
        html += card("pending timers", grouped(journey.pendingTimers))
        html += "</div>\n<div class=\"tables\">"
        html += countTable("Sends by channel", tally.sends)
        html += countTable("Exits by reason", tally.exits)
        html += countTable("Suppressed by reason", tally.suppressions)
        html += "</div>\n<h3>Steps</h3>\n<div class=\"graph\">\(svg(journey))</div>\n"
        html += funnel(journey)
        html += variantTable(journey)
        html += "</section>\n"
        return html
    }

    static func entryText(_ definition: JourneyDefinition) -> String {
        switch definition.entry.trigger {
        case .event(let name, let condition): "event \(name)" + (condition.map { " where \($0.source)" } ?? "")
        case .segment(let condition, let recheck): "segment \(condition.source) (rechecked every \(recheck))"
        case .schedule(let cron, let audience): "schedule \(cron.source)" + (audience.map { " for \($0.source)" } ?? "")
        }
    }

    private static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><div class=\"value\">\(escape(value))</div><div class=\"label\">\(escape(label))</div></div>"
    }

    private static func countTable(_ title: String, _ counts: [String: Int]) -> String {
        var html = "<table class=\"counts\"><caption>\(escape(title))</caption>"
        if counts.isEmpty { html += "<tr><td class=\"muted\">none</td><td></td></tr>" }
        for key in counts.keys.sorted() {
            html += "<tr><td>\(escape(key))</td><td class=\"num\">\(grouped(counts[key]!))</td></tr>"
        }
        return html + "</table>"
    }

    private static func funnel(_ journey: SimulationSummary.Journey) -> String {
        let tally = journey.tally
        var rows: [(String, Int)] = [("entered", tally.runs)]
        for step in journey.definition.steps {
            if case .send(let send) = step.action {
                rows.append(("\(step.id) (\(send.template ?? "message"))", tally.sendsByStep[step.id] ?? 0))
            }
        }
        if journey.definition.goal != nil { rows.append(("goal: \(journey.definition.goal!.event)", tally.goals)) }
        let top = max(1, tally.runs)
        var html = "<h3>Funnel</h3>\n<div class=\"funnel\">"
        for (label, value) in rows {
            let share = Double(value) / Double(top)
            let width = max(0.4, min(100, share * 100))
            html += "<div class=\"row\"><div class=\"label\">\(escape(label))</div><div class=\"bar\"><div style=\"width:\(format(width, 1))%\"></div></div><div class=\"num\">\(grouped(value)) <span class=\"muted\">\(percent(tally.runs > 0 ? share : nil))</span></div></div>"
        }
        return html + "</div>\n"
    }

    private static func variantTable(_ journey: SimulationSummary.Journey) -> String {
        let rows = SimulationSummary.variantRows(journey)
        guard !rows.isEmpty else { return "" }
        var html = "<h3>Variants</h3>\n<table class=\"variants\"><tr><th>variant</th><th>runs</th><th>sends</th><th>goals</th><th>conversion</th><th>lift vs holdout</th><th>p-value</th></tr>"
        for row in rows {
            let significant = (row.pValue ?? 1) < 0.05
            let lift = row.lift.map { ($0 >= 0 ? "+" : "") + format($0 * 100, 1) + "%" } ?? "–"
            let p = row.pValue.map { $0 < 0.0001 ? "&lt; 0.0001" : format($0, 4) } ?? "–"
            html += "<tr\(row.name == "holdout" ? " class=\"holdout\"" : "")><td>\(escape(row.name))</td><td class=\"num\">\(grouped(row.runs))</td><td class=\"num\">\(grouped(row.sends))</td><td class=\"num\">\(grouped(row.goals))</td><td class=\"num\">\(percent(row.conversionRate))</td><td class=\"num\">\(lift)</td><td class=\"num\(significant ? " significant" : "")\">\(p)</td></tr>"
        }
        return html + "</table>\n<p class=\"muted small\">Lift is relative to the holdout's conversion rate; the p-value is a two-sided two-proportion z-test (pooled) against the holdout. Below 0.05 is shown in bold.</p>\n"
    }

    // MARK: - The graph

    static func svg(_ journey: SimulationSummary.Journey) -> String {
        let graph = ReportGraph(journey)
        let maxCount = max(1, graph.edges.map(\.count).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(format(graph.width, 0))\" height=\"\(format(graph.height, 0))\" viewBox=\"0 0 \(format(graph.width, 0)) \(format(graph.height, 0))\" font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\">"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#3d5a8a\"/></marker>"
        svg += "<marker id=\"arrow-idle\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#b7bdc8\"/></marker></defs>"
        // Ports: spread the edges leaving (entering) a node along its bottom (top) by where they go.
        var outPorts: [Int: [Int]] = [:]
        var inPorts: [Int: [Int]] = [:]
        for (offset, edge) in graph.edges.enumerated() where !edge.isBack {
            outPorts[edge.from, default: []].append(offset)
            inPorts[edge.to, default: []].append(offset)
        }
        func portX(_ node: Int, _ edge: Int, _ ports: [Int: [Int]], key: (Int) -> Double) -> Double {
            let list = (ports[node] ?? []).sorted { (key($0), $0) < (key($1), $1) }
            let frame = graph.frame(node)
            guard list.count > 1, let position = list.firstIndex(of: edge) else { return frame.x + frame.width / 2 }
            let span = min(frame.width * 0.6, Double(list.count - 1) * 28)
            return frame.x + frame.width / 2 - span / 2 + span * Double(position) / Double(list.count - 1)
        }
        var labels: [(x: Double, y: Double, width: Double, markup: (Double) -> String)] = []
        var paths = ""
        var backIndex = -1
        let rightmost = graph.nodes.map { $0.x + $0.width / 2 }.max() ?? 0
        for (offset, edge) in graph.edges.enumerated() {
            let taken = edge.count > 0
            let strokeWidth = taken ? 1.5 + 4.5 * Double(edge.count) / Double(maxCount) : 1.2
            let style = taken ? "stroke=\"#3d5a8a\" stroke-opacity=\"0.75\" marker-end=\"url(#arrow)\"" : "stroke=\"#b7bdc8\" stroke-dasharray=\"5 4\" marker-end=\"url(#arrow-idle)\""
            var d = ""
            var labelPoint: (Double, Double)
            if edge.isBack {
                // Around the right-hand side, through the gaps between rows, so that it crosses no step.
                backIndex += 1
                let from = graph.frame(edge.from), to = graph.frame(edge.to)
                let rightX = rightmost + 26 + 14 * Double(backIndex)
                let x1 = from.x + from.width * 0.78, y1 = from.y + from.height
                let x2 = to.x + to.width * 0.78, y2 = to.y
                let below = graph.top(ofLayer: graph.nodes[edge.from].layer) + ReportGraph.stepHeight + ReportGraph.layerGap / 2 - 8
                let above = graph.top(ofLayer: graph.nodes[edge.to].layer) - ReportGraph.layerGap / 2 + 8
                let r = 10.0
                d = "M\(format(x1)),\(format(y1)) L\(format(x1)),\(format(below - r)) Q\(format(x1)),\(format(below)) \(format(x1 + r)),\(format(below))"
                d += " L\(format(rightX - r)),\(format(below)) Q\(format(rightX)),\(format(below)) \(format(rightX)),\(format(below - r))"
                d += " L\(format(rightX)),\(format(above + r)) Q\(format(rightX)),\(format(above)) \(format(rightX - r)),\(format(above))"
                d += " L\(format(x2 + r)),\(format(above)) Q\(format(x2)),\(format(above)) \(format(x2)),\(format(above + r)) L\(format(x2)),\(format(y2 - 1))"
                labelPoint = (rightX, (below + above) / 2)
            } else {
                let path = edge.path
                let first = graph.frame(path[0])
                let targetCentre = { (edgeOffset: Int) -> Double in
                    let next = graph.edges[edgeOffset].path[1]
                    return graph.nodes[next].x
                }
                let sourceCentre = { (edgeOffset: Int) -> Double in
                    let previous = graph.edges[edgeOffset].path[graph.edges[edgeOffset].path.count - 2]
                    return graph.nodes[previous].x
                }
                var x = portX(path[0], offset, outPorts, key: targetCentre)
                var y = first.y + first.height
                d = "M\(format(x)),\(format(y))"
                var points: [(Double, Double, Double, Double)] = []  // segments (x1, y1, x2, y2)
                for hop in path.dropFirst() {
                    let frame = graph.frame(hop)
                    let isLast = hop == path.last
                    let nx = isLast ? portX(hop, offset, inPorts, key: sourceCentre) : graph.nodes[hop].x
                    let ny = frame.y
                    let mid = (y + ny) / 2
                    d += " C\(format(x)),\(format(mid)) \(format(nx)),\(format(mid)) \(format(nx)),\(format(ny - (isLast ? 1 : 0)))"
                    points.append((x, y, nx, ny))
                    x = nx
                    y = ny
                    if !isLast {
                        y = frame.y + frame.height
                        d += " L\(format(x)),\(format(y))"
                    }
                }
                let segment = points[0]
                labelPoint = ((segment.0 + segment.2) / 2, (segment.1 + segment.3) / 2)
            }
            paths += "<path d=\"\(d)\" fill=\"none\" stroke-width=\"\(format(strokeWidth, 1))\" \(style)><title>\(escape(edge.label.isEmpty ? "entered" : edge.label)): \(edge.count)</title></path>"
            let text = (edge.label.isEmpty ? "" : truncate(edge.label, 24) + " · ") + grouped(edge.count)
            let labelWidth = Double(text.count) * 6.1 + 10
            let title = "\(escape(edge.label.isEmpty ? "entered" : edge.label)): \(edge.count)"
            let y = labelPoint.1
            labels.append((labelPoint.0, y, labelWidth, { x in
                "<g class=\"edge-label\"><title>\(title)</title><rect x=\"\(format(x - labelWidth / 2))\" y=\"\(format(y - 9))\" width=\"\(format(labelWidth))\" height=\"17\" rx=\"8\" fill=\"#ffffff\" stroke=\"\(taken ? "#c9d3e6" : "#e3e6eb")\"/><text x=\"\(format(x))\" y=\"\(format(y + 3.5))\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"\(taken ? "#2b3e63" : "#9aa1ad")\">\(escape(text))</text></g>"
            }))
        }
        svg += paths
        for index in graph.nodes.indices { svg += node(graph, index, journey) }
        // Labels on one row never overlap: push them apart left to right, then re-centre the row.
        for row in Dictionary(grouping: labels.indices, by: { Int(labels[$0].y.rounded()) }).keys.sorted() {
            let members = labels.indices.filter { Int(labels[$0].y.rounded()) == row }.sorted { (labels[$0].x, $0) < (labels[$1].x, $1) }
            var placed = members.map { labels[$0].x }
            for offset in placed.indices.dropFirst() {
                let minimum = placed[offset - 1] + (labels[members[offset - 1]].width + labels[members[offset]].width) / 2 + 4
                placed[offset] = max(placed[offset], minimum)
            }
            let shift = zip(members, placed).map { labels[$0.0].x - $0.1 }.reduce(0, +) / Double(max(1, members.count))
            for (offset, member) in members.enumerated() { svg += labels[member].markup(placed[offset] + shift) }
        }
        return svg + "</svg>"
    }

    private static func node(_ graph: ReportGraph, _ index: Int, _ journey: SimulationSummary.Journey) -> String {
        let frame = graph.frame(index)
        let box = "x=\"\(format(frame.x))\" y=\"\(format(frame.y))\" width=\"\(format(frame.width))\" height=\"\(format(frame.height))\""
        let centre = frame.x + frame.width / 2
        switch graph.nodes[index].kind {
        case .dummy:
            return ""
        case .start:
            let text = truncate(entryText(journey.definition), 34)
            return "<g><title>\(escape(entryText(journey.definition)))</title><rect \(box) rx=\"22\" fill=\"#2b3e63\"/><text x=\"\(format(centre))\" y=\"\(format(frame.y + 18))\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" fill=\"#fff\">entry · \(grouped(journey.tally.runs)) runs</text><text x=\"\(format(centre))\" y=\"\(format(frame.y + 33))\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"#cfd8ea\">\(escape(text))</text></g>"
        case .end:
            return "<g><rect \(box) rx=\"14\" fill=\"#eef0f3\" stroke=\"#b7bdc8\"/><text x=\"\(format(centre))\" y=\"\(format(frame.y + 18))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6270\">end</text></g>"
        case .step(let position):
            let step = journey.definition.steps[position]
            let tally = journey.tally
            let (fill, stroke) = colours(step.action)
            let reached = tally.reached[step.id] ?? 0
            var detail = ""
            switch step.action {
            case .waitFor: detail = "\(grouped(tally.matched[step.id] ?? 0)) matched · \(grouped(tally.timedOut[step.id] ?? 0)) timed out"
            case .send: detail = "sent \(grouped(tally.sendsByStep[step.id] ?? 0))"
            default: break
            }
            var svg = "<g><title>\(escape(step.id)): \(escape(describe(step.action))) (reached \(reached))</title><rect \(box) rx=\"8\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.2\"/>"
            svg += "<text x=\"\(format(frame.x + 10))\" y=\"\(format(frame.y + 19))\" font-size=\"12.5\" font-weight=\"600\" fill=\"#1f2633\">\(escape(truncate(step.id, 20)))</text>"
            let badge = grouped(reached)
            let badgeWidth = Double(badge.count) * 7 + 12
            svg += "<rect x=\"\(format(frame.x + frame.width - badgeWidth - 6))\" y=\"\(format(frame.y + 6))\" width=\"\(format(badgeWidth))\" height=\"18\" rx=\"9\" fill=\"#2b3e63\"/><text x=\"\(format(frame.x + frame.width - badgeWidth / 2 - 6))\" y=\"\(format(frame.y + 19))\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"600\" fill=\"#fff\">\(badge)</text>"
            svg += "<text x=\"\(format(frame.x + 10))\" y=\"\(format(frame.y + 38))\" font-size=\"11\" fill=\"#434b59\">\(escape(truncate(describe(step.action), 34)))</text>"
            if !detail.isEmpty {
                svg += "<text x=\"\(format(frame.x + 10))\" y=\"\(format(frame.y + 56))\" font-size=\"10.5\" fill=\"#5b6270\">\(escape(detail))</text>"
            }
            return svg + "</g>"
        }
    }

    private static func colours(_ action: StepAction) -> (String, String) {
        switch action {
        case .send: ("#e8f0ff", "#8fa8d6")
        case .wait, .waitUntil, .waitFor: ("#fff5dc", "#d9b868")
        case .branch, .split: ("#f2eaff", "#ad93d9")
        case .update, .webhook: ("#e6f6ec", "#84c29a")
        case .goto, .exit: ("#f1f2f4", "#aab0ba")
        }
    }

    static func describe(_ action: StepAction) -> String {
        switch action {
        case .wait(let duration): return "wait \(duration)"
        case .waitUntil(let until):
            let days = until.weekdays.map { " on " + $0.sorted().map { "\($0)" }.joined(separator: ",") } ?? ""
            return "wait until \(until.time)\(days)"
        case .waitFor(let waitFor): return "wait for \(waitFor.event) · \(waitFor.timeout)"
        case .branch(let branch): return "branch · \(branch.cases.count + 1) ways"
        case .split(let split):
            return "split · \(split.variants.count) variants" + (split.holdoutPercent > 0 ? " · \(format(split.holdoutPercent, split.holdoutPercent == split.holdoutPercent.rounded() ? 0 : 1))% holdout" : "")
        case .send(let send):
            let channel: String
            switch send.channel {
            case .single(let name): channel = name
            case .chain(let names): channel = names.joined(separator: "/")
            case .preferred: channel = "preferred"
            }
            return "send \(channel) → \(send.template ?? "message")"
        case .update: return "update profile"
        case .webhook(let webhook): return "webhook \(webhook.method) \(webhook.url.split(separator: "/").dropFirst().first.map(String.init) ?? webhook.url)"
        case .goto(let target): return "go to \(target)"
        case .exit(let reason): return "exit: \(reason)"
        }
    }

    // MARK: - Text

    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    static func truncate(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    static func format(_ value: Double, _ decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var output = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { output += "," }
            output.append(character)
        }
        return (value < 0 ? "-" : "") + output
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return format(value * 100, 1) + "%"
    }

    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2633; background: #f6f7f9; }
        header { background: #fff; border-bottom: 1px solid #e3e6eb; padding: 20px 32px 12px; }
        h1 { margin: 0 0 2px; font-size: 22px; }
        h2 { margin: 0 0 4px; font-size: 19px; }
        h3 { margin: 22px 0 8px; font-size: 15px; }
        main { padding: 8px 32px 32px; }
        section { background: #fff; border: 1px solid #e3e6eb; border-radius: 10px; padding: 20px 24px; margin: 20px 0; }
        .muted { color: #6b7280; font-weight: normal; }
        .small { font-size: 12px; }
        .description { margin: 4px 0; max-width: 80ch; }
        nav { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 6px; }
        nav a { font-size: 12px; text-decoration: none; color: #2b3e63; background: #eef2fa; border-radius: 12px; padding: 3px 10px; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
        .card { background: #f6f8fb; border: 1px solid #e3e6eb; border-radius: 8px; padding: 8px 14px; min-width: 110px; }
        .card .value { font-size: 19px; font-weight: 600; }
        .card .label { font-size: 12px; color: #6b7280; }
        .tables { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        table { border-collapse: collapse; font-size: 13px; }
        caption { text-align: left; font-weight: 600; padding-bottom: 4px; white-space: nowrap; }
        table.counts { min-width: 180px; }
        td, th { padding: 3px 12px 3px 0; text-align: left; }
        th { border-bottom: 1px solid #d5d9e0; font-weight: 600; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .graph { overflow-x: auto; border: 1px solid #eef0f3; border-radius: 8px; background: #fbfcfd; }
        .graph svg { display: block; margin: 0 auto; }
        .funnel .row { display: grid; grid-template-columns: 260px 1fr 130px; gap: 10px; align-items: center; margin: 3px 0; }
        .funnel .label { font-size: 13px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .funnel .bar { background: #eef0f3; border-radius: 4px; height: 16px; }
        .funnel .bar div { background: #4a6fa5; height: 16px; border-radius: 4px; }
        table.variants td, table.variants th { padding: 4px 16px 4px 0; }
        tr.holdout td { color: #6b7280; }
        .significant { font-weight: 700; }
        footer { padding: 0 32px 24px; font-size: 12px; }
        """
}
