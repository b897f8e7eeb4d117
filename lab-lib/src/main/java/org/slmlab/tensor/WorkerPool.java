package org.slmlab.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that split loops into contiguous ranges — the engine's only parallelism.
 *
 * <p>With {@code n} threads the pool starts {@code n - 1} workers and the calling thread does the first share
 * itself: on a 2-core machine a pool of 2 workers plus a waiting caller would put 3 busy threads on 2 cores.
 * Workers spin briefly between jobs (a forward pass issues hundreds of small loops per token, and waking a
 * parked thread costs tens of microseconds), then park so an idle engine uses no CPU.
 */
public final class WorkerPool implements AutoCloseable {

    /** A loop body over the index range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int total;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int share = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("slmlab-worker-" + share).start(() -> work(share));
        }
    }

    /** A pool sized to the machine: one thread per available core. */
    public static WorkerPool forAllCores() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) split into one contiguous range per thread, and returns when all are done.
     * Not reentrant: a body must not call {@code parallelFor} itself.
     */
    public void parallelFor(int n, RangeTask body) {
        if (threads == 1 || n < 2) {
            body.run(0, n);
            return;
        }
        task = body;
        total = n;
        failure = null;
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runShare(body, n, 0);
        } finally {
            while (pending.get() != 0) {
                Thread.onSpinWait();
            }
            task = null;
        }
        Throwable f = failure;
        if (f != null) {
            throw f instanceof RuntimeException re ? re : new IllegalStateException(f);
        }
    }

    private void runShare(RangeTask body, int n, int share) {
        int from = (int) ((long) n * share / threads);
        int to = (int) ((long) n * (share + 1) / threads);
        if (from < to) {
            body.run(from, to);
        }
    }

    private void work(int share) {
        int seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runShare(task, total, share);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
