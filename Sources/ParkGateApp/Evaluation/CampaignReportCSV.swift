import Foundation
import ParkGateModel

/// A campaign report as one CSV table: a row per device, then per vendor, then per device kind.
enum CampaignReportCSV {
    static let header = [
        "level", "devCode", "vendor", "kind", "berths", "truthEvents", "reported", "matched", "missed", "falseEvents",
        "recall", "recallLow", "recallHigh", "precision", "precisionLow", "precisionHigh",
        "arrivalRecall", "arrivalPrecision", "departureRecall", "departurePrecision", "occupancyAgreement",
        "plateAccuracy", "plateAccuracyLow", "plateAccuracyHigh", "plateAccuracyIgnoringProvince", "unrecognisedRate", "platesCompared",
        "delayP50", "delayP95", "delayMax", "reportDelayP50", "reportDelayP95", "clockSkew", "truthOffset",
        "imagesPresentRate", "messages", "findingsPer1000", "flowIdGaps", "onlineShare", "batteryFirst", "batteryLast",
        "batteryTrendPerDay", "deviceErrors",
    ]

    static func render(_ report: EvaluationReport) -> String {
        var lines = [header.joined(separator: ",")]
        for device in report.devices {
            let both = device.arrivals + device.departures
            lines.append(row([
                "device", device.devCode, device.vendor, device.kind, device.berths.joined(separator: " "), String(both.truth),
                String(both.reported), String(both.matched), String(device.missed.count), String(device.falseEvents.count),
                share(device.recall), share(device.recallCI?.low), share(device.recallCI?.high),
                share(device.precision), share(device.precisionCI?.low), share(device.precisionCI?.high),
                share(device.arrivals.recall), share(device.arrivals.precision), share(device.departures.recall),
                share(device.departures.precision), share(device.occupancyAgreement),
                share(device.plateAccuracy), share(device.plateAccuracyCI?.low), share(device.plateAccuracyCI?.high),
                share(device.plateAccuracyIgnoringProvince), share(device.unrecognisedRate), String(device.platesCompared),
                seconds(device.delayP50), seconds(device.delayP95), seconds(device.delayMax), seconds(device.reportDelay.p50),
                seconds(device.reportDelay.p95), seconds(device.clockSkew), seconds(device.truthOffset),
                share(device.dataQuality.imagesPresentRate), String(device.dataQuality.messages),
                seconds(device.dataQuality.findingsPer1000), String(device.dataQuality.flowIdGaps),
                share(device.availability.onlineShare), seconds(device.availability.battery?.first),
                seconds(device.availability.battery?.last), seconds(device.availability.battery?.trendPerDay),
                device.availability.deviceErrors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "),
            ]))
        }
        for (level, groups) in [("vendor", report.vendors), ("kind", report.kinds)] {
            for group in groups {
                let both = group.arrivals + group.departures
                lines.append(row([
                    level, group.devices.joined(separator: " "), group.vendor ?? "", group.kind ?? "", "", String(both.truth),
                    String(both.reported), String(both.matched), String(both.truth - both.matched), String(both.reported - both.matched),
                    share(group.recall), share(group.recallCI?.low), share(group.recallCI?.high),
                    share(group.precision), share(group.precisionCI?.low), share(group.precisionCI?.high),
                    share(group.arrivals.recall), share(group.arrivals.precision), share(group.departures.recall),
                    share(group.departures.precision), share(group.occupancyAgreement),
                    share(group.plateAccuracy), share(group.plateAccuracyCI?.low), share(group.plateAccuracyCI?.high),
                    share(group.plateAccuracyIgnoringProvince), share(group.unrecognisedRate), String(group.platesCompared),
                    seconds(group.delayP50), seconds(group.delayP95), seconds(group.delayMax), "", "", "", "",
                    "", "", seconds(group.findingsPer1000), "", share(group.onlineShare), "", "", "", "",
                ]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ fields: [String]) -> String { fields.map(TruthCSV.quoted).joined(separator: ",") }
    static func share(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "" }
}
