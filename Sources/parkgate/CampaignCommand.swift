import ArgumentParser
import Foundation
import ParkGateApp
import ParkGateModel

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", abstract: "Device test campaigns (第三方检测): ground truth, devices under test, reports.",
        subcommands: [Create.self, Report.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a campaign with its ground truth (a CSV or a reference device).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Campaign name.") var name: String
        @Option(help: "parkCode of the site.") var park: String
        @Option(help: "Devices under test: DEV1,DEV2,… (devCode, or vendor:devCode where a devCode is not unique).") var devices: String
        @Option(help: "Start of the window, YYYYMMDDHHmmss (China time).") var from: String
        @Option(help: "End of the window, YYYYMMDDHHmmss (China time).") var to: String
        @Option(help: "Ground-truth CSV: psCode,event,time,plate (event arrive|depart, time YYYYMMDDHHmmss).") var truth: String?
        @Option(help: "A device whose reports are the ground truth instead of a CSV.") var reference: String?
        @Option(help: "Matching tolerance in seconds (default 30).") var tolerance: Double?
        @Option(help: "The site's berths, P1,P2,… (default: the berths of the ground truth).") var berths: String?

        func validate() throws {
            guard (truth == nil) != (reference == nil) else { throw ValidationError("give exactly one of --truth FILE.csv and --reference DEV") }
        }

        func run() async throws {
            let csv = try truth.map { path in
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                return String(decoding: data, as: UTF8.self)
            }
            let request = Campaigns.Request(
                name: name, parkCode: park, devices: [devices], from: from, to: to, tolerance: tolerance,
                berths: berths.map { $0.split(separator: ",").map(String.init) }, truth: csv, reference: reference)
            let config = try await store.resolve()
            let platform = try Platform.open(config, logger: commandLogger())
            do {
                let record = try await platform.withReadyStore { store in
                    let record = try await Campaigns(store: store, time: config.chinaTime, silence: config.deviceSilence)
                        .create(request, by: cliUser())
                    try await AuditLog(store: store).record(cliUser(), "campaign.create", target: "campaign:\(record.name)", after: record, channel: "cli")
                    return record
                }
                print("campaign \(record.name): park \(record.parkCode), \(record.devices.count) devices, "
                    + (record.reference.map { "reference \($0)" } ?? "\(record.truthEvents) truth events") + ", tolerance \(record.tolerance) s")
            } catch let error as Campaigns.Invalid {
                throw ValidationError(error.description)
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Evaluate a campaign on the data stored now.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Campaign name.") var name: String
        @Option(help: "json, csv or html.") var format: String = "json"
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Option(help: "Berth of the HTML timeline (default: the busiest).") var berth: String?

        func run() async throws {
            guard let format = CampaignReportFormat(rawValue: format) else { throw ValidationError("--format must be json, csv or html") }
            let config = try await store.resolve()
            let platform = try Platform.open(config, logger: commandLogger())
            let text: String
            do {
                text = try await platform.withReadyStore { store in
                    let report = try await Campaigns(store: store, time: config.chinaTime, silence: config.deviceSilence).report(name: name)
                    return try format.render(report, time: config.chinaTime, berth: berth)
                }
            } catch let error as Campaigns.NotFound {
                throw ValidationError(error.description)
            }
            if let out {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let config = try await store.resolve()
            let platform = try Platform.open(config, logger: commandLogger())
            let campaigns = try await platform.withReadyStore { try await $0.campaigns() }
            print("name\tpark\tfrom\tto\ttolerance\ttruth\tdevices")
            for campaign in campaigns {
                print([campaign.name, campaign.parkCode, config.chinaTime.formatCompact(campaign.from), config.chinaTime.formatCompact(campaign.to),
                       String(campaign.tolerance), campaign.reference.map { "reference \($0)" } ?? "\(campaign.truthEvents) events",
                       campaign.devices.joined(separator: ",")].joined(separator: "\t"))
            }
        }
    }
}
