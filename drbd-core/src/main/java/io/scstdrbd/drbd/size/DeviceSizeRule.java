package io.scstdrbd.drbd.size;

/**
 * How big a replicated device may be, as the kernel's drbd_new_dev_size decides it: the smaller
 * of this node's data area and the peers' data areas while every peer that ever had a disk is
 * seen; while one is out of sight, no bigger than the size last agreed (it may have no room for
 * more). A user size (disk-size, resize --size) takes the place of the result if it fits in it.
 * Pure and thread-safe.
 */
public final class DeviceSizeRule {

    /** The size decided; {@code userSizeTooBig} says the user size did not fit and was not taken. */
    public record Decision(long sectors, boolean userSizeTooBig) {
    }

    private DeviceSizeRule() {
    }

    /**
     * @param myMax              sectors of this node's backing data area (0: diskless)
     * @param peersMax           the smallest data area of the peers whose size is known now (0: none)
     * @param allPeersKnown      every peer that ever had a disk is connected and told its size
     * @param lastAgreed         the size last agreed, the metadata's effective size (0: never agreed)
     * @param userSize           disk-size / resize --size (0: as big as possible)
     * @param assumePeerHasSpace resize --assume-peer-has-space: unseen peers can take this node's size
     */
    public static Decision decide(long myMax, long peersMax, boolean allPeersKnown, long lastAgreed, long userSize,
            boolean assumePeerHasSpace) {
        long p = peersMax;
        if (allPeersKnown || assumePeerHasSpace) {
            p = minNotZero(p, myMax);
        } else {
            p = minNotZero(p, lastAgreed);
        }
        long size = minNotZero(p, myMax);
        if (userSize > size) {
            return new Decision(size, true);
        }
        return new Decision(userSize > 0 ? userSize : size, false);
    }

    /** The smaller of two sizes where 0 means "unknown". */
    public static long minNotZero(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }
}
