import ArgumentParser

/// The `waymark` command. Subcommands hold no logic of their own: they call
/// into the libraries and print.
@main
struct Waymark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waymark",
        abstract: "Customer journey orchestration: validate, test, simulate and run journeys.",
        version: "0.1.0",
        subcommands: [Validate.self, Test.self, Simulate.self, Serve.self, Status.self, Deploy.self, Customer.self, SendEvent.self, Cluster.self]
    )
}
