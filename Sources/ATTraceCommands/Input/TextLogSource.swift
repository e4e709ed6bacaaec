import ATTraceCore
import ATTraceImport
import ATTraceIO

/// A field log read through its dialect's importer (log-dialects.md), streaming: the lines
/// read ahead for detection first, then the rest of the input line by line.
final class TextLogSource: RecordSource {
    let name: String
    private var importer: FieldLogImporter
    private let reader: TextLineReader
    private var readAhead: [LogLine]

    init(name: String, importer: FieldLogImporter, reader: TextLineReader, readAhead: [LogLine]) {
        self.name = name
        self.importer = importer
        self.reader = reader
        self.readAhead = readAhead
    }

    var dialect: LogDialect { importer.dialect }

    func forEachRecord(_ body: (RawRecord) throws -> Void) throws {
        let buffered = readAhead
        readAhead = []
        for line in buffered {
            importer.consume(line)
            try drain(body)
        }
        while let (number, bytes) = try reader.nextLine() {
            importer.consume(LogLine(number: number, bytes: bytes))
            try drain(body)
        }
        importer.finish()
        try drain(body)
    }

    private func drain(_ body: (RawRecord) throws -> Void) throws {
        while let record = importer.nextRecord() {
            try record.withRawRecord(body)
        }
    }
}
