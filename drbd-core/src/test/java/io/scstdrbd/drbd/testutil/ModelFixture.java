package io.scstdrbd.drbd.testutil;

import io.scstdrbd.drbd.device.DrbdBlockDevice;
import io.scstdrbd.drbd.model.AdmResult;
import io.scstdrbd.drbd.model.AdmTarget;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.DrbdNode;
import io.scstdrbd.drbd.model.ModelEvents;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.netlink.AdmException;
import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.kernel.block.DeviceRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A DrbdNode over file-backed devices, without netlink: resources are set up by calling the
 * engine the way the netlink handlers do for {@code drbdadm up}.
 */
public final class ModelFixture implements AutoCloseable {
    public final Path dir;
    public final DeviceRegistry registry;
    public final DrbdNode node;
    public final List<String[]> helperCalls = new ArrayList<>();
    public final List<Map<String, String>> helperEnv = new ArrayList<>();
    private final List<FileBlockDevice> disks = new ArrayList<>();
    /** The exit code every helper call returns. */
    public volatile int helperExit;
    /** How long each helper call takes (0: it completes at once). */
    public volatile long helperMillis;
    /** Net options merged into the peer {@link #up} creates (e.g. fencing), or null. */
    public NlStruct netOptions;

    public ModelFixture(Path dir, ModelEvents events) {
        this.dir = dir;
        this.registry = new DeviceRegistry(dir.toString());
        this.node = new DrbdNode(registry, events, ReplicationFactory.NONE,
                (n, d) -> new DrbdBlockDevice(n, d, Runnable::run), this::helper, new SplittableRandom(42));
    }

    private CompletableFuture<Integer> helper(String cmd, String res, Map<String, String> env) {
        synchronized (helperCalls) {
            helperCalls.add(new String[] {cmd, res});
            helperEnv.add(env);
        }
        int exit = helperExit;
        long millis = helperMillis;
        if (millis == 0) {
            return CompletableFuture.completedFuture(exit);
        }
        return CompletableFuture.supplyAsync(() -> exit,
                CompletableFuture.delayedExecutor(millis, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** A backing device NAME with fresh internal metadata for 2 peers. */
    public FileBlockDevice disk(String name, long bytes) throws Exception {
        Files.createDirectories(dir.resolve("dev"));
        Path f = dir.resolve("dev").resolve(name);
        TestMd.createMd(f, bytes, 2);
        FileBlockDevice d = new FileBlockDevice(name, f, bytes);
        registry.register(d);
        disks.add(d);
        return d;
    }

    public AdmTarget target(int minor, String res, Integer vol, Integer peer, int need) throws AdmException {
        return node.locked(() -> node.prepare(minor, res, vol, peer, need));
    }

    /** new-resource, new-minor, new-peer, new-path, attach, connect: what {@code drbdadm up} does. */
    public Device up(String res, int minor, String disk, boolean connect, NlStruct diskOptions) throws Exception {
        check(node.newResource(res, Tlas.RESOURCE_OPTS.empty().with("node_id", 0L)));
        check(node.newMinor(target(minor, res, 0, null, AdmTarget.NEED_RESOURCE), Tlas.DEVICE_CONF.empty()));
        NlStruct nc = Tlas.NET_CONF.empty().with("name", "peer");
        check(node.newPeer(target(-1, res, null, 1, AdmTarget.NEED_PEER_NODE),
                netOptions == null ? nc : nc.merge(netOptions)));
        check(node.newPath(target(-1, res, null, 1, AdmTarget.NEED_CONNECTION),
                io.scstdrbd.drbd.model.Path.sockaddrIn(new InetSocketAddress("127.0.0.1", 17798)),
                io.scstdrbd.drbd.model.Path.sockaddrIn(new InetSocketAddress("127.0.0.2", 17798))));
        String path = dir.resolve("dev").resolve(disk).toString();
        NlStruct dc = Tlas.DISK_CONF.empty().with("backing_dev", path).with("meta_dev", path)
                .with("meta_dev_idx", -3L);
        if (diskOptions != null) {
            dc = dc.merge(diskOptions);
        }
        check(node.attach(target(minor, null, null, null, AdmTarget.NEED_MINOR), dc));
        if (connect) {
            check(node.connect(target(-1, res, null, 1, AdmTarget.NEED_CONNECTION), false, false));
        }
        return node.read(() -> node.minor(minor));
    }

    public static AdmResult check(AdmResult r) {
        if (r.retCode() < 1) {
            throw new AssertionError("state change failed: " + r);
        }
        if (r.retCode() > 101) {
            throw new AssertionError("error: " + r);
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        node.shutdown();
        for (FileBlockDevice d : disks) {
            try {
                registry.unregister(d.name());
            } catch (Exception ignored) {
                // a test left it open
            }
            d.close();
        }
    }
}
