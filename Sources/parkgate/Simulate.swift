import ArgumentParser

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Device simulators that speak the real wire formats.", subcommands: [])
}
