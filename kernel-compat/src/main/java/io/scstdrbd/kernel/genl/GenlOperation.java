package io.scstdrbd.kernel.genl;

/**
 * One command of a family: a doit handler, a dump handler, or both.
 *
 * @param cmd        genl command number
 * @param adminOnly  only privileged clients may run it (GENL_ADMIN_PERM); others get EPERM
 * @param doit       handler for plain requests, or null
 * @param dumpit     handler for NLM_F_DUMP requests, or null
 */
public record GenlOperation(int cmd, boolean adminOnly, GenlDoit doit, GenlDumpit dumpit) {
    public static final int GENL_ADMIN_PERM = 0x01;
    public static final int GENL_CMD_CAP_DO = 0x02;
    public static final int GENL_CMD_CAP_DUMP = 0x04;

    public GenlOperation {
        if (cmd < 0 || cmd > 255) {
            throw new IllegalArgumentException("cmd " + cmd);
        }
        if (doit == null && dumpit == null) {
            throw new IllegalArgumentException("operation " + cmd + " has no handler");
        }
    }

    public static GenlOperation doit(int cmd, GenlDoit handler) {
        return new GenlOperation(cmd, true, handler, null);
    }

    public static GenlOperation dump(int cmd, GenlDumpit handler) {
        return new GenlOperation(cmd, true, null, handler);
    }

    /** The op flags the controller reports (CTRL_ATTR_OP_FLAGS). */
    public int ctrlFlags() {
        return (adminOnly ? GENL_ADMIN_PERM : 0) | (doit != null ? GENL_CMD_CAP_DO : 0)
                | (dumpit != null ? GENL_CMD_CAP_DUMP : 0);
    }
}
