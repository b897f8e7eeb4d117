package org.slmlab.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that share loops chunk by chunk — the engine's only parallelism.
 *
 * <p>With {@code n} threads the pool starts {@code n - 1} workers and the calling thread works too: on a 2-core
 * machine a pool of 2 workers plus a waiting caller would put 3 busy threads on 2 cores.
 *
 * <p>A loop over [0, n) is cut into chunks whose boundaries depend only on {@code n} and the grain — never on the
 * thread count — and every thread takes the next unclaimed chunk from a shared counter until none is left. Two
 * things follow. A thread that the operating system deschedules (the machine is busy) holds up one chunk, not a
 * fixed half of the loop: the others take over its share. And a result never depends on how many threads ran:
 * each chunk is computed the same way whoever computes it, so 1, 2 or 8 threads give the same bits.
 *
 * <p>Workers spin briefly between loops (a forward pass issues hundreds of loops per token, and waking a parked
 * thread costs tens of microseconds), then park so an idle engine uses no CPU; only parked workers are unparked.
 */
public final class WorkerPool implements AutoCloseable {

    /** A loop body over the index range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Chunks per loop: enough that a descheduled thread's chunk is a small part of the loop and the last chunks
     * balance the threads, few enough that claiming one (an atomic increment) costs nothing next to its work.
     */
    static final int TARGET_CHUNKS = 32;
    private static final long SPIN_NANOS = 100_000;
    /** Spins of a caller waiting for other threads' last chunks before it yields its core to them. */
    private static final int WAIT_SPINS = 2_000;

    /** One parallel loop: its chunks, the counter threads claim them from, and how many are finished. */
    private static final class Job {
        final RangeTask body;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(RangeTask body, int n, int chunk) {
            this.body = body;
            this.n = n;
            this.chunk = chunk;
            this.chunks = (n + chunk - 1) / chunk;
        }

        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    int from = c * chunk;
                    body.run(from, Math.min(n, from + chunk));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Worker {
        Thread thread;
        volatile boolean parked;
    }

    private final int threads;
    private final Worker[] workers;
    private volatile Job current;
    private volatile boolean closed;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Worker w = new Worker();
            workers[i] = w;
            w.thread = Thread.ofPlatform().daemon().name("slmlab-worker-" + (i + 1)).start(() -> work(w));
        }
    }

    /** A pool sized to the machine: one thread per available core. */
    public static WorkerPool forAllCores() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** {@link #parallelFor(int, int, RangeTask)} with a grain of 1. */
    public void parallelFor(int n, RangeTask body) {
        parallelFor(n, 1, body);
    }

    /**
     * Runs {@code body} over [0, n) in chunks and returns when all are done. Chunks are multiples of
     * {@code grain} long (except the last): a kernel that handles rows in groups of {@code grain} never sees a
     * split group. Not reentrant: a body must not call {@code parallelFor} itself.
     */
    public void parallelFor(int n, int grain, RangeTask body) {
        if (n <= 0) {
            return;
        }
        int chunk = chunkSize(n, grain);
        if (threads == 1 || chunk >= n) {
            // The same chunks in order, so that one thread computes exactly what several would.
            for (int from = 0; from < n; from += chunk) {
                body.run(from, Math.min(n, from + chunk));
            }
            return;
        }
        Job job = new Job(body, n, chunk);
        current = job;
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        job.work();
        for (int spins = 0; job.done.get() < job.chunks; spins++) {
            if (spins < WAIT_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the thread we wait for may be waiting for this core
            }
        }
        current = null;
        Throwable f = job.failure;
        if (f != null) {
            throw f instanceof RuntimeException re ? re : new IllegalStateException(f);
        }
    }

    /** Chunk length for a loop of {@code n}: about n / TARGET_CHUNKS, a multiple of the grain, a function of n only. */
    static int chunkSize(int n, int grain) {
        int g = Math.max(1, grain);
        int perChunk = (n + TARGET_CHUNKS - 1) / TARGET_CHUNKS;
        return Math.max(g, (perChunk + g - 1) / g * g);
    }

    private void work(Worker self) {
        Job seen = null;
        while (!closed) {
            Job job = current;
            if (job != null && job != seen) {
                seen = job;
                job.work();
                continue;
            }
            long spinStart = System.nanoTime();
            while (current == job && !closed && System.nanoTime() - spinStart < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            if (current == job && !closed) {
                // Publish "parked" before the last look at the job, so a caller that posts a job after this look
                // sees the flag and unparks us (both are volatile: one of the two threads sees the other's write).
                self.parked = true;
                if (current == job && !closed) {
                    LockSupport.park(this);
                }
                self.parked = false;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
