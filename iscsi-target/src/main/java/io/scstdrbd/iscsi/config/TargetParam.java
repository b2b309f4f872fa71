package io.scstdrbd.iscsi.config;

/**
 * Target keys of iscsi-scstd.conf: local behaviour, never negotiated (reference 8.2; defaults
 * and limits of iSCSI-SCST).
 */
public enum TargetParam {
    /** CmdSN window: commands the target accepts at a time per session. */
    QUEUED_COMMANDS("QueuedCommands", 32, 1, 2048),
    /** Seconds a command may stay unanswered before the connection is closed. */
    RSP_TIMEOUT("RspTimeout", 90, 2, 65535),
    /** Seconds between NOP-In pings on an idle connection; 0 disables them. */
    NOP_IN_INTERVAL("NopInInterval", 30, 0, 65535),
    /** Seconds to wait for the NOP-Out answering a ping before closing the connection. */
    NOP_IN_TIMEOUT("NopInTimeout", 30, 2, 65535),
    /** Sessions allowed on the target; 0 = unlimited. */
    MAX_SESSIONS("MaxSessions", 0, 0, 65535);

    private final String confName;
    private final long defaultValue;
    private final long min;
    private final long max;

    TargetParam(String confName, long defaultValue, long min, long max) {
        this.confName = confName;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
    }

    public String confName() {
        return confName;
    }

    public long defaultValue() {
        return defaultValue;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    public static TargetParam byName(String name) {
        for (TargetParam p : values()) {
            if (p.confName.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    /** Parses and range-checks a configured value. */
    public long parse(String text) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(confName + ": '" + text + "' is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(confName + " " + text + " is out of range " + min + ".." + max);
        }
        return v;
    }
}
