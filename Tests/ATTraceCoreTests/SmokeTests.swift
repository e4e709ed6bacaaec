import Testing
@testable import ATTraceCore

@Test func smoke() {
    #expect(Timestamp(seconds: 0).iso8601 == "1970-01-01T00:00:00.000000000Z")
}
