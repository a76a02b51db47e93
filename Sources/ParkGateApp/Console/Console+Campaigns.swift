import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Test campaigns in the console: the list, a form to create one, and each report.
extension Console {
    func registerCampaignPages(on pages: RouterGroup<AppRequestContext>) {
        pages.get("/campaigns") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let scope = context.scope
                var table = ConsoleTable(
                    title: t["campaigns"]!, active: "campaigns", filters: [],
                    columns: [t["name"]!, t["park"]!, t["from"]!, t["to"]!, t["tolerance"]!, t["truth"]!, t["devicesUnderTest"]!, t["changedBy"]!])
                table.rows = try await store.campaigns().filter { scope?.parks.contains($0.parkCode) ?? true }.map { campaign in
                    ([.init(text: campaign.name, href: "/campaigns/\(campaign.name)"), .init(text: campaign.parkCode), .init(text: stamp(campaign.from)),
                      .init(text: stamp(campaign.to)), .init(text: String(campaign.tolerance)),
                      .init(text: campaign.reference.map { "\(t["reference"]!) \($0)" } ?? "\(campaign.truthEvents)"),
                      .init(text: campaign.devices.joined(separator: ",")), .init(text: campaign.createdBy)], [])
                }
                if context.user?.parsedRole?.allows(.manageCampaigns) == true {
                    table.after = render("form", [
                        "heading": t["newCampaign"]!, "action": "/campaigns", "id": "campaign-form", "submit": t["create"]!, "file": "truth",
                        "fields": [
                            textField("name", t["name"]!, ""), textField("parkCode", t["park"]!, ""),
                            textField("devices", t["devicesUnderTest"]!, "", help: "DEV1,DEV2 / vendor:devCode"),
                            textField("from", t["from"]!, "", help: "YYYYMMDDHHmmss"), textField("to", t["to"]!, "", help: "YYYYMMDDHHmmss"),
                            textField("tolerance", t["tolerance"]!, String(Int(Campaigns.defaultTolerance))),
                            textField("reference", t["reference"]!, ""), areaField("truth", t["truth"]!, "", help: t["truthHelp"]!),
                        ],
                    ])
                }
                return render(table, request, context)
            }
        }
        pages.post("/campaigns") { request, context in
            try await guarded(request, context) {
                let user = try context.require(.manageCampaigns)
                let form = try await formFields(request, context)
                func value(_ key: String) -> String? { form[key].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
                let request = Campaigns.Request(
                    name: value("name") ?? "", parkCode: value("parkCode") ?? "", devices: [value("devices") ?? ""], from: value("from") ?? "",
                    to: value("to") ?? "", tolerance: value("tolerance").flatMap(Double.init), truth: value("truth"), reference: value("reference"))
                do {
                    let record = try await campaigns.create(request, by: user.username)
                    try await audit.record(user.username, "campaign.create", target: "campaign:\(record.name)", after: record, channel: "console")
                    return redirect("/campaigns/" + (record.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? record.name))
                } catch let error as Campaigns.Invalid {
                    throw HTTPError(.badRequest, message: error.description)
                }
            }
        }
        pages.get("/campaigns/{name}") { request, context in
            try await guarded(request, context) {
                try context.require(.read)
                let t = words(request)
                let name = try context.parameters.require("name")
                guard let campaign = try await store.campaign(named: name) else { throw HTTPError(.notFound, message: "no campaign named \(name)") }
                try context.requireVisible(parkCode: campaign.parkCode, vendor: nil, devCode: nil, what: "campaign")
                let report = try await campaigns.report(name: name)
                let document = try CampaignReportFormat.html.render(report, time: time, berth: request.uri.queryParameters.text("berth"))
                let base = SVGCharts.escape("/api/v1/campaigns/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)")
                let downloads = ["json", "csv", "html"].map { "<a class=\"button\" href=\"\(base)/report?format=\($0)\">\(t["report"]!) \($0.uppercased())</a>" }
                    .joined(separator: " ") + " <a class=\"button\" href=\"\(base)/truth\">\(t["truth"]!)</a>"
                // The report is a standalone document; shown in a frame so its styles stay its own.
                let frame = "<iframe class=\"report\" id=\"report\" title=\"report\" style=\"width:100%;height:78vh\" srcdoc=\"\(SVGCharts.escape(document))\"></iframe>"
                return page(request, context, title: "\(t["campaigns"]!) · \(name)", active: "campaigns", template: "detail", [
                    "fields": [
                        ["label": t["park"]!, "value": campaign.parkCode], ["label": t["from"]!, "value": stamp(campaign.from)],
                        ["label": t["to"]!, "value": stamp(campaign.to)], ["label": t["devicesUnderTest"]!, "value": campaign.devices.joined(separator: ",")],
                    ],
                    "sections": [["heading": "", "html": "<p>\(downloads)</p>" + frame]],
                ])
            }
        }
    }
}
