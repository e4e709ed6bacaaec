import ATTraceCore
import ATTraceSimulation
import Testing

/// The benchmark's traffic simulator (SessionSimulator; reference/formats.md §7.1):
/// deterministic, ordered in time, with every session kind and error in the mix, and
/// decodable.
@Suite struct SessionSimulatorTests {
    private func records(seed: UInt64, count: Int) -> [CaptureRecord] {
        var simulator = SessionSimulator(seed: seed)
        return (0..<count).map { _ in simulator.next()! }
    }

    private func chunks(_ records: [CaptureRecord]) -> [TraceChunk] {
        records.compactMap { record in
            if case .chunk(let chunk) = record { return chunk }
            return nil
        }
    }

    @Test func sameSeedGivesTheSameRecords() {
        #expect(records(seed: 42, count: 10_000) == records(seed: 42, count: 10_000))
    }

    @Test func differentSeedsDiffer() {
        let first = records(seed: 1, count: 1_000)
        let second = records(seed: 2, count: 1_000)
        #expect(first != second)
        #expect(chunks(first).map(\.bytes) != chunks(second).map(\.bytes))
    }

    @Test func startsAtTheGivenTimeAndNeverGoesBack() {
        let start = Timestamp(seconds: 1_700_000_000)
        var simulator = SessionSimulator(seed: 9, start: start)
        var previous = start
        var frame = 0
        for _ in 0..<50_000 {
            guard case .chunk(let chunk)? = simulator.next() else {
                Issue.record("the simulator yields only chunks")
                return
            }
            #expect(chunk.time >= previous)
            #expect(chunk.frame == frame + 1)
            #expect(chunk.channel == 0 && !chunk.bytes.isEmpty && chunk.direction != .unknown)
            previous = chunk.time
            frame = chunk.frame
        }
        #expect(simulator.statistics.records == 50_000)
        #expect(simulator.currentTime >= previous)
    }

    /// `true` when `needle` occurs in `haystack`.
    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    @Test func theMixHoldsEverySessionKindAndError() {
        var simulator = SessionSimulator(seed: 100)
        var sawTransparentOpen = false, sawQIRD = false, sawHTTPRead = false, sawPush = false
        var sawEscape = false, sawCME = false, sawSendFail = false, sawOpenFailure = false
        let transparentOpen = Array(",2\r".utf8), qird = Array("AT+QIRD=".utf8), httpRead = Array("AT+QHTTPREAD=".utf8)
        let open = Array("AT+QSSLOPEN=".utf8), escape = Array("+++".utf8), push = Array("+QSSLURC: \"recv\",4,".utf8)
        let cme = Array("+CME ERROR".utf8), sendFail = Array("SEND FAIL".utf8)
        let openFailures = ["+QSSLOPEN: 4,566", "+QSSLOPEN: 4,552", "+QSSLOPEN: 4,553"].map { Array($0.utf8) }
        for _ in 0..<200_000 {
            guard case .chunk(let chunk)? = simulator.next() else { continue }
            let bytes = chunk.bytes
            if chunk.direction == .host {
                if bytes.starts(with: open), bytes.suffix(3).elementsEqual(transparentOpen) { sawTransparentOpen = true }
                if bytes.starts(with: qird) { sawQIRD = true }
                if bytes.starts(with: httpRead) { sawHTTPRead = true }
                if bytes == escape { sawEscape = true }
            } else if bytes.count < 200 {
                if !sawPush, contains(bytes, push) { sawPush = true }
                if !sawCME, contains(bytes, cme) { sawCME = true }
                if !sawSendFail, contains(bytes, sendFail) { sawSendFail = true }
                if !sawOpenFailure, openFailures.contains(where: { contains(bytes, $0) }) { sawOpenFailure = true }
            }
        }
        let statistics = simulator.statistics
        for kind in SessionKind.allCases {
            #expect(statistics.sessions(kind) > 0, "no \(kind.rawValue) session in 200 000 records")
        }
        #expect(sawTransparentOpen && sawQIRD && sawHTTPRead && sawPush && sawEscape)
        #expect(sawCME && sawSendFail && sawOpenFailure)
        #expect(statistics.activationErrors > 0 && statistics.openFailures > 0 && statistics.sendFailures > 0)
        #expect(statistics.splitResponses > 0 && statistics.splitPayloads > 0 && statistics.unsolicitedResults > 0)
        // About 30 % of sessions run with echo on.
        let echoShare = Double(statistics.echoSessions) / Double(statistics.totalSessions)
        #expect(echoShare > 0.2 && echoShare < 0.4)
        #expect(statistics.serialBytes == statistics.hostBytes + statistics.modemBytes)
        print("simulator, 200 000 records: \(statistics)")
    }

    @Test func commandLinesAreWholeRecordsEndingWithCR() {
        var commands = 0
        for chunk in chunks(records(seed: 5, count: 20_000)) where chunk.direction == .host {
            // Payload text never holds "AT+Q", so these records are command lines.
            guard chunk.bytes.starts(with: Array("AT+Q".utf8)) else { continue }
            commands += 1
            #expect(chunk.bytes.last == 0x0D)
            #expect(chunk.bytes.dropLast().allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        }
        #expect(commands > 1_000)
    }

    @Test func configurationChangesTheMix() {
        var configuration = SimulatorConfiguration()
        configuration.sessionWeights = [.httpGet: 1]
        configuration.echoPerMille = 0
        var simulator = SessionSimulator(seed: 3, configuration: configuration)
        for _ in 0..<5_000 { _ = simulator.next() }
        #expect(simulator.statistics.sessions(.httpGet) == simulator.statistics.totalSessions)
        #expect(simulator.statistics.echoSessions == 0)
    }

    @Test func outputRendersAsATraceScript() throws {
        let sample = records(seed: 11, count: 3_000)
        let script = TraceScript(name: "simulated", records: sample)
        #expect(try TraceScript.parse(script.render(), name: "simulated").records == sample)
    }

    @Test func firstRecordsDecodeIntoTransactions() {
        let decoded = ATStreamDecoder.decode(records(seed: 100, count: 20_000))
        var transactions = 0, urcs = 0, data = 0, modes = 0, diagnostics = 0
        var statuses: [Transaction.Status: Int] = [:]
        for record in decoded {
            switch record {
            case .transaction(let transaction):
                transactions += 1
                statuses[transaction.status, default: 0] += 1
            case .urc: urcs += 1
            case .data: data += 1
            case .mode: modes += 1
            case .event, .multiplexer: break
            case .diagnostic: diagnostics += 1
            }
        }
        print("decoded 20 000 simulated records: transactions \(transactions) \(statuses.map { "\($0.key.rawValue)=\($0.value)" }.sorted()), urcs \(urcs), data \(data), mode \(modes), diagnostics \(diagnostics)")
        #expect(transactions > 1_000)
    }
}
