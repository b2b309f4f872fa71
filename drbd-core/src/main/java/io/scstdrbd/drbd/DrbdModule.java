package io.scstdrbd.drbd;

import io.scstdrbd.drbd.device.DrbdBlockDevice;
import io.scstdrbd.drbd.events.Events2;
import io.scstdrbd.drbd.model.DrbdNode;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.netlink.DrbdFamily;
import io.scstdrbd.drbd.proc.DrbdProc;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceListener;
import io.scstdrbd.kernel.genl.GenlSocketPath;
import io.scstdrbd.kernel.genl.GenlUnixServer;
import io.scstdrbd.kernel.module.KernelModule;
import io.scstdrbd.kernel.workqueue.OrderedWorkQueue;
import java.io.File;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "drbd" module of the daemon: the engine, its netlink family on the generic-netlink bus,
 * the Unix socket through which drbd-utils reach it (path from UMC_FS_ROOT, see
 * {@link GenlSocketPath}), /proc/drbd and /sys/module/drbd/parameters, and the drbdN block
 * devices. exit() takes every resource down cleanly (bitmaps and metadata written), then tells
 * event listeners that the family is gone.
 */
public final class DrbdModule implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(DrbdModule.class);

    private final Kernel kernel;
    private final String nodeName;
    private final ReplicationFactory replication;
    private final Events2 events;
    private final DrbdProc proc;
    private final DrbdNode node;
    private final DrbdFamily family;
    private final Map<String, OrderedWorkQueue> mdQueues = new ConcurrentHashMap<>();
    private final DeviceListener queueReaper;
    private GenlUnixServer server;

    /**
     * @param nodeName    this node's name in resource files (--node; the host name by default)
     * @param replication the replication drivers ({@link ReplicationFactory#NONE} without networking)
     */
    public DrbdModule(Kernel kernel, String nodeName, ReplicationFactory replication) {
        this.kernel = kernel;
        this.nodeName = nodeName != null ? nodeName : hostName();
        this.replication = replication;
        this.events = new Events2(kernel.genl());
        this.proc = new DrbdProc(kernel.procfs(), kernel.params(), "build by scst-drbd@" + this.nodeName + ", "
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        this.node = new DrbdNode(kernel.devices(), events, replication, this::newBlockDevice, this::runHelper,
                new SecureRandom());
        this.family = new DrbdFamily(node, kernel.genl(), events);
        this.queueReaper = new DeviceListener() {
            @Override
            public void removed(BlockDevice device) {
                OrderedWorkQueue q = mdQueues.remove(device.name());
                if (q != null) {
                    q.destroy();
                }
            }
        };
    }

    /** The node name drbdadm uses by default: uname -n. */
    static String hostName() {
        try {
            String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (java.io.IOException e) {
            // not Linux: fall back to the resolver's idea
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    public String nodeName() {
        return nodeName;
    }

    public DrbdNode node() {
        return node;
    }

    public DrbdProc proc() {
        return proc;
    }

    private BlockDevice newBlockDevice(DrbdNode n, io.scstdrbd.drbd.model.Device d) {
        OrderedWorkQueue q = kernel.workQueues().createOrdered(d.name() + "_md");
        OrderedWorkQueue old = mdQueues.put(d.name(), q);
        if (old != null) {
            old.destroy();
        }
        return new DrbdBlockDevice(n, d, q);
    }

    /** The kernel's usermode helper call: {@code <usermode_helper> <cmd> <resource>}. */
    private java.util.concurrent.CompletableFuture<Integer> runHelper(String cmd, String resource,
            Map<String, String> env) {
        List<String> argv = new ArrayList<>(List.of(proc.usermodeHelper(), cmd, resource));
        Map<String, String> e = env;
        if (!nodeName.equals(hostName())) {
            // drbdadm picks the "on <host>" section by host name; a daemon with --node tells it which
            e = new java.util.LinkedHashMap<>(env);
            e.put("__DRBD_NODE__", nodeName);
        }
        return kernel.usermodeHelper().call(argv, e, Duration.ofMinutes(10));
    }

    /** The helper drbdadm is started as: the scst-drbd wrapper when installed (so it reaches this daemon). */
    static String defaultHelper() {
        return new File("/usr/local/sbin/drbdadm").canExecute() ? "/usr/local/sbin/drbdadm" : "/sbin/drbdadm";
    }

    @Override
    public String name() {
        return "drbd";
    }

    @Override
    public void init() throws Exception {
        proc.register(defaultHelper());
        kernel.devices().addListener(queueReaper);
        family.register();
        server = new GenlUnixServer(kernel.genl(), GenlSocketPath.forRoot(kernel.fsRoot()));
        try {
            server.start();
        } catch (Exception e) {
            family.unregister();
            proc.unregister();
            throw e;
        }
        LOG.info("DRBD {} ready as node {}: drbd-utils with UMC_FS_ROOT={} reach it through {}", DrbdProc.VERSION,
                nodeName, kernel.fsRoot(), server.path());
    }

    @Override
    public void exit() {
        node.shutdown();
        family.unregister();
        if (server != null) {
            server.close();
        }
        kernel.devices().removeListener(queueReaper);
        for (OrderedWorkQueue q : mdQueues.values()) {
            q.destroy();
        }
        mdQueues.clear();
        proc.unregister();
    }
}
