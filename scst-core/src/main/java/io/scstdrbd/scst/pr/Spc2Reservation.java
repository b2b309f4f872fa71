package io.scstdrbd.scst.pr;

/**
 * The RESERVE(6/10) / RELEASE(6/10) reservation of a logical unit (SPC-2): held by one I_T
 * nexus (identified by its session), released by RELEASE, LU reset, target reset or nexus loss.
 * Thread-safe.
 */
public final class Spc2Reservation {
    private static final long NONE = -1;
    private volatile long holder = NONE;

    /** Reserves for {@code sessionId}; false if another session holds the reservation. */
    public synchronized boolean reserve(long sessionId) {
        if (holder != NONE && holder != sessionId) {
            return false;
        }
        holder = sessionId;
        return true;
    }

    /** Releases if {@code sessionId} holds the reservation (otherwise nothing happens, as SPC-2 says). */
    public synchronized void release(long sessionId) {
        if (holder == sessionId) {
            holder = NONE;
        }
    }

    public synchronized void clear() {
        holder = NONE;
    }

    public boolean isReserved() {
        return holder != NONE;
    }

    /** True if reserved by a session other than {@code sessionId}. */
    public boolean heldByOther(long sessionId) {
        long h = holder;
        return h != NONE && h != sessionId;
    }
}
