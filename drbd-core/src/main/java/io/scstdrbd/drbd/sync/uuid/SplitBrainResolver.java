package io.scstdrbd.drbd.sync.uuid;

import io.scstdrbd.drbd.state.Role;

/**
 * The automatic split-brain recovery policies. Each method returns +1 (this node is the sync
 * source, the peer's changes are discarded), -1 (this node is the target), or 0 (no decision:
 * the split brain stays unresolved). {@link #demoteRequested()} reports that a call-pri-lost
 * policy wants this Primary to step down first.
 */
public final class SplitBrainResolver {
    private final SplitBrainInput in;
    private boolean demoteRequested;
    private boolean configError;

    public SplitBrainResolver(SplitBrainInput in) {
        this.in = in;
    }

    public boolean demoteRequested() {
        return demoteRequested;
    }

    /** The configured policy cannot be used with this number of primaries. */
    public boolean configError() {
        return configError;
    }

    public int resolve(AfterSbPolicy p0, AfterSbPolicy p1, AfterSbPolicy p2) {
        int primaries = (in.myRole() == Role.PRIMARY ? 1 : 0) + (in.peerRole() == Role.PRIMARY ? 1 : 0);
        switch (primaries) {
            case 0: return zeroPrimaries(p0);
            case 1: return onePrimary(p0, p1);
            default: return twoPrimaries(p0, p2);
        }
    }

    int zeroPrimaries(AfterSbPolicy p) {
        switch (p) {
            case DISCONNECT:
                return 0;
            case DISCARD_YOUNGER_PRI:
            case DISCARD_OLDER_PRI: {
                boolean me = in.myBitmapUuidFromPrimary();
                boolean peer = in.peerBitmapUuidFromPrimary();
                if (me != peer) {
                    // the node that was Primary at the split rotated a UUID with the Primary bit into its
                    // bitmap slot; the one promoted later (the younger Primary) did not
                    boolean iAmYounger = !me;
                    if (p == AfterSbPolicy.DISCARD_YOUNGER_PRI) {
                        return iAmYounger ? -1 : 1;
                    }
                    return iAmYounger ? 1 : -1;
                }
                return leastChanges();
            }
            case DISCARD_ZERO_CHG: {
                int z = zeroChanges();
                return z;
            }
            case DISCARD_LEAST_CHG: {
                int z = zeroChanges();
                return z != 0 ? z : leastChanges();
            }
            case DISCARD_LOCAL:
                return -1;
            case DISCARD_REMOTE:
                return 1;
            default:
                configError = true;
                return 0;
        }
    }

    private int zeroChanges() {
        if (in.myChanges() == 0 && in.peerChanges() == 0) {
            return in.resolveConflicts() ? -1 : 1;
        }
        if (in.peerChanges() == 0) {
            return 1;
        }
        if (in.myChanges() == 0) {
            return -1;
        }
        return 0;
    }

    private int leastChanges() {
        int z = zeroChanges();
        if (z != 0) {
            return z;
        }
        if (in.myChanges() != in.peerChanges()) {
            return in.myChanges() < in.peerChanges() ? -1 : 1;
        }
        return in.resolveConflicts() ? -1 : 1;
    }

    int onePrimary(AfterSbPolicy p0, AfterSbPolicy p1) {
        boolean iAmPrimary = in.myRole() == Role.PRIMARY;
        switch (p1) {
            case DISCONNECT:
                return 0;
            case CONSENSUS: {
                int h = zeroPrimaries(p0);
                if (h == -1 && !iAmPrimary) {
                    return -1;
                }
                if (h == 1 && iAmPrimary) {
                    return 1;
                }
                return 0;
            }
            case VIOLENTLY:
                return zeroPrimaries(p0);
            case DISCARD_SECONDARY:
                return iAmPrimary ? 1 : -1;
            case CALL_HELPER: {
                int h = zeroPrimaries(p0);
                if (h == -1 && iAmPrimary) {
                    demoteRequested = true;
                }
                return h;
            }
            default:
                configError = true;
                return 0;
        }
    }

    int twoPrimaries(AfterSbPolicy p0, AfterSbPolicy p2) {
        switch (p2) {
            case DISCONNECT:
                return 0;
            case VIOLENTLY:
                return zeroPrimaries(p0);
            case CALL_HELPER: {
                int h = zeroPrimaries(p0);
                if (h == -1) {
                    demoteRequested = true;
                }
                return h;
            }
            default:
                configError = true;
                return 0;
        }
    }
}
