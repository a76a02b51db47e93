import Foundation
import ParkGateModel

/// The formats a campaign report comes in, for the CLI and the API alike.
public enum CampaignReportFormat: String, CaseIterable, Sendable {
    case json, csv, html

    public var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        }
    }

    /// The report as text; `berth` picks the berth of the HTML timeline (default: the busiest).
    public func render(_ report: EvaluationReport, time: ChinaTime, berth: String? = nil) throws -> String {
        switch self {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case .csv:
            return CampaignReportCSV.render(report)
        case .html:
            return CampaignReportHTML.render(report, time: time, berth: berth)
        }
    }
}
