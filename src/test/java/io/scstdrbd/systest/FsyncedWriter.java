package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background load on node A's drbd1: random 4 KiB blocks, each written and fsync'ed before the
 * next. Counts completed writes and records the first failure (the thread ends there). Close
 * stops it and waits for it (a write held by the daemon must be let go first).
 */
final class FsyncedWriter implements AutoCloseable {
    final AtomicLong done = new AtomicLong();
    final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    FsyncedWriter(TwoNodes n, long seed, String name) throws IOException {
        long blocks = n.a.dataBytes() / 4096;
        thread = new Thread(() -> {
            byte[] data = new byte[4096];
            Random r = new Random(seed);
            try (RandomAccessFile f = new RandomAccessFile(n.a.drbd1().toFile(), "rw")) {
                while (!stop.get()) {
                    r.nextBytes(data);
                    f.seek(r.nextInt((int) blocks) * 4096L);
                    f.write(data);
                    f.getFD().sync();
                    done.incrementAndGet();
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, name);
        thread.start();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Waits up to 10 s for {@code more} further writes. */
    void awaitProgress(long more) throws InterruptedException {
        long from = done.get();
        for (int i = 0; i < 200 && done.get() < from + more && failed.get() == null; i++) {
            Thread.sleep(50);
        }
        assertTrue(done.get() >= from + more, "the writes did not go on; failure: " + failed.get());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
    }
}
