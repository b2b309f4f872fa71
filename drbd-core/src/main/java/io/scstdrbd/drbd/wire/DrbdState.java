package io.scstdrbd.drbd.wire;

/**
 * {@code union drbd_state}: the 32-bit word of P_STATE and of state change requests. The fields are
 * kept as raw numbers (disk values in the dialect's numbering); see {@code io.scstdrbd.drbd.state}
 * for their meaning.
 */
public record DrbdState(int role, int peer, int conn, int disk, int pdsk, boolean susp, boolean aftrIsp,
        boolean peerIsp, boolean userIsp, boolean suspNod, boolean suspFen, boolean quorum) {

    /** All fields set: the mask that selects everything. */
    public static final int ROLE_MASK = 3;
    public static final int CONN_MASK = 31;
    public static final int DISK_MASK = 15;

    public DrbdState {
        check(role, ROLE_MASK, "role");
        check(peer, ROLE_MASK, "peer");
        check(conn, CONN_MASK, "conn");
        check(disk, DISK_MASK, "disk");
        check(pdsk, DISK_MASK, "pdsk");
    }

    private static void check(int v, int mask, String what) {
        if ((v & ~mask) != 0) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    public static DrbdState decode(int w) {
        return new DrbdState(w & 3, (w >>> 2) & 3, (w >>> 4) & 31, (w >>> 9) & 15, (w >>> 13) & 15,
                bit(w, 17), bit(w, 18), bit(w, 19), bit(w, 20), bit(w, 21), bit(w, 22), bit(w, 23));
    }

    private static boolean bit(int w, int n) {
        return ((w >>> n) & 1) != 0;
    }

    public int encode() {
        int w = role | (peer << 2) | (conn << 4) | (disk << 9) | (pdsk << 13);
        w |= (susp ? 1 : 0) << 17;
        w |= (aftrIsp ? 1 : 0) << 18;
        w |= (peerIsp ? 1 : 0) << 19;
        w |= (userIsp ? 1 : 0) << 20;
        w |= (suspNod ? 1 : 0) << 21;
        w |= (suspFen ? 1 : 0) << 22;
        w |= (quorum ? 1 : 0) << 23;
        return w;
    }

    /** A state word with only the given fields; the rest zero. */
    public static DrbdState of(int role, int peer, int conn, int disk, int pdsk) {
        return new DrbdState(role, peer, conn, disk, pdsk, false, false, false, false, false, false, false);
    }
}
