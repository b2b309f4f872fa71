package io.scstdrbd.scst;

import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.module.KernelModule;
import io.scstdrbd.kernel.proc.ModuleParam;
import io.scstdrbd.kernel.workqueue.OrderedWorkQueue;
import io.scstdrbd.scst.config.ConfigException;
import io.scstdrbd.scst.config.ScstConfig;
import io.scstdrbd.scst.config.ScstConfigParser;
import io.scstdrbd.scst.device.VdiskManager;
import io.scstdrbd.scst.device.VdiskOptions;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.exec.BufferPool;
import io.scstdrbd.scst.exec.CommandTable;
import io.scstdrbd.scst.exec.ExecContext;
import io.scstdrbd.scst.exec.Limits;
import io.scstdrbd.scst.fabric.ScsiTargetCore;
import io.scstdrbd.scst.lun.AccessControl;
import io.scstdrbd.scst.proc.ScstProcTree;
import io.scstdrbd.scst.target.ScstTarget;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCSI target core as a daemon module ({@code scsi_tgt}): vdisks, initiator groups and LUN
 * maps from scst.conf (or the embedded default), the {@code proc/scsi_tgt} tree and the
 * {@code sys/module/scsi_tgt/parameters}. Transports get the {@link ScsiTargetCore} from
 * {@link #core()} after {@link #init()}.
 */
public final class ScstModule implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(ScstModule.class);
    public static final String NAME = "scsi_tgt";
    public static final String VERSION = "3.3.0-pre1-procfs (scst-drbd)";

    private final Kernel kernel;
    private final ScstOptions options;
    private final BufferPool buffers = new BufferPool();
    private OrderedWorkQueue mgmt;
    private VdiskManager vdisks;
    private final AccessControl acl;
    private final ScstTarget target;
    private ScstProcTree proc;

    public ScstModule(Kernel kernel, ScstOptions options) {
        this.kernel = kernel;
        this.options = options;
        this.acl = new AccessControl();
        this.target = new ScstTarget(acl);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Parses and checks a configuration file without applying it (for start-up validation). */
    public static ScstConfig check(java.nio.file.Path scstConf) throws ConfigException {
        return ScstConfigParser.parse(scstConf);
    }

    /**
     * The embedded default: the seed's demo node without DRBD. LUN 0 (the unreplicated scratch
     * disk) is REMOVABLE so that the demo's conformance run exercises the removable-media
     * commands too (PREVENT ALLOW MEDIUM REMOVAL, START STOP UNIT with LoEj).
     */
    public static ScstConfig defaultConfig(String fsRoot) {
        String text = String.join("\n",
                "[HANDLER vdisk]",
                "DEVICE disk_tcmu000," + fsRoot + "/dev/tcmu000,BLOCKIO REMOVABLE,512,tcmu000",
                "DEVICE disk_tcmu001," + fsRoot + "/dev/tcmu001,BLOCKIO,512,tcmu001",
                "[ASSIGNMENT Default]",
                "DEVICE disk_tcmu000,0",
                "DEVICE disk_tcmu001,1", "");
        try {
            return ScstConfigParser.parse("(embedded default)", text);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void init() throws Exception {
        ScstConfig config = options.scstConf() == null ? defaultConfig(kernel.fsRoot())
                : ScstConfigParser.parse(options.scstConf());
        mgmt = kernel.workQueues().createOrdered("scst_mgmtd");
        vdisks = new VdiskManager(kernel.devices(), mgmt, options.modePagesDir(), options.prDir(),
                options.fileIoThreads());
        ExecContext ctx = new ExecContext(buffers, mgmt, target, () -> vdisks.all());
        target.setCommandTable(new CommandTable(ctx, Limits.DEFAULT));
        // the embedded default claims tcmu000/tcmu001 only while an initiator is logged in
        apply(config, options.scstConf() == null);
        publishParams();
        proc = new ScstProcTree(kernel.procfs(), this);
        proc.register();
        LOG.info("SCSI target core {} ready: {} vdisk(s), groups {}", VERSION, vdisks.all().size(), acl.groupNames());
    }

    private void apply(ScstConfig config, boolean onDemand) throws KernelException {
        for (VdiskOptions o : config.devices()) {
            vdisks.open(o, onDemand);
        }
        for (ScstConfig.Group g : config.groups()) {
            if (!AccessControl.DEFAULT_GROUP.equals(g.name())) {
                acl.addGroup(g.name(), null);
            }
            for (String u : g.users()) {
                acl.addInitiator(g.name(), u);
            }
        }
        for (ScstConfig.Assignment a : config.assignments()) {
            acl.addLun(a.group(), vdisks.get(a.device()), a.lun(), a.readOnly(), false);
        }
    }

    private void publishParams() throws KernelException {
        kernel.params().addModule(NAME);
        kernel.params().add(NAME, ModuleParam.ofLong("num_threads", options.fileIoThreads(), 1, 64, false));
        kernel.params().add(NAME, ModuleParam.ofLong("scst_vdisk_ID", 0, 0, Integer.MAX_VALUE, false));
        kernel.params().add(NAME, ModuleParam.ofLong("scst_threads",
                Runtime.getRuntime().availableProcessors(), 1, 1024, false));
        long mem = Runtime.getRuntime().maxMemory() >> 20;
        kernel.params().add(NAME, ModuleParam.ofLong("scst_max_cmd_mem", mem / 4, 1, Long.MAX_VALUE, false));
        kernel.params().add(NAME, ModuleParam.ofLong("scst_max_dev_cmd_mem", mem / 10, 1, Long.MAX_VALUE, false));
        ModuleParam forcibly = kernel.params().add(NAME, ModuleParam.ofLong("forcibly_close_sessions", 0, 0, 1, true));
        target.setForciblyCloseSessions(() -> forcibly.longValue() != 0);
    }

    @Override
    public void exit() {
        if (proc != null) {
            proc.unregister();
        }
        kernel.params().removeModule(NAME);
        target.closeAll();
        target.setCommandTable(null);
        for (String g : acl.groupNames()) {
            try {
                if (AccessControl.DEFAULT_GROUP.equals(g)) {
                    acl.clearLuns(g);
                    acl.clearInitiators(g);
                } else {
                    acl.deleteGroup(g);
                }
            } catch (KernelException e) {
                LOG.warn("cleaning up group {}: {}", g, e.toString());
            }
        }
        if (vdisks != null) {
            vdisks.closeAll();
        }
        if (mgmt != null) {
            mgmt.destroy();
        }
    }

    /**
     * The core transports open sessions on. The object is valid from construction on (so the
     * daemon can hand it to a transport module), sessions can be opened once {@link #init()} ran.
     */
    public ScsiTargetCore core() {
        return target;
    }

    public ScstTarget target() {
        return target;
    }

    public VdiskManager vdisks() {
        return vdisks;
    }

    public AccessControl accessControl() {
        return acl;
    }

    public Kernel kernel() {
        return kernel;
    }

    public List<VirtualDevice> devices() {
        return vdisks.all();
    }
}
