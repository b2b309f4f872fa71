package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceListener;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.workqueue.NamedThreadFactory;
import io.scstdrbd.scst.sense.ScsiError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vdisk handler: opens and closes virtual disks and binds them to their storage.
 *
 * <p>A path {@code <fsroot>/dev/NAME} names an in-process block device of the registry (opened
 * with holder {@code scst:VDISK}); any other path is a file or real device used with positional
 * I/O. A device named in the configuration that is not registered yet does not fail: the vdisk
 * stays detached (NOT READY, MEDIUM NOT PRESENT) and attaches when the device is registered,
 * reporting CAPACITY DATA HAS CHANGED. A failed open of an existing device (EROFS of a DRBD
 * Secondary, EBUSY) is retried when the admin writes {@code resync_size NAME}.
 *
 * <p>Threading: management methods are synchronized; registry events attach on the background
 * executor.
 */
public final class VdiskManager implements DeviceListener {
    private static final Logger LOG = LoggerFactory.getLogger(VdiskManager.class);

    private final DeviceRegistry registry;
    private final Executor background;
    private final Path modeDir;
    private final Path prDir;
    private final Map<String, VirtualDevice> devices = new LinkedHashMap<>();
    private final int fileIoThreads;
    private ExecutorService fileIo;

    /**
     * @param modeDir where saved mode pages go (null: saving not supported)
     * @param prDir   where APTPL persistent reservations go (null: not persisted)
     */
    public VdiskManager(DeviceRegistry registry, Executor background, Path modeDir, Path prDir, int fileIoThreads) {
        this.registry = registry;
        this.background = background;
        this.modeDir = modeDir;
        this.prDir = prDir;
        this.fileIoThreads = Math.max(1, fileIoThreads);
        registry.addListener(this);
    }

    /** Creates a vdisk and attaches its storage if it is there. EEXIST for a taken name. */
    public VirtualDevice open(VdiskOptions o) throws KernelException {
        return open(o, false);
    }

    /**
     * Creates a vdisk. With {@code onDemand} it claims its block device only while at least one
     * initiator is logged in to a LUN of it, and lets go when the last one leaves: the embedded
     * default node uses this so that tcmu000/tcmu001 stay free for FUSE writers and DRBD until
     * iSCSI is used. Devices of scst.conf and proc writes are claimed at once, as SCST does.
     */
    public synchronized VirtualDevice open(VdiskOptions o, boolean onDemand) throws KernelException {
        if (devices.containsKey(o.name())) {
            throw new KernelException(Errno.EEXIST, "virtual device " + o.name() + " already exists");
        }
        VirtualDevice d = new VirtualDevice(o, modeDir == null ? null : modeDir.resolve(o.name()),
                prDir == null ? null : prDir.resolve(o.name()));
        devices.put(o.name(), d);
        if (onDemand) {
            d.setDemandListener(demand);
            d.detach("claimed when an initiator logs in");
        } else {
            attach(d);
        }
        LOG.info("vdisk {} opened over {} ({}){}", o.name(), o.nullio() ? "NULLIO" : o.filename(), o.codes(),
                d.attached() ? "" : ": not attached: " + d.detachReason());
        return d;
    }

    /** Closes a vdisk (the caller made sure no LUN maps it). */
    public synchronized void close(String name) throws KernelException {
        VirtualDevice d = devices.remove(name);
        if (d == null) {
            throw new KernelException(Errno.ENOENT, "no virtual device " + name);
        }
        d.detach("closed");
        LOG.info("vdisk {} closed", name);
    }

    public synchronized VirtualDevice get(String name) {
        return devices.get(name);
    }

    public synchronized List<VirtualDevice> all() {
        return new ArrayList<>(devices.values());
    }

    /** Re-reads the storage size (and retries a failed attach); returns the capacity in bytes. */
    public synchronized long resync(String name) throws KernelException {
        VirtualDevice d = devices.get(name);
        if (d == null) {
            throw new KernelException(Errno.ENOENT, "no virtual device " + name);
        }
        if (!d.attached()) {
            attach(d);
            if (!d.attached()) {
                throw new KernelException(Errno.ENODEV, name + ": " + d.detachReason());
            }
            return d.storage().capacity();
        }
        if (d.storage() instanceof FileStorage) {
            try {
                ((FileStorage) d.storage()).resync();
            } catch (IOException e) {
                throw new KernelException(Errno.EIO, name + ": " + e.getMessage());
            }
        }
        d.broadcastUnitAttention(ScsiError.CAPACITY_DATA_HAS_CHANGED, null);
        return d.storage().capacity();
    }

    /** Detaches every vdisk (module exit). */
    public synchronized void closeAll() {
        registry.removeListener(this);
        for (VirtualDevice d : devices.values()) {
            d.detach("daemon stopping");
        }
        devices.clear();
        if (fileIo != null) {
            fileIo.shutdown();
        }
    }

    /** Size in bytes for listings: the storage's, or the unclaimed in-process device's, or 0. */
    public long sizeOf(VirtualDevice d) {
        Storage s = d.storage();
        if (s != null) {
            return s.capacity();
        }
        String name = inProcessName(d.options().filename());
        return name == null ? 0 : registry.lookup(name).map(BlockDevice::capacity).orElse(0L);
    }

    /** The registry name a path refers to, or null for a path outside {@code <fsroot>/dev/}. */
    String inProcessName(String path) {
        String prefix = registry.fsRoot() + "/dev/";
        if (path != null && path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
            return path.substring(prefix.length());
        }
        return null;
    }

    private void attach(VirtualDevice d) {
        VdiskOptions o = d.options();
        if (o.nullio()) {
            d.attach(new NullStorage());
            return;
        }
        String name = inProcessName(o.filename());
        if (name != null) {
            if (registry.lookup(name).isEmpty()) {
                d.detach("waiting for block device " + name);
                return;
            }
            try {
                DeviceHandle h = registry.open(name, o.readOnly() ? OpenMode.READ : OpenMode.READ_WRITE,
                        "scst:" + o.name());
                d.attach(new BlockStorage(h, o.filename()));
            } catch (KernelException e) {
                d.detach("cannot open " + name + ": " + e.getMessage());
                LOG.warn("vdisk {}: cannot open block device {}: {}", o.name(), name, e.toString());
            }
            return;
        }
        Path p = Path.of(o.filename());
        if (!Files.exists(p)) {
            d.detach("no file " + p);
            LOG.warn("vdisk {}: {} does not exist", o.name(), p);
            return;
        }
        try {
            d.attach(FileStorage.open(p, o.readOnly(), fileIo()));
        } catch (IOException e) {
            d.detach("cannot open " + p + ": " + e.getMessage());
            LOG.warn("vdisk {}: cannot open {}: {}", o.name(), p, e.toString());
        }
    }

    private final VirtualDevice.DemandListener demand = new VirtualDevice.DemandListener() {
        @Override
        public void firstNexus(VirtualDevice d) {
            synchronized (VdiskManager.this) {
                if (!d.attached() && devices.get(d.name()) == d) {
                    attach(d);
                    LOG.info("vdisk {}: {} on first login", d.name(),
                            d.attached() ? "claimed its device" : "cannot claim its device (" + d.detachReason() + ")");
                }
            }
        }

        @Override
        public void lastNexusGone(VirtualDevice d) {
            // sessions end on transport threads; letting go of a device may wait (DRBD demotes)
            background.execute(() -> {
                synchronized (VdiskManager.this) {
                    if (d.attached() && d.nexuses().isEmpty()) {
                        d.detach("claimed when an initiator logs in");
                        LOG.info("vdisk {}: released its device after the last logout", d.name());
                    }
                }
            });
        }
    };

    private ExecutorService fileIo() {
        if (fileIo == null) {
            fileIo = Executors.newFixedThreadPool(fileIoThreads, new NamedThreadFactory("scst-fileio", true));
        }
        return fileIo;
    }

    @Override
    public void added(BlockDevice device) {
        background.execute(() -> {
            synchronized (this) {
                for (VirtualDevice d : devices.values()) {
                    if (d.onDemand() && d.nexuses().isEmpty()) {
                        continue;
                    }
                    if (!d.attached() && device.name().equals(inProcessName(d.options().filename()))) {
                        attach(d);
                        if (d.attached()) {
                            LOG.info("vdisk {} attached to {} ({} bytes)", d.name(), device.name(), device.capacity());
                        }
                    }
                }
            }
        });
    }

    @Override
    public void resized(BlockDevice device, long oldCapacity, long newCapacity) {
        for (VirtualDevice d : all()) {
            if (d.storage() instanceof BlockStorage && ((BlockStorage) d.storage()).deviceName().equals(device.name())) {
                d.broadcastUnitAttention(ScsiError.CAPACITY_DATA_HAS_CHANGED, null);
            }
        }
    }
}
