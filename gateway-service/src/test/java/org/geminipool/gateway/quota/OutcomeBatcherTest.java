package org.geminipool.gateway.quota;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.geminipool.contract.lease.OutcomeBatch;
import org.geminipool.contract.lease.OutcomeReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutcomeBatcherTest {

    /** A keypool whose answers to POST /outcomes the test gives by hand. */
    static final class SlowKeypool extends KeypoolClient {
        final List<OutcomeBatch> batches = new ArrayList<>();
        final List<Promise<Integer>> answers = new ArrayList<>();

        @Override
        public Future<Integer> outcomes(OutcomeBatch batch) {
            batches.add(batch);
            Promise<Integer> answer = Promise.promise();
            answers.add(answer);
            return answer.future();
        }
    }

    static OutcomeBatch.Entry success(int i) {
        return new OutcomeBatch.Entry("lease-" + i, new OutcomeReport("SUCCESS", null, null, null, null, null));
    }

    @Test
    void batchesGoOutWhileEarlierOnesAwaitTheirCommitUpToTheLimit() {
        SlowKeypool keypool = new SlowKeypool();
        OutcomeBatcher batcher = new OutcomeBatcher();
        batcher.keypool = keypool;
        int n = OutcomeBatcher.MAX_IN_FLIGHT;
        for (int i = 0; i < n; i++) {
            batcher.add(success(i));
            batcher.flush(); // a tick: the earlier batches are not answered yet
        }
        assertEquals(n, keypool.batches.size(), "one batch per tick although none was answered");
        batcher.add(success(n));
        batcher.flush();
        assertEquals(n, keypool.batches.size(), "at most MAX_IN_FLIGHT batches out");
        assertEquals(1, batcher.waiting());
        keypool.answers.get(0).complete(204);
        batcher.flush();
        assertEquals(n + 1, keypool.batches.size(), "an answer frees a slot");
        assertEquals("lease-" + n, keypool.batches.get(n).outcomes().get(0).leaseId());
        assertEquals(0, batcher.waiting());
    }
}
