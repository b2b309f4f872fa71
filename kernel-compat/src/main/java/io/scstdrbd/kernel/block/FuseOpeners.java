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

    /**
     * The kernel's "comm (pid N)" of an opener: a FUSE opener's own program and pid; anything else
     * opens from inside the daemon, so its holder name and the daemon's pid.
     */
    public static String commAndPid(String holder) {
        if (isFuseOpener(holder)) {
            int open = holder.indexOf(" (");
            if (open > 0 && holder.endsWith(")")) {
                String pid = holder.substring(HOLDER_PREFIX.length(), open);
                return holder.substring(open + 2, holder.length() - 1) + " (pid " + pid + ")";
            }
        }
        return holder + " (pid " + ProcessHandle.current().pid() + ")";
    }
}
