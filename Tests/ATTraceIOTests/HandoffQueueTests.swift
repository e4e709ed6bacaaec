import ATTraceIO
import Testing

/// The queue between the decoding thread and the consumer: order, bounds, and both ways
/// of stopping.
@Suite struct HandoffQueueTests {
    @Test func deliversEverythingInOrderAcrossThreads() {
        let queue = HandoffQueue<Int>(capacity: 3)
        let producer = WorkerThread.start {
            for value in 0..<10_000 { queue.send(value) }
            queue.close()
        }
        var received: [Int] = []
        while let value = queue.receive() { received.append(value) }
        producer.join()
        #expect(received == Array(0..<10_000))
    }

    @Test func closedEmptyQueueReturnsNil() {
        let queue = HandoffQueue<String>(capacity: 1)
        queue.send("only")
        queue.close()
        #expect(queue.receive() == "only")
        #expect(queue.receive() == nil)
    }

    /// A producer blocked on a full queue is released by `cancel` and told to stop.
    @Test func cancelReleasesABlockedProducer() {
        let queue = HandoffQueue<Int>(capacity: 2)
        let outcome = HandoffQueue<Bool>(capacity: 1)
        let producer = WorkerThread.start {
            var accepted = true
            var value = 0
            while accepted {
                accepted = queue.send(value)
                value += 1
            }
            outcome.send(value > 2)
            outcome.close()
        }
        // The producer fills the two places and then waits; taking one lets it add one more.
        #expect(queue.receive() == 0)
        queue.cancel()
        producer.join()
        #expect(outcome.receive() == true)
        #expect(queue.send(99) == false)
    }
}
