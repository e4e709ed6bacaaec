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
        // What the queue accepted, reported by the producer as it goes (unbounded enough
        // never to block it), so the test knows when the producer has filled the queue.
        let accepted = HandoffQueue<Int>(capacity: 1_000)
        let producer = WorkerThread.start {
            var value = 0
            while queue.send(value) {
                _ = accepted.send(value)
                value += 1
            }
            accepted.close()
        }
        // The producer fills the two places; taking one lets it add a third (2), after
        // which it waits on the full queue until the cancel releases it.
        #expect(queue.receive() == 0)
        var reported: [Int] = []
        while reported.last != 2, let value = accepted.receive() { reported.append(value) }
        queue.cancel()
        producer.join()
        while let value = accepted.receive() { reported.append(value) }
        #expect(reported == [0, 1, 2])
        #expect(queue.send(99) == false)
    }

    /// The non-blocking pair used to hand used batches back: never waits, refuses when
    /// full or cancelled, returns `nil` when empty.
    @Test func trySendAndTryReceiveNeverWait() {
        let queue = HandoffQueue<Int>(capacity: 2)
        #expect(queue.tryReceive() == nil)
        #expect(queue.trySend(1))
        #expect(queue.trySend(2))
        #expect(queue.trySend(3) == false)
        #expect(queue.tryReceive() == 1)
        #expect(queue.trySend(4))
        #expect(queue.tryReceive() == 2)
        #expect(queue.tryReceive() == 4)
        #expect(queue.tryReceive() == nil)
        queue.cancel()
        #expect(queue.trySend(5) == false)
    }
}
