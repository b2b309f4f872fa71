package io.scstdrbd.drbd.proc;

import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ModuleParam;
import io.scstdrbd.kernel.proc.ModuleParams;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;

/**
 * {@code proc/drbd} and {@code sys/module/drbd/parameters/*} as DRBD 9.2 shows them: the
 * /proc file is only the version banner (drbd_proc.c; drbdadm takes the version from its first
 * line, drbdsetup only checks that it exists), the parameters are those of drbd_main.c with
 * their permissions.
 */
public final class DrbdProc {
    /** The DRBD release whose behaviour the daemon implements (what drbdadm sees). */
    public static final String VERSION = "9.2.19";
    /** Wire protocol range offered (8.4 dialect 86-101 and DRBD 9 dialect 118-121). */
    public static final int PROTO_MIN = 86;
    public static final int PROTO_MAX = 121;
    public static final String PROC_NODE = "proc/drbd";

    private final ProcFs procfs;
    private final ModuleParams params;
    private final String buildTag;
    private ModuleParam usermodeHelper;
    private ModuleParam protocolVersionMin;

    /** @param buildTag e.g. "build by scst-drbd@host, 2026-01-01 00:00:00" */
    public DrbdProc(ProcFs procfs, ModuleParams params, String buildTag) {
        this.procfs = procfs;
        this.params = params;
        this.buildTag = buildTag;
    }

    public String banner() {
        return "version: " + VERSION + " (api:2/proto:" + PROTO_MIN + "-" + PROTO_MAX + ")\n"
                + "GIT-hash: 0000000000000000000000000000000000000000 " + buildTag + "\n"
                + "Transports (api:21): tcp (" + VERSION + ")\n";
    }

    static boolean acceptableProtocol(String s) {
        try {
            long v = Long.decode(s.strip());
            return (v >= 86 && v <= 101) || (v >= 118 && v <= PROTO_MAX);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Publishes the nodes; {@code helper} is the usermode_helper default. */
    public void register(String helper) throws KernelException {
        procfs.register(PROC_NODE, ProcNode.readOnly(this::banner));
        params.addModule("drbd");
        params.add("drbd", ModuleParam.ofBool("disable_sendpage", false, true));
        params.add("drbd", ModuleParam.ofLong("minor_count", 32, 1, 255, false));
        usermodeHelper = params.add("drbd", ModuleParam.ofString("usermode_helper", helper,
                v -> !v.isEmpty() && v.length() < 80, true));
        protocolVersionMin = params.add("drbd", ModuleParam.ofString("protocol_version_min",
                Integer.toString(PROTO_MIN), DrbdProc::acceptableProtocol, true));
        params.add("drbd", ModuleParam.ofLong("max_parallel_resyncs", 0, 0, Integer.MAX_VALUE, true));
        params.add("drbd", ModuleParam.ofBool("strict_names", true, true));
    }

    public String usermodeHelper() {
        return usermodeHelper.stringValue();
    }

    /** The lowest wire protocol the replication code may accept. */
    public int protocolVersionMin() {
        return Integer.decode(protocolVersionMin.stringValue().strip());
    }

    public void unregister() {
        procfs.unregister(PROC_NODE);
        params.removeModule("drbd");
    }
}
