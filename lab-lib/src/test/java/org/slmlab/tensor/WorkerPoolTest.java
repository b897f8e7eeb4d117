package org.slmlab.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 4}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[] {0, 1, 2, 31, 32, 33, 1000, 151_936}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    pool.parallelFor(n, 16, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " of " + n + " with " + threads + " threads");
                    }
                }
            }
        }
    }

    /** The chunks — and so what each kernel call sees — are the same for any number of threads. */
    @Test
    void chunksDoNotDependOnTheThreadCount() {
        List<String> reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            List<String> chunks = Collections.synchronizedList(new ArrayList<>());
            try (WorkerPool pool = new WorkerPool(threads)) {
                pool.parallelFor(1000, 16, (from, to) -> chunks.add(from + ".." + to));
            }
            chunks.sort(null);
            if (reference == null) {
                reference = chunks;
                assertTrue(chunks.size() > 1, "a loop of 1000 is split");
                for (String c : chunks) {
                    assertEquals(0, Integer.parseInt(c.substring(0, c.indexOf('.'))) % 16, "chunk starts on the grain");
                }
            } else {
                assertEquals(reference, chunks, threads + " threads");
            }
        }
    }

    @Test
    void aFailingChunkFailsTheLoopAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            var e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, (from, to) -> {
                if (from <= 50 && 50 < to) {
                    throw new IllegalStateException("chunk with 50");
                }
            }));
            assertEquals("chunk with 50", e.getMessage());
            int[] sum = new int[1];
            pool.parallelFor(10, (from, to) -> {
                synchronized (sum) {
                    sum[0] += to - from;
                }
            });
            assertEquals(10, sum[0]);
        }
    }
}
