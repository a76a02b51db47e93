import Foundation
import ParkGateModel

/// A campaign report as one self-contained HTML file (inline CSS and SVG, nothing fetched), to
/// read in a browser or attach to a tender. Labels in Simplified Chinese with English.
enum CampaignReportHTML {
    static func render(_ report: EvaluationReport, time: ChinaTime, berth requestedBerth: String? = nil) -> String {
        let campaign = report.campaign
        let e = SVGCharts.escape
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>检测报告 Evaluation report · \(e(campaign.name))</title>
            <style>
            body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1280px}
            h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}h3{font-size:14px}
            table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
            th{background:#f0f0f0}td.l,th.l{text-align:left}.ci{color:#777;font-size:11px}.bad{color:#b8433c;font-weight:bold}
            dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:13px}dt{color:#555}
            svg{max-width:100%;height:auto;margin:8px 0}
            </style></head><body>
            <h1>路侧停车检测设备第三方检测报告<br><small>Roadside detection device evaluation · \(e(campaign.name))</small></h1>
            <dl>
            <dt>停车场 Park</dt><dd>\(e(campaign.parkCode))</dd>
            <dt>检测时段 Window</dt><dd>\(e(campaign.from)) – \(e(campaign.to))</dd>
            <dt>匹配容差 Tolerance</dt><dd>\(SVGCharts.number(campaign.tolerance)) s</dd>
            <dt>真值来源 Ground truth</dt><dd>\(e(campaign.truthSource)) · \(campaign.truthEvents) 个事件 events</dd>
            <dt>泊位 Berths</dt><dd>\(e(campaign.berths.joined(separator: " ")))</dd>
            <dt>生成时间 Generated</dt><dd>\(e(campaign.generatedAt))</dd>
            </dl>

            """
        html += "<h2>厂商对比 Vendor comparison</h2>"
        html += SVGCharts.shareBars(
            groups: report.vendors.map { group in
                (group.vendor ?? "?", [
                    SVGCharts.Bar(value: group.recall, low: group.recallCI?.low, high: group.recallCI?.high),
                    SVGCharts.Bar(value: group.precision, low: group.precisionCI?.low, high: group.precisionCI?.high),
                    SVGCharts.Bar(value: group.plateAccuracy, low: group.plateAccuracyCI?.low, high: group.plateAccuracyCI?.high),
                    SVGCharts.Bar(value: group.occupancyAgreement),
                ])
            },
            series: ["召回率 Recall", "准确率 Precision", "车牌准确率 Plate accuracy", "占用一致 Occupancy"],
            title: "厂商对比（95% 置信区间）Vendors, with 95% intervals")
        html += groupTable(report.vendors, first: "厂商 Vendor") + "<h3>设备类型 Device kinds</h3>" + groupTable(report.kinds, first: "类型 Kind")

        html += "<h2>设备 Devices</h2>" + deviceTable(report.devices)

        html += "<h2>时效 Timeliness</h2>"
        html += SVGCharts.delayRows(
            report.devices.map { ("\($0.vendor) \($0.devCode)", $0.delayP50, $0.delayP95, $0.delayMax, $0.receiptDelay.count) },
            title: "真值事件到平台接收的延迟 Delay from the event to ParkGate's receipt (s)")
        html += "<table><tr><th class=l>设备 Device</th><th>接收延迟 p50 [95% CI]</th><th>p95</th><th>max</th><th>上报时间延迟 Report-time delay p50</th><th>p95</th><th>时钟偏差 Clock skew</th><th>真值偏移 Offset vs truth</th></tr>"
        for device in report.devices {
            html += "<tr><td class=l>\(e(device.vendor)) \(e(device.devCode))</td><td>\(seconds(device.delayP50)) \(interval(device.receiptDelay.p50CI, seconds: true))</td>"
            html += "<td>\(seconds(device.delayP95))</td><td>\(seconds(device.delayMax))</td><td>\(seconds(device.reportDelay.p50))</td><td>\(seconds(device.reportDelay.p95))</td>"
            let skewed = abs(device.clockSkew ?? 0) > max(5, campaign.tolerance / 2)
            html += "<td\(skewed ? " class=bad" : "")>\(seconds(device.clockSkew))</td><td>\(seconds(device.truthOffset))</td></tr>"
        }
        html += "</table>"

        let readers = report.vendors.filter { !$0.confidenceBands.isEmpty }
        if !readers.isEmpty {
            html += "<h2>车牌识别 Plate reading</h2>"
            let bands = ["0-59", "60-69", "70-79", "80-89", "90-100", "none"].filter { band in readers.contains { $0.confidenceBands.contains { $0.band == band } } }
            html += SVGCharts.shareBars(
                groups: bands.map { band in
                    (band, readers.map { group in
                        let entry = group.confidenceBands.first { $0.band == band }
                        return SVGCharts.Bar(value: entry?.accuracy, low: entry?.accuracyCI?.low, high: entry?.accuracyCI?.high,
                                             note: entry.map { "n=\($0.count)" })
                    })
                },
                series: readers.map { "厂商 \($0.vendor ?? "?")" },
                title: "各置信度区间的车牌准确率 Plate accuracy per confidence band")
        }

        let berths = Set(report.truth.map(\.psCode))
        let berth = requestedBerth.flatMap { berths.contains($0) ? $0 : nil }
            ?? Dictionary(grouping: report.truth, by: \.psCode).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
        if let berth, let window = window(report, time: time) {
            html += "<h2>泊位时间线 Timeline of berth \(e(berth))</h2>"
            var rows: [(label: String, changes: [(time: Date, occupied: Bool)])] = [
                ("真值 Truth", report.truth.filter { $0.psCode == berth }.map { ($0.time, $0.event == .arrive) })
            ]
            for device in report.devices {
                let points = report.timelines[device.vendor + ":" + device.devCode] ?? []
                rows.append(("\(device.vendor) \(device.devCode)", points.filter { $0.psCode == berth }.map { ($0.time, $0.event == .arrive) }))
            }
            html += SVGCharts.timeline(rows: rows, window: window, title: "占用（设备时间已按偏移校正）Occupied spans, device times offset-corrected") {
                let t = Array(time.formatCompact($0))
                let clock = "\(String(t[8...9])):\(String(t[10...11])):\(String(t[12...13]))"
                return window.duration > 86_400 ? "\(String(t[4...5]))-\(String(t[6...7])) " + clock : clock
            }
        }

        html += "<h2>明细 Details per device</h2>"
        for device in report.devices { html += details(device) }
        return html + "</body></html>\n"
    }

    static func window(_ report: EvaluationReport, time: ChinaTime) -> DateInterval? {
        guard let from = time.parseCompact(report.campaign.from), let to = time.parseCompact(report.campaign.to), from < to else { return nil }
        return DateInterval(start: from, end: to)
    }

    static func groupTable(_ groups: [GroupMetrics], first: String) -> String {
        var html = "<table><tr><th class=l>\(first)</th><th class=l>设备 Devices</th><th>召回率 Recall [95% CI]</th><th>准确率 Precision [95% CI]</th><th>驶入召回 Arrivals</th><th>驶离召回 Departures</th><th>占用一致 Occupancy</th><th>车牌准确率 Plates [95% CI]</th><th>不含省份 w/o province</th><th>未识别 Unread</th><th>延迟 p50/p95 (s)</th><th>每千条不合规 Findings/1000</th><th>在线 Online</th></tr>"
        for group in groups {
            html += "<tr><td class=l>\(SVGCharts.escape(group.vendor ?? group.kind ?? "?"))</td><td class=l>\(SVGCharts.escape(group.devices.joined(separator: " ")))</td>"
            html += "<td>\(percent(group.recall)) \(interval(group.recallCI))</td><td>\(percent(group.precision)) \(interval(group.precisionCI))</td>"
            html += "<td>\(percent(group.arrivals.recall))</td><td>\(percent(group.departures.recall))</td><td>\(percent(group.occupancyAgreement))</td>"
            html += "<td>\(percent(group.plateAccuracy)) \(interval(group.plateAccuracyCI))</td><td>\(percent(group.plateAccuracyIgnoringProvince))</td><td>\(percent(group.unrecognisedRate))</td>"
            html += "<td>\(seconds(group.delayP50)) / \(seconds(group.delayP95))</td><td>\(seconds(group.findingsPer1000))</td><td>\(percent(group.onlineShare))</td></tr>"
        }
        return html + "</table>"
    }

    static func deviceTable(_ devices: [DeviceMetrics]) -> String {
        var html = "<table><tr><th class=l>厂商 Vendor</th><th class=l>设备 Device</th><th class=l>类型 Kind</th><th>真值 Truth</th><th>上报 Reported</th><th>匹配 Matched</th><th>漏报 Missed</th><th>误报 False</th><th>召回率 Recall [95% CI]</th><th>准确率 Precision [95% CI]</th><th>占用一致 Occupancy</th><th>车牌准确率 Plates [95% CI]</th><th>图片齐全 Images</th><th>流水号缺口 flowId gaps</th><th>在线 Online</th></tr>"
        for device in devices {
            let both = device.arrivals + device.departures
            html += "<tr><td class=l>\(SVGCharts.escape(device.vendor))</td><td class=l>\(SVGCharts.escape(device.devCode))</td><td class=l>\(SVGCharts.escape(device.kind))</td>"
            html += "<td>\(both.truth)</td><td>\(both.reported)</td><td>\(both.matched)</td><td>\(device.missed.count)</td><td>\(device.falseEvents.count)</td>"
            html += "<td>\(percent(device.recall)) \(interval(device.recallCI))</td><td>\(percent(device.precision)) \(interval(device.precisionCI))</td>"
            html += "<td>\(percent(device.occupancyAgreement))</td><td>\(percent(device.plateAccuracy)) \(interval(device.plateAccuracyCI))</td>"
            html += "<td>\(percent(device.dataQuality.imagesPresentRate))</td><td>\(device.dataQuality.flowIdGaps)</td><td>\(percent(device.availability.onlineShare))</td></tr>"
        }
        return html + "</table>"
    }

    static func details(_ device: DeviceMetrics) -> String {
        let e = SVGCharts.escape
        var html = "<h3>\(e(device.vendor)) \(e(device.devCode)) (\(e(device.kind)))</h3><dl>"
        html += "<dt>覆盖泊位 Berths</dt><dd>\(e(device.berths.joined(separator: " ")))\(device.outsideSite > 0 ? "（站点外消息 \(device.outsideSite) messages outside the site）" : "")</dd>"
        html += "<dt>数据质量 Data quality</dt><dd>\(device.dataQuality.messages) 条消息 messages · 不合规 \(device.dataQuality.findings) findings (\(seconds(device.dataQuality.findingsPer1000))/1000) · flowId 缺口 gaps \(device.dataQuality.flowIdGaps), 跳变 jumps \(device.dataQuality.flowIdJumps)</dd>"
        if let battery = device.availability.battery {
            html += "<dt>电量 Battery</dt><dd>\(seconds(battery.first)) → \(seconds(battery.last)) (min \(seconds(battery.min)), \(seconds(battery.trendPerDay))/天 per day, \(battery.readings) readings)</dd>"
        }
        let errors = device.availability.deviceErrors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        html += "<dt>在线 Online</dt><dd>\(percent(device.availability.onlineShare)) · 离线 offline \(seconds(device.availability.offlineSeconds)) s · 设备异常 errors \(errors.isEmpty ? "–" : e(errors))</dd></dl>"
        if !device.missed.isEmpty {
            html += "<table><tr><th class=l>漏报 Missed</th><th class=l>泊位 Berth</th><th class=l>时间 Time</th><th class=l>车牌 Plate</th></tr>"
            for event in device.missed { html += "<tr><td class=l>\(e(event.event.label))</td><td class=l>\(e(event.psCode))</td><td class=l>\(e(event.time))</td><td class=l>\(e(event.plate ?? ""))</td></tr>" }
            html += "</table>"
        }
        if !device.falseEvents.isEmpty {
            html += "<table><tr><th class=l>误报 False</th><th class=l>泊位 Berth</th><th class=l>设备时间 Device time</th><th class=l>校正后 Corrected</th><th class=l>flowId</th></tr>"
            for event in device.falseEvents { html += "<tr><td class=l>\(e(event.event.label))</td><td class=l>\(e(event.psCode))</td><td class=l>\(e(event.time))</td><td class=l>\(e(event.correctedTime))</td><td class=l>\(e(event.flowId))</td></tr>" }
            html += "</table>"
        }
        if !device.plateMisreads.isEmpty {
            html += "<table><tr><th class=l>车牌错误 Misread</th><th class=l>泊位 Berth</th><th class=l>时间 Time</th><th class=l>真值 Truth</th><th class=l>识别 Read</th><th>置信度 Confidence</th></tr>"
            for misread in device.plateMisreads {
                html += "<tr><td class=l>\(e(misread.flowId))</td><td class=l>\(e(misread.psCode))</td><td class=l>\(e(misread.time))</td><td class=l>\(e(misread.truth))</td><td class=l>\(e(misread.reported ?? "-"))</td><td>\(misread.confidence.map(String.init) ?? "")</td></tr>"
            }
            html += "</table>"
        }
        return html
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
    static func interval(_ interval: ConfidenceInterval?, seconds: Bool = false) -> String {
        guard let interval else { return "" }
        return seconds
            ? "<span class=ci>[\(String(format: "%.1f", interval.low))–\(String(format: "%.1f", interval.high))]</span>"
            : "<span class=ci>[\(String(format: "%.1f", interval.low * 100))–\(String(format: "%.1f", interval.high * 100))]</span>"
    }
}
