package io.scstdrbd.kernel.block;

/**
 * How the FUSE tree names the processes that open devices through it, as holders in the
 * {@link DeviceRegistry}: {@code "fuse pid N (comm)"}. Their RELEASE reaches the daemon after the
 * program's close(2) has returned, so whoever meets such a holder right after a tool ran
 * (drbdmeta before attach, mkfs before mount) may wait a moment for it instead of failing.
 */
public final class FuseOpeners {
    public static final String HOLDER_PREFIX = "fuse pid ";

    private FuseOpeners() {
    }

    /** The holder name of a FUSE opener. */
    public static String holder(long pid, String comm) {
        return HOLDER_PREFIX + pid + " (" + comm + ")";
    }

    public static boolean isFuseOpener(String holder) {
        return holder != null && holder.startsWith(HOLDER_PREFIX);
    }
}
