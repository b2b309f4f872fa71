package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.replication.RangeLock;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Pairs the two halves of a replicated write whose local part is issued by someone else: the
 * range taken for the network part is released only when the local write has finished too. The
 * halves may arrive in either order. Thread-safe.
 */
final class LocalWriteGate {
    private final Map<Object, Entry> entries = new IdentityHashMap<>();

    /** Both halves of one write. */
    final class Entry {
        private final Object key;
        private boolean local;
        private boolean peer;
        private RangeLock.Range range;

        Entry(Object key) {
            this.key = key;
        }

        /** The network half is done; {@code r} (may be null) is released once the local half is done too. */
        void peerDone(RangeLock.Range r) {
            RangeLock.Range release = null;
            synchronized (LocalWriteGate.this) {
                peer = true;
                range = r;
                if (local) {
                    entries.remove(key);
                    release = range;
                }
            }
            if (release != null) {
                release.release();
            }
        }
    }

    /** Registers the network half of {@code key}. */
    synchronized Entry enter(Object key) {
        return entries.computeIfAbsent(key, Entry::new);
    }

    /** The local half of {@code key} finished. */
    void localDone(Object key) {
        RangeLock.Range release = null;
        synchronized (this) {
            Entry e = entries.computeIfAbsent(key, Entry::new);
            e.local = true;
            if (e.peer) {
                entries.remove(key);
                release = e.range;
            }
        }
        if (release != null) {
            release.release();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
