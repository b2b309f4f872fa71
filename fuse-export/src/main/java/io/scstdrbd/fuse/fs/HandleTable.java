package io.scstdrbd.fuse.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * FUSE file handles: small integers with a generation in the high bits, so a stale or forged fh
 * never finds another file's entry. Lookups (every READ and WRITE) take no lock and allocate
 * nothing; add and remove are synchronized. Thread-safe.
 */
public final class HandleTable<T> {
    private static final int INDEX_BITS = 24;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private record Slot<T>(long fh, T value) {
    }

    private volatile AtomicReferenceArray<Slot<T>> slots = new AtomicReferenceArray<>(64);
    private final List<Integer> free = new ArrayList<>();
    private int used;
    private long generation;

    /** Stores a value; returns its handle (never 0). */
    public synchronized long add(T value) {
        int index;
        if (!free.isEmpty()) {
            index = free.remove(free.size() - 1);
        } else {
            if (used == slots.length()) {
                if (used > INDEX_MASK) {
                    throw new IllegalStateException("too many open FUSE handles");
                }
                AtomicReferenceArray<Slot<T>> bigger = new AtomicReferenceArray<>(used * 2);
                for (int i = 0; i < used; i++) {
                    bigger.set(i, slots.get(i));
                }
                slots = bigger;
            }
            index = used++;
        }
        long fh = (++generation << INDEX_BITS) | index;
        slots.get(index);
        slots.set(index, new Slot<>(fh, value));
        return fh;
    }

    /** The value of a live handle, or null. */
    public T get(long fh) {
        AtomicReferenceArray<Slot<T>> s = slots;
        long index = fh & INDEX_MASK;
        if (fh <= 0 || index >= s.length()) {
            return null;
        }
        Slot<T> slot = s.get((int) index);
        return slot != null && slot.fh() == fh ? slot.value() : null;
    }

    /** Removes a handle; returns its value or null if it was not live. */
    public synchronized T remove(long fh) {
        long index = fh & INDEX_MASK;
        if (fh <= 0 || index >= used) {
            return null;
        }
        Slot<T> slot = slots.get((int) index);
        if (slot == null || slot.fh() != fh) {
            return null;
        }
        slots.set((int) index, null);
        free.add((int) index);
        return slot.value();
    }

    /** Removes and returns every live value (shutdown). */
    public synchronized List<T> clear() {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            Slot<T> slot = slots.get(i);
            if (slot != null) {
                out.add(slot.value());
                slots.set(i, null);
                free.add(i);
            }
        }
        return out;
    }

    /** Live values (diagnostics). */
    public synchronized List<T> values() {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            Slot<T> slot = slots.get(i);
            if (slot != null) {
                out.add(slot.value());
            }
        }
        return out;
    }
}
