package io.scstdrbd.drbd.engine;

import java.util.function.Function;

/**
 * Where a volume's generation UUIDs live (in memory for tests, in the v09 superblock in the
 * daemon). Reads get a copy; changes are read-modify-write and atomic. Persisting them is
 * {@link LocalVolume#persist}'s job. Thread-safe, non-blocking.
 */
public interface UuidStore {
    /** A copy of the current UUIDs. */
    GenerationUuids view();

    /** Applies {@code op} to the UUIDs atomically and returns its result. */
    <T> T change(Function<GenerationUuids, T> op);

    /** In-memory store. */
    final class Memory implements UuidStore {
        private final GenerationUuids u;

        public Memory(long current) {
            this.u = new GenerationUuids(current);
        }

        @Override
        public synchronized GenerationUuids view() {
            return u.copy();
        }

        @Override
        public synchronized <T> T change(Function<GenerationUuids, T> op) {
            return op.apply(u);
        }

        @Override
        public String toString() {
            return u.toString();
        }
    }
}
