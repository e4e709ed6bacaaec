import ArgumentParser

/// Output format flags shared by `decode` and `analyze`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
}

/// When to color text output.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto
    case always
    case never

    var isEnabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: StandardStreams.colorIsUseful
        }
    }
}

extension TextTimelineFormatter.TimeStyle: ExpressibleByArgument {}
