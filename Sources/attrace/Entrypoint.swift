import ATTraceCommands

@main
struct Entrypoint {
    static func main() async {
        await ATTraceCommand.main()
    }
}
