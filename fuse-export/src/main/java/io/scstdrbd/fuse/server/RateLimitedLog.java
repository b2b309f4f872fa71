package io.scstdrbd.fuse.server;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Warnings about bad or unexpected requests, at most one per key every 10 seconds, so a
 * misbehaving client cannot flood the log (and the I/O path never logs per request).
 */
final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private final Logger log;
    private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

    RateLimitedLog(Logger log) {
        this.log = log;
    }

    void warn(String key, String format, Object... args) {
        long now = System.nanoTime();
        Long prev = last.get(key);
        if (prev != null && now - prev < INTERVAL_NANOS) {
            return;
        }
        if (last.size() > 1000) {
            last.clear();
        }
        last.put(key, now);
        log.warn(format, args);
    }
}
