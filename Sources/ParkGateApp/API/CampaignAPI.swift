import Foundation
import Hummingbird
import ParkGateModel
import ParkGateStore

/// Test campaigns under `/api/v1/campaigns`: create, list, show, report, delete.
struct CampaignAPI {
    let campaigns: Campaigns

    struct CampaignView: ResponseEncodable {
        let campaign: CampaignRecord
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/campaigns") { _, context -> AdminAPI.Items<CampaignRecord> in
            try context.require(.read)
            let scope = context.scope
            return AdminAPI.Items(items: try await campaigns.store.campaigns().filter { scope?.parks.contains($0.parkCode) ?? true })
        }
        api.post("/campaigns") { request, context -> EditedResponse<CampaignView> in
            let user = try context.require(.manageCampaigns)
            let body: Campaigns.Request
            do {
                body = try await request.decode(as: Campaigns.Request.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "send a JSON object with name, parkCode, devices, from, to and truth (CSV text) or reference")
            }
            do {
                let record = try await campaigns.create(body, by: user.username)
                try await AuditLog(store: campaigns.store).record(
                    user.username, "campaign.create", target: "campaign:\(record.name)", after: record, channel: "api")
                return EditedResponse(status: .created, headers: [.location: "/api/v1/campaigns/" + (record.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? record.name)], response: CampaignView(campaign: record))
            } catch let error as Campaigns.Invalid {
                throw HTTPError(error.description.hasPrefix("a campaign named") ? .conflict : .badRequest, message: error.description)
            }
        }
        api.get("/campaigns/{name}") { _, context -> CampaignView in
            CampaignView(campaign: try await visibleCampaign(context))
        }
        api.get("/campaigns/{name}/truth") { _, context -> Response in
            let name = try await visibleCampaign(context).name
            let csv = TruthCSV.format(try await campaigns.store.campaignTruth(named: name), time: campaigns.time)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        api.get("/campaigns/{name}/report") { request, context -> Response in
            let name = try await visibleCampaign(context).name
            let query = request.uri.queryParameters
            guard let format = CampaignReportFormat(rawValue: query.text("format") ?? "json") else {
                throw HTTPError(.badRequest, message: "format must be json, csv or html")
            }
            let report: EvaluationReport
            do { report = try await campaigns.report(name: name) } catch let error as Campaigns.NotFound {
                throw HTTPError(.notFound, message: error.description)
            }
            var headers: HTTPFields = [.contentType: format.contentType]
            if format != .json { headers[.contentDisposition] = "attachment; filename=\"campaign.\(format.rawValue)\"; filename*=UTF-8''"
                    + (("campaign-\(name).\(format.rawValue)").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
            let text = try format.render(report, time: campaigns.time, berth: query.text("berth"))
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        api.delete("/campaigns/{name}") { _, context -> HTTPResponse.Status in
            let user = try context.require(.manageCampaigns)
            let name = try context.parameters.require("name")
            guard let before = try await campaigns.store.campaign(named: name), try await campaigns.store.deleteCampaign(named: name) else {
                throw HTTPError(.notFound, message: "no campaign named \(name)")
            }
            try await AuditLog(store: campaigns.store).record(user.username, "campaign.delete", target: "campaign:\(name)", before: before, channel: "api")
            return .noContent
        }
    }

    /// The campaign named in the path, if the caller may see it (scoped users: their parks').
    func visibleCampaign(_ context: AppRequestContext) async throws -> CampaignRecord {
        try context.require(.read)
        let name = try context.parameters.require("name")
        guard let record = try await campaigns.store.campaign(named: name) else { throw HTTPError(.notFound, message: "no campaign named \(name)") }
        try context.requireVisible(parkCode: record.parkCode, vendor: nil, devCode: nil, what: "campaign")
        return record
    }
}
