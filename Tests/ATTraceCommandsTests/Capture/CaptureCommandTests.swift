import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// `attrace capture stdin` and `sniff` through the real executable, and the command line's
/// usage errors (product.md §2: one line on stderr, exit status 2).
@Suite struct CaptureCommandTests {
    @Test func stdinRecordsAPipeWithArrivalTimes() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("pipe.pcap").path
        let result = try AttraceProcess.run(["capture", "stdin", "--dir", "modem", "-w", capture],
                                            in: directory, input: Data("\r\n+CREG: 1\r\n\r\nRDY\r\n".utf8))
        #expect(result.exitCode == 0, "stderr: \(result.standardError)")
        let records = try CaptureTestSupport.records(capture)
        #expect(CaptureTestSupport.bytes(records, .modem) == Array("\r\n+CREG: 1\r\n\r\nRDY\r\n".utf8))
        let events = CaptureTestSupport.events(records)
        #expect(events.first?["mode"] == .string("stdin"))
        #expect(events.first?["timing"] == .string("arrival"))
        #expect(events.last?.name == "stop")
        #expect(events.last?["reason"] == .string("end of input"))
        let decoded = try AttraceProcess.run(["decode", capture], in: directory)
        #expect(decoded.output.contains("URC  +CREG: 1"))
    }

    @Test func sniffRecordsBothLinesThroughTheExecutable() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let hostLine = try PseudoTerminalPair.open()
        let modemLine = try PseudoTerminalPair.open()
        defer { hostLine.close(); modemLine.close() }
        let capture = directory.appendingPathComponent("sniff.pcap").path
        let tap = try BackgroundAttrace(["capture", "sniff", "--host-tx", hostLine.slavePath, "--modem-tx", modemLine.slavePath,
                                         "--baud", "115200", "-w", capture, "--decode"], in: directory)
        #expect(CaptureTestSupport.wait {
            (try? CaptureTestSupport.records(capture)).map { !CaptureTestSupport.events($0).isEmpty } ?? false
        })
        _ = "AT+CSQ\r".withCString { write(hostLine.master, $0, 7) }
        #expect(CaptureTestSupport.wait {
            (try? CaptureTestSupport.records(capture)).map { CaptureTestSupport.bytes($0, .host).count == 7 } ?? false
        })
        _ = "\r\n+CSQ: 20,99\r\n\r\nOK\r\n".withCString { write(modemLine.master, $0, 21) }
        #expect(CaptureTestSupport.wait {
            (try? CaptureTestSupport.records(capture)).map { CaptureTestSupport.bytes($0, .modem).count == 21 } ?? false
        })
        tap.signal(SIGTERM)
        let result = tap.wait()
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains("AT+CSQ → OK"), "live view: \(result.output)")
        let events = CaptureTestSupport.events(try CaptureTestSupport.records(capture))
        #expect(events.first?["mode"] == .string("sniff"))
        #expect(events.last?["host"]?["bytes"]?.intValue == 7)
        #expect(events.last?["modem"]?["bytes"]?.intValue == 21)
    }

    @Test(arguments: [
        (["capture", "proxy", "--device", "/nonexistent/ttyUSB9", "--link", "LINK", "-w", "OUT"], "cannot open /nonexistent/ttyUSB9"),
        (["capture", "proxy", "--device", "/dev/null", "--link", "LINK", "-w", "OUT"], "/dev/null is not a terminal"),
        (["capture", "proxy", "--device", "/dev/null", "--link", "LINK", "-w", "OUT", "--keep", "3"], "--keep needs"),
        (["capture", "proxy", "--device", "/dev/null", "--link", "LINK", "-w", "OUT", "--append", "--rotate-size", "5"], "--append cannot"),
        (["capture", "proxy", "--device", "/dev/null", "--link", "LINK", "-w", "OUT", "--sync", "often"], "sync"),
        (["capture", "sniff", "--baud", "115200", "-w", "OUT"], "give --host-tx, --modem-tx or both"),
        (["capture", "stdin", "--dir", "sideways", "-w", "OUT"], "dir"),
        (["capture", "stdin", "--dir", "host", "-w", "-"], "not to standard output"),
    ])
    func usageErrorsAreOneLineWithExitStatus2(arguments: [String], message: String) throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let resolved = arguments.map { argument -> String in
            switch argument {
            case "LINK": directory.appendingPathComponent("link").path
            case "OUT": directory.appendingPathComponent("out.pcap").path
            default: argument
            }
        }
        let result = try AttraceProcess.run(resolved, in: directory)
        #expect(result.exitCode == 2)
        #expect(result.standardError.hasPrefix("attrace: "))
        #expect(result.standardError.contains(message), "stderr: \(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.pcap").path),
                "a failed start leaves no empty capture behind")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("link").path))
    }
}
