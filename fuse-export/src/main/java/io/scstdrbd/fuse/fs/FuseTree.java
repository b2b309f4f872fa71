package io.scstdrbd.fuse.fs;

import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FUSE namespace over the daemon's registries: {@code dev/NAME} for each block device of the
 * {@link DeviceRegistry}, every node and directory of the {@link ProcFs}, and the fixed
 * directories dev/, proc/ and sys/. Nothing is copied: every lookup consults the registries, so
 * nodes appear and vanish with them. Node ids are handed out on first lookup and never reused;
 * a node whose device or proc node went away (or was replaced) is stale and answers ENOENT.
 *
 * <p>Threading: thread-safe; lookups run concurrently on all FUSE reader threads.
 */
public final class FuseTree {
    public static final long ROOT_ID = 1;
    static final String DEV = "dev";
    private static final List<String> FIXED_DIRS = List.of("dev", "proc", "sys");

    private final DeviceRegistry devices;
    private final ProcFs procfs;
    private final Map<String, FsNode> byPath = new ConcurrentHashMap<>();
    private final Map<Long, FsNode> byId = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    private final FsNode.Dir root = new FsNode.Dir(ROOT_ID, "");

    public FuseTree(DeviceRegistry devices, ProcFs procfs) {
        this.devices = devices;
        this.procfs = procfs;
        byPath.put("", root);
        byId.put(ROOT_ID, root);
    }

    public FsNode.Dir root() {
        return root;
    }

    /** The live node with this id, or null (unknown or stale). */
    public FsNode get(long id) {
        FsNode n = byId.get(id);
        if (n == null) {
            return null;
        }
        if (!isCurrent(n)) {
            drop(n);
            return null;
        }
        return n;
    }

    /** Looks up {@code name} in directory {@code parent}; null if there is no such entry. */
    public FsNode lookup(FsNode.Dir parent, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            return null;
        }
        return resolve(parent.path().isEmpty() ? name : parent.path() + "/" + name);
    }

    /** The node for a path, creating its id on first sight; null if nothing is there. */
    public FsNode resolve(String path) {
        FsNode known = byPath.get(path);
        if (known != null) {
            if (isCurrent(known)) {
                return known;
            }
            drop(known);
        }
        FsNode fresh = create(path);
        if (fresh == null) {
            return null;
        }
        FsNode raced = byPath.putIfAbsent(path, fresh);
        if (raced != null) {
            if (isCurrent(raced)) {
                return raced;
            }
            byPath.replace(path, raced, fresh);
        }
        byId.put(fresh.id(), fresh);
        return fresh;
    }

    /** The node of device {@code name} if the kernel may know it (for notifications), without creating one. */
    public Optional<FsNode> known(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /** Forgets the node at {@code path} (its device was removed); returns it if it was known. */
    public Optional<FsNode> forget(String path) {
        FsNode n = byPath.remove(path);
        if (n != null) {
            byId.remove(n.id(), n);
        }
        return Optional.ofNullable(n);
    }

    private void drop(FsNode n) {
        byPath.remove(n.path(), n);
        byId.remove(n.id(), n);
    }

    private FsNode create(String path) {
        if (path.isEmpty()) {
            return root;
        }
        if (path.startsWith(DEV + "/") && path.indexOf('/', DEV.length() + 1) < 0) {
            Optional<BlockDevice> d = devices.lookup(path.substring(DEV.length() + 1));
            if (d.isPresent()) {
                return new FsNode.Block(nextId.getAndIncrement(), path, d.get());
            }
        }
        Optional<ProcNode> p = procfs.lookup(path);
        if (p.isPresent()) {
            return new FsNode.Proc(nextId.getAndIncrement(), path, p.get());
        }
        if (FIXED_DIRS.contains(path) || procfs.isDirectory(path)) {
            return new FsNode.Dir(nextId.getAndIncrement(), path);
        }
        return null;
    }

    private boolean isCurrent(FsNode n) {
        if (n instanceof FsNode.Block b) {
            return devices.lookup(b.device().name()).orElse(null) == b.device();
        }
        if (n instanceof FsNode.Proc p) {
            return procfs.lookup(p.path()).orElse(null) == p.node();
        }
        return n.path().isEmpty() || FIXED_DIRS.contains(n.path()) || procfs.isDirectory(n.path());
    }

    /** The entries of a directory, sorted by name (without "." and ".."). */
    public List<DirEntry> list(FsNode.Dir dir) {
        TreeSet<String> names = new TreeSet<>(procfs.children(dir.path()));
        if (dir.path().isEmpty()) {
            names.addAll(FIXED_DIRS);
        }
        if (dir.path().equals(DEV)) {
            for (BlockDevice d : devices.list()) {
                names.add(d.name());
            }
        }
        List<DirEntry> out = new ArrayList<>(names.size());
        for (String name : names) {
            FsNode n = lookup(dir, name);
            if (n != null) {
                out.add(new DirEntry(name, n.id(), n instanceof FsNode.Dir));
            }
        }
        return out;
    }

    /** Permission bits (without the file type) a node shows. */
    public static int permissions(FsNode n) {
        if (n instanceof FsNode.Block b) {
            // regular file, like the original's block nodes, but with the real write bits (0660 / 0440)
            return b.device().hasCapability(DeviceCapability.READ_ONLY) ? 0440 : 0660;
        }
        if (n instanceof FsNode.Proc p) {
            return p.node().mode() & 07777;
        }
        return 0555;
    }

    /** Sum of the block devices' capacities (statfs). */
    public long totalCapacity() {
        long sum = 0;
        for (BlockDevice d : devices.list()) {
            sum += d.capacity();
        }
        return sum;
    }

    /** Number of nodes handed out so far (statfs files). */
    public int knownNodes() {
        return byId.size();
    }
}
