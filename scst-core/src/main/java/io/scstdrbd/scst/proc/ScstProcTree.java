package io.scstdrbd.scst.proc;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;
import io.scstdrbd.scst.ScstModule;
import io.scstdrbd.scst.device.VdiskManager;
import io.scstdrbd.scst.device.VdiskOptions;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.lun.AccessControl;
import io.scstdrbd.scst.lun.AddressMethod;
import io.scstdrbd.scst.lun.GroupView;
import io.scstdrbd.scst.lun.LunMapping;
import io.scstdrbd.scst.target.ScstTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCST's procfs interface under {@code proc/scsi_tgt}: listings in SCST's formats and the
 * write commands scstadmin (procfs version) sends, so admins inspect and change the
 * configuration at run time as with procfs SCST. Errors fail the write with an errno and a
 * log line.
 */
public final class ScstProcTree {
    private static final Logger LOG = LoggerFactory.getLogger(ScstProcTree.class);
    static final String ROOT = "proc/scsi_tgt";

    private final ProcFs procfs;
    private final ScstModule module;
    private final Set<String> groupDirs = new HashSet<>();
    private volatile int threads;
    private final AccessControl.Listener groupListener = this::syncGroupsQuietly;

    public ScstProcTree(ProcFs procfs, ScstModule module) {
        this.procfs = procfs;
        this.module = module;
        this.threads = Runtime.getRuntime().availableProcessors();
    }

    public void register() throws KernelException {
        procfs.register(ROOT + "/scsi_tgt", new CommandNode(this::deviceList, this::targetCommand));
        procfs.register(ROOT + "/version", ProcNode.readOnly(() -> ScstModule.VERSION + "\n"));
        procfs.register(ROOT + "/sessions", ProcNode.readOnly(this::sessions));
        procfs.register(ROOT + "/help", ProcNode.readOnly(ScstProcTree::help));
        procfs.register(ROOT + "/threads", new CommandNode(() -> threads + "\n", this::threadsCommand));
        procfs.register(ROOT + "/sgv", ProcNode.readOnly(() -> String.format("%-30s %-11s %-11s%n",
                "Name", "Hit", "Total")));
        procfs.register(ROOT + "/vdisk/vdisk", new CommandNode(this::vdiskList, this::vdiskCommand));
        procfs.register(ROOT + "/vdisk/type", ProcNode.readOnly(() -> "0 - Direct-access device (e.g., magnetic disk)\n"));
        procfs.mkdir(ROOT + "/groups");
        syncGroups();
        module.accessControl().addListener(groupListener);
    }

    public void unregister() {
        module.accessControl().removeListener(groupListener);
        procfs.unregisterTree(ROOT);
        synchronized (this) {
            groupDirs.clear();
        }
    }

    // ---- listings ----

    private String deviceList() {
        StringBuilder sb = new StringBuilder(String.format("%-60s%s%n", "Device (host:ch:id:lun or name)",
                "Device handler"));
        for (VirtualDevice d : module.vdisks().all()) {
            sb.append(String.format("%-60s%s%n", d.name(), "vdisk"));
        }
        return sb.toString();
    }

    private String sessions() {
        StringBuilder sb = new StringBuilder(String.format("%-20s %-45s %-35s %-15s%n", "Target name",
                "Initiator name", "Group name", "Active/All Commands Count"));
        for (ScstTarget.SessionInfo s : module.target().sessionInfo()) {
            sb.append(String.format("%-20s %-45s %-35s %d/%d%n", s.targetName(), s.initiatorName(), s.group(),
                    s.active(), s.all()));
        }
        return sb.toString();
    }

    private String vdiskList() {
        StringBuilder sb = new StringBuilder(String.format("%-17s %-11s %-11s %-15s %-45s %-16s%n", "Name",
                "Size(MB)", "Block size", "Options", "File name", "T10 device id"));
        for (VirtualDevice d : module.vdisks().all()) {
            VdiskOptions o = d.options();
            StringBuilder opts = new StringBuilder();
            for (String c : o.codes().split(" ")) {
                if (!c.isEmpty()) {
                    opts.append(c).append(' ');
                }
            }
            while (opts.length() < 16) {
                opts.append(' ');
            }
            long sizeMb = module.vdisks().sizeOf(d) >> 20;
            sb.append(String.format("%-17s %-11d %-12d", o.name(), sizeMb, o.blockSize())).append(opts)
                    .append(String.format("%-45s %-16s%n", o.nullio() ? "none" : o.filename(), o.t10DevId()));
        }
        return sb.toString();
    }

    private String groupDevices(String group) throws KernelException {
        GroupView g = requireGroup(group);
        StringBuilder sb = new StringBuilder(String.format("%-60s%-13s%s%n", "Device (host:ch:id:lun or name)", "LUN",
                "Options"));
        for (LunMapping m : g.luns().values()) {
            sb.append(String.format("%-60s%-13d%s%n", m.device().name(), m.lun(), m.readOnly() ? "RO" : ""));
        }
        return sb.toString();
    }

    private String groupNames(String group) throws KernelException {
        StringBuilder sb = new StringBuilder();
        for (String n : requireGroup(group).initiators()) {
            sb.append(n).append('\n');
        }
        return sb.toString();
    }

    private GroupView requireGroup(String group) throws KernelException {
        GroupView g = module.accessControl().group(group);
        if (g == null) {
            throw new KernelException(Errno.ENOENT, "no group " + group);
        }
        return g;
    }

    static String help() {
        return String.join("\n",
                "Usage: echo \"assign H:C:I:L HANDLER_NAME\" >/proc/scsi_tgt/scsi_tgt",
                "       echo \"add_group GROUP_NAME [FLAT|LUN]\" >/proc/scsi_tgt/scsi_tgt",
                "       echo \"del_group GROUP_NAME\" >/proc/scsi_tgt/scsi_tgt",
                "       echo \"rename_group OLD_NAME NEW_NAME\" >/proc/scsi_tgt/scsi_tgt",
                "       echo \"add|del|replace V_NAME LUN [READ_ONLY]\" >/proc/scsi_tgt/groups/GROUP_NAME/devices",
                "       echo \"clear\" >/proc/scsi_tgt/groups/GROUP_NAME/devices",
                "       echo \"add|del NAME\" >/proc/scsi_tgt/groups/GROUP_NAME/names",
                "       echo \"move NAME NEW_GROUP_NAME\" >/proc/scsi_tgt/groups/GROUP_NAME/names",
                "       echo \"clear\" >/proc/scsi_tgt/groups/GROUP_NAME/names",
                "       echo \"open NAME FILE_NAME [BLOCK_SIZE] [WRITE_THROUGH READ_ONLY O_DIRECT NULLIO NV_CACHE "
                        + "BLOCKIO REMOVABLE]\" >/proc/scsi_tgt/vdisk/vdisk",
                "       echo \"close NAME\" >/proc/scsi_tgt/vdisk/vdisk",
                "       echo \"resync_size NAME\" >/proc/scsi_tgt/vdisk/vdisk",
                "       echo \"set_t10_dev_id NAME T10_DEVICE_ID\" >/proc/scsi_tgt/vdisk/vdisk",
                "");
    }

    // ---- commands ----

    private static String[] words(String line) {
        return line.strip().split("\\s+");
    }

    private static KernelException usage(String msg) {
        return new KernelException(Errno.EINVAL, msg);
    }

    private void targetCommand(String line) throws KernelException {
        String[] w = words(line);
        AccessControl acl = module.accessControl();
        try {
            switch (w[0]) {
                case "add_group": {
                    if (w.length < 2 || w.length > 3) {
                        throw usage("usage: add_group GROUP_NAME [FLAT|LUN]");
                    }
                    AddressMethod m = null;
                    if (w.length == 3) {
                        m = AddressMethod.parse(w[2]);
                        if (m == null || m == AddressMethod.PERIPHERAL) {
                            throw usage("unknown addressing method '" + w[2] + "' (FLAT or LUN)");
                        }
                    }
                    acl.addGroup(w[1], m);
                    break;
                }
                case "del_group":
                    if (w.length != 2) {
                        throw usage("usage: del_group GROUP_NAME");
                    }
                    acl.deleteGroup(w[1]);
                    break;
                case "rename_group":
                    if (w.length != 3) {
                        throw usage("usage: rename_group OLD_NAME NEW_NAME");
                    }
                    acl.renameGroup(w[1], w[2]);
                    break;
                case "assign":
                    throw new KernelException(Errno.ENODEV,
                            "assign: there are no SCSI pass-through devices in this target; use vdisk");
                default:
                    throw usage("unknown command '" + w[0] + "' (see help)");
            }
        } catch (KernelException e) {
            LOG.warn("proc/scsi_tgt/scsi_tgt: '{}' failed: {}", line, e.getMessage());
            throw e;
        }
        LOG.info("proc/scsi_tgt/scsi_tgt: {}", line);
    }

    private void threadsCommand(String line) throws KernelException {
        long n;
        try {
            n = Long.decode(line.strip());
        } catch (NumberFormatException e) {
            throw usage("threads: '" + line + "' is not a number");
        }
        if (n < 1 || n > 1024) {
            throw usage("threads: " + n + " is outside 1..1024");
        }
        threads = (int) n;
        LOG.info("proc/scsi_tgt/threads: {} (commands run on the transports' threads; no effect)", n);
    }

    private void devicesCommand(String group, String line) throws KernelException {
        String[] w = words(line);
        AccessControl acl = module.accessControl();
        try {
            switch (w[0]) {
                case "add":
                case "replace": {
                    if (w.length < 3 || w.length > 4 || (w.length == 4 && !w[3].equalsIgnoreCase("READ_ONLY"))) {
                        throw usage("usage: " + w[0] + " V_NAME LUN [READ_ONLY]");
                    }
                    VirtualDevice d = device(w[1]);
                    acl.addLun(group, d, lun(w[2]), w.length == 4, w[0].equals("replace"));
                    break;
                }
                case "del":
                    if (w.length != 3) {
                        throw usage("usage: del V_NAME LUN");
                    }
                    acl.deleteLun(group, w[1], lun(w[2]));
                    break;
                case "clear":
                    acl.clearLuns(group);
                    break;
                default:
                    throw usage("unknown command '" + w[0] + "' (add, del, replace, clear)");
            }
        } catch (KernelException e) {
            LOG.warn("proc/scsi_tgt/groups/{}/devices: '{}' failed: {}", group, line, e.getMessage());
            throw e;
        }
        LOG.info("proc/scsi_tgt/groups/{}/devices: {}", group, line);
    }

    private void namesCommand(String group, String line) throws KernelException {
        String[] w = words(line);
        AccessControl acl = module.accessControl();
        try {
            switch (w[0]) {
                case "add":
                    if (w.length != 2) {
                        throw usage("usage: add NAME");
                    }
                    acl.addInitiator(group, w[1]);
                    break;
                case "del":
                    if (w.length != 2) {
                        throw usage("usage: del NAME");
                    }
                    acl.deleteInitiator(group, w[1]);
                    break;
                case "move":
                    if (w.length != 3) {
                        throw usage("usage: move NAME NEW_GROUP_NAME");
                    }
                    acl.moveInitiator(group, w[1], w[2]);
                    break;
                case "clear":
                    acl.clearInitiators(group);
                    break;
                default:
                    throw usage("unknown command '" + w[0] + "' (add, del, move, clear)");
            }
        } catch (KernelException e) {
            LOG.warn("proc/scsi_tgt/groups/{}/names: '{}' failed: {}", group, line, e.getMessage());
            throw e;
        }
        LOG.info("proc/scsi_tgt/groups/{}/names: {}", group, line);
    }

    private void vdiskCommand(String line) throws KernelException {
        String[] w = words(line);
        VdiskManager vdisks = module.vdisks();
        try {
            switch (w[0]) {
                case "open":
                    vdisks.open(parseOpen(w));
                    break;
                case "close": {
                    if (w.length != 2) {
                        throw usage("usage: close NAME");
                    }
                    VirtualDevice d = device(w[1]);
                    if (module.accessControl().isMapped(d)) {
                        throw new KernelException(Errno.EBUSY, "device " + w[1] + " is assigned to a group");
                    }
                    vdisks.close(w[1]);
                    break;
                }
                case "resync_size":
                    if (w.length != 2) {
                        throw usage("usage: resync_size NAME");
                    }
                    vdisks.resync(w[1]);
                    break;
                case "set_t10_dev_id":
                    if (w.length != 3) {
                        throw usage("usage: set_t10_dev_id NAME T10_DEVICE_ID");
                    }
                    if (w[2].length() > VdiskOptions.MAX_T10_DEV_ID) {
                        throw usage("T10 device id is longer than " + VdiskOptions.MAX_T10_DEV_ID + " characters");
                    }
                    device(w[1]).setT10DevId(w[2]);
                    break;
                default:
                    throw usage("unknown command '" + w[0] + "' (open, close, resync_size, set_t10_dev_id)");
            }
        } catch (KernelException e) {
            LOG.warn("proc/scsi_tgt/vdisk/vdisk: '{}' failed: {}", line, e.getMessage());
            throw e;
        }
        LOG.info("proc/scsi_tgt/vdisk/vdisk: {}", line);
    }

    /** {@code open NAME [FILE_NAME] [BLOCK_SIZE] [FLAGS...]}. */
    static VdiskOptions parseOpen(String[] w) throws KernelException {
        if (w.length < 2) {
            throw usage("usage: open NAME FILE_NAME [BLOCK_SIZE] [FLAGS]");
        }
        String name = w[1];
        int i = 2;
        String file = null;
        if (i < w.length && w[i].startsWith("/")) {
            file = w[i++];
        }
        int bs = 512;
        if (i < w.length && Character.isDigit(w[i].charAt(0))) {
            try {
                bs = Integer.decode(w[i++]);
            } catch (NumberFormatException e) {
                throw usage("block size '" + w[i - 1] + "' is not a number");
            }
        }
        List<String> flags = new ArrayList<>(Arrays.asList(w).subList(i, w.length));
        for (String f : flags) {
            if (f.toUpperCase(Locale.ROOT).equals("O_DIRECT")) {
                LOG.info("vdisk {}: O_DIRECT is accepted but ignored", name);
            }
        }
        try {
            return VdiskOptions.of(name, file, bs, flags, null);
        } catch (IllegalArgumentException e) {
            throw usage("open " + name + ": " + e.getMessage());
        }
    }

    private VirtualDevice device(String name) throws KernelException {
        VirtualDevice d = module.vdisks().get(name);
        if (d == null) {
            throw new KernelException(Errno.ENOENT, "no virtual device " + name);
        }
        return d;
    }

    private static long lun(String s) throws KernelException {
        try {
            return Long.decode(s);
        } catch (NumberFormatException e) {
            throw usage("LUN '" + s + "' is not a number");
        }
    }

    // ---- group directories follow the access control groups ----

    private void syncGroupsQuietly() {
        try {
            syncGroups();
        } catch (KernelException e) {
            LOG.error("cannot update proc/scsi_tgt/groups: {}", e.toString());
        }
    }

    private synchronized void syncGroups() throws KernelException {
        Set<String> now = new HashSet<>(module.accessControl().groupNames());
        for (String g : new ArrayList<>(groupDirs)) {
            if (!now.contains(g)) {
                procfs.unregisterTree(ROOT + "/groups/" + g);
                groupDirs.remove(g);
            }
        }
        for (String g : now) {
            if (groupDirs.add(g)) {
                String dir = ROOT + "/groups/" + g;
                procfs.register(dir + "/devices", new CommandNode(() -> groupDevices(g), l -> devicesCommand(g, l)));
                procfs.register(dir + "/names", new CommandNode(() -> groupNames(g), l -> namesCommand(g, l)));
                procfs.register(dir + "/addr_method", ProcNode.readOnly(() -> requireGroup(g).addressMethod() + "\n"));
            }
        }
    }
}
