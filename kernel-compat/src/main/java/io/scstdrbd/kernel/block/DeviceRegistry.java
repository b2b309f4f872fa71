package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named block devices of the process (the kernel's gendisk list plus bd_claim).
 *
 * <p>Open rules: any number of readers; at most one writer. A second writer gets {@code EBUSY}
 * whoever holds the device (DRBD, a SCSI LUN, a FUSE writer). A device that is open cannot be
 * unregistered. Threading: all methods are thread-safe; listeners run outside the lock.
 */
public final class DeviceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistry.class);

    private final Map<String, Entry> devices = new ConcurrentHashMap<>();
    private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();
    private final String fsRoot;

    /** @param fsRoot the FUSE root (e.g. {@code /UMCfuse}); paths under {@code fsRoot/dev/} resolve to devices */
    public DeviceRegistry(String fsRoot) {
        this.fsRoot = stripTrailingSlash(fsRoot);
    }

    private static String stripTrailingSlash(String p) {
        String s = p;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Tracks who holds a device; guarded by its own monitor. */
    static final class Entry {
        final BlockDevice device;
        String writer;
        /** When the writer opened (wall clock), for the opener list of a refused demotion. */
        java.time.Instant writerSince;
        int readers;
        int opens;
        boolean removing;

        Entry(BlockDevice device) {
            this.device = device;
        }
    }

    public void addListener(DeviceListener l) {
        listeners.add(l);
    }

    public void removeListener(DeviceListener l) {
        listeners.remove(l);
    }

    /** Adds a device; fails with EEXIST if the name is taken, EINVAL for a bad name. */
    public void register(BlockDevice device) throws KernelException {
        String name = device.name();
        if (!validName(name)) {
            throw new KernelException(Errno.EINVAL, "invalid device name '" + name + "'");
        }
        if (devices.putIfAbsent(name, new Entry(device)) != null) {
            throw new KernelException(Errno.EEXIST, "device " + name + " already exists");
        }
        LOG.info("block device {} registered: {} bytes, block size {}", name, device.capacity(),
                device.logicalBlockSize());
        for (DeviceListener l : listeners) {
            safely(() -> l.added(device));
        }
    }

    static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Removes a device that nobody holds; EBUSY while open, ENOENT if unknown. */
    public BlockDevice unregister(String name) throws KernelException {
        Entry e = devices.get(name);
        if (e == null) {
            throw new KernelException(Errno.ENOENT, "no device " + name);
        }
        synchronized (e) {
            if (e.opens > 0) {
                throw new KernelException(Errno.EBUSY, "device " + name + " is in use"
                        + (e.writer != null ? " (held for writing by " + e.writer + ")" : ""));
            }
            e.removing = true;
            devices.remove(name, e);
        }
        LOG.info("block device {} unregistered", name);
        for (DeviceListener l : listeners) {
            safely(() -> l.removed(e.device));
        }
        return e.device;
    }

    public Optional<BlockDevice> lookup(String name) {
        Entry e = devices.get(name);
        return e == null ? Optional.empty() : Optional.of(e.device);
    }

    /** All devices, sorted by name. */
    public List<BlockDevice> list() {
        List<BlockDevice> l = new ArrayList<>();
        for (Entry e : devices.values()) {
            l.add(e.device);
        }
        l.sort(Comparator.comparing(BlockDevice::name));
        return l;
    }

    /** The holder that has the device open for writing, or null. */
    public String writerOf(String name) {
        Entry e = devices.get(name);
        if (e == null) {
            return null;
        }
        synchronized (e) {
            return e.writer;
        }
    }

    /** When the current writer of {@code name} opened it, or null. */
    public java.time.Instant writerSince(String name) {
        Entry e = devices.get(name);
        if (e == null) {
            return null;
        }
        synchronized (e) {
            return e.writer == null ? null : e.writerSince;
        }
    }

    /** Number of open handles (readers and writer). */
    public int openCount(String name) {
        Entry e = devices.get(name);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.opens;
        }
    }

    /**
     * Resolves a path as the kernel's open_bdev would inside this process:
     * {@code <fsRoot>/dev/NAME} (or a bare {@code NAME}) names a registered device.
     * Returns empty for paths that are not in-process devices (real files).
     */
    public Optional<String> resolvePath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        String prefix = fsRoot + "/dev/";
        String name;
        if (path.startsWith(prefix)) {
            name = path.substring(prefix.length());
        } else if (path.indexOf('/') < 0) {
            name = path;
        } else {
            return Optional.empty();
        }
        return devices.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    public String fsRoot() {
        return fsRoot;
    }

    /**
     * Opens a device. Writers are exclusive: a second writer gets a {@link DeviceBusyException}
     * (EBUSY) naming the holder;
     * a writer on a read-only device gets EROFS; the device itself may refuse (its errno).
     */
    public DeviceHandle open(String name, OpenMode mode, String holder) throws KernelException {
        Entry e = devices.get(name);
        if (e == null) {
            throw new KernelException(Errno.ENOENT, "no device " + name);
        }
        synchronized (e) {
            if (e.removing) {
                throw new KernelException(Errno.ENOENT, "no device " + name);
            }
            if (mode.writable()) {
                if (e.device.hasCapability(DeviceCapability.READ_ONLY)) {
                    throw new KernelException(Errno.EROFS, "device " + name + " is read-only");
                }
                if (e.writer != null) {
                    throw new DeviceBusyException(name, e.writer);
                }
                e.writer = holder;
                e.writerSince = java.time.Instant.now();
            } else {
                e.readers++;
            }
            e.opens++;
        }
        int err;
        try {
            err = e.device.onOpen(mode, holder);
        } catch (RuntimeException ex) {
            LOG.error("open hook of {} failed", name, ex);
            err = Errno.EIO;
        }
        if (err != 0) {
            drop(e, mode);
            throw new KernelException(err, "device " + name + " refused " + holder + ": " + Errno.name(err));
        }
        return new DeviceHandle(this, e, mode, holder);
    }

    void release(Entry e, DeviceHandle h) {
        try {
            e.device.onRelease(h.mode(), h.holder());
        } catch (RuntimeException ex) {
            LOG.error("release hook of {} failed", e.device.name(), ex);
        }
        drop(e, h.mode());
    }

    private static void drop(Entry e, OpenMode mode) {
        synchronized (e) {
            if (mode.writable()) {
                e.writer = null;
            } else {
                e.readers--;
            }
            e.opens--;
        }
    }

    /** Tells listeners that a device's capacity changed (call after the device reports the new size). */
    public void notifyResized(BlockDevice device, long oldCapacity) {
        long now = device.capacity();
        LOG.info("block device {} resized from {} to {} bytes", device.name(), oldCapacity, now);
        for (DeviceListener l : listeners) {
            safely(() -> l.resized(device, oldCapacity, now));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            LOG.error("device listener failed", ex);
        }
    }
}
