package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.engine.LocalVolume;
import io.scstdrbd.drbd.engine.UuidStore;
import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.DeviceSizing;
import io.scstdrbd.drbd.model.LocalDisk;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.sync.bitmap.MemoryBitmap;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model {@link Device} as the replication engine's {@link LocalVolume}: the backing disk through
 * the drbdN device's local I/O (activity log included), the disk state, UUIDs and per-peer bitmap
 * slots of the v09 metadata. State changes go through the model's rules via a connection's control.
 */
final class ModelVolume implements LocalVolume {
    private static final Logger LOG = LoggerFactory.getLogger(ModelVolume.class);

    private final Device dev;
    private final Supplier<ConnectionControl> control;
    /** Serial: model updates and metadata writes in the order the engine made them. */
    private final Executor mdExecutor;
    /** The disk state the engine set and the model has not taken yet (null: ask the model). */
    private final java.util.concurrent.atomic.AtomicReference<DiskState> pending =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** The user size the engine took from the peer and the model has not taken yet (null: ask the model). */
    private volatile Long pendingUserSize;
    private final UuidStore noDisk = new UuidStore.Memory(WireConstants.UUID_JUST_CREATED);

    ModelVolume(Device dev, Supplier<ConnectionControl> control, Executor mdExecutor) {
        this.dev = dev;
        this.control = control;
        this.mdExecutor = mdExecutor;
    }

    Device device() {
        return dev;
    }

    @Override
    public int volume() {
        return dev.volume();
    }

    @Override
    public int minor() {
        return dev.minor();
    }

    @Override
    public long dataSectors() {
        LocalDisk l = dev.ldev();
        return l == null ? 0 : l.md().layout().usableSectors();
    }

    @Override
    public long exposedSectors() {
        return dev.sizeSectors();
    }

    @Override
    public long lastAgreedSectors() {
        LocalDisk l = dev.ldev();
        return l == null ? 0 : l.md().superblock().effectiveSize();
    }

    @Override
    public long userSectors() {
        Long p = pendingUserSize;
        if (p != null) {
            return p;
        }
        LocalDisk l = dev.ldev();
        return l == null ? 0 : l.diskConf().num("disk_size");
    }

    /** The engine's value at once; the model's disk options on the serial executor (they take the node lock). */
    @Override
    public void setUserSectors(long sectors) {
        ConnectionControl c = control.get();
        if (c == null) {
            return;
        }
        Long boxed = sectors;
        pendingUserSize = boxed;
        mdExecutor.execute(() -> {
            c.setUserSize(dev.volume(), sectors);
            if (pendingUserSize == boxed) {
                pendingUserSize = null;
            }
        });
    }

    /** The bitmap at once (a resync may start next); the device and its metadata on the serial executor. */
    @Override
    public CompletableFuture<Void> resize(long oldSectors, long newSectors, boolean newBlocksOutOfSync) {
        LocalDisk l = dev.ldev();
        if (l != null) {
            DeviceSizing.adjustBitmap(l.md().bitmap(), oldSectors, newSectors, newBlocksOutOfSync);
        }
        ConnectionControl c = control.get();
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> c.deviceResized(dev.volume(), newSectors), mdExecutor);
    }

    @Override
    public long localIoSectors() {
        return dev.readSectors.get() + dev.writtenSectors.get();
    }

    @Override
    public boolean hasDisk() {
        return dev.ldev() != null;
    }

    @Override
    public void submitLocal(Bio bio) {
        ConnectionControl c = control.get();
        if (c == null) {
            bio.complete(Errno.ENODEV);
            return;
        }
        c.submitLocal(dev.volume(), bio);
    }

    @Override
    public void submitUntracked(Bio bio) {
        submitLocal(bio.withFlags(bio.flags() | io.scstdrbd.drbd.device.DrbdBlockDevice.RESYNC,
                (b, errno) -> bio.complete(errno)));
    }

    @Override
    public DiskState diskState() {
        DiskState p = pending.get();
        return p != null ? p : dev.disk();
    }

    /**
     * Takes effect for the engine at once and for the model on the serial executor: the model's
     * state change writes metadata (and flushes the backing device), which must not happen on an
     * event loop.
     */
    @Override
    public void setDiskState(DiskState s) {
        ConnectionControl c = control.get();
        if (c == null) {
            return;
        }
        pending.set(s);
        mdExecutor.execute(() -> {
            try {
                StateResult r = c.setLocalDiskState(dev.volume(), s);
                if (!r.isSuccess()) {
                    LOG.warn("{}: disk state {} refused by the state rules: {}", dev, s.displayName(), r);
                }
            } finally {
                pending.compareAndSet(s, null);
            }
        });
    }

    @Override
    public UuidStore uuids() {
        LocalDisk l = dev.ldev();
        return l == null ? noDisk : new ModelUuids(l.md());
    }

    @Override
    public PeerBitmap bitmap(int peerNodeId) {
        LocalDisk l = dev.ldev();
        io.scstdrbd.drbd.model.PeerDevice pd = dev.peerDevice(peerNodeId);
        int slot = pd == null ? -1 : pd.bitmapIndex();
        if (l == null || slot < 0) {
            return new MemoryBitmap(0);
        }
        return new ModelBitmap(l.md().bitmap(), slot);
    }

    @Override
    public boolean crashedPrimary() {
        return dev.crashedPrimary();
    }

    @Override
    public void setPrimaryIndicator(boolean primary) {
        // the model keeps the metadata flags
    }

    @Override
    public CompletableFuture<Void> persist() {
        LocalDisk l = dev.ldev();
        if (l == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            try {
                l.md().sync();
            } catch (KernelException e) {
                LOG.error("{}: writing meta data failed: {}", dev, e.getMessage());
            }
        }, mdExecutor);
    }

    @Override
    public CompletableFuture<Void> alBegin(long sector, long sectors) {
        return CompletableFuture.completedFuture(null); // the drbdN device keeps the activity log
    }

    @Override
    public void alComplete(long sector, long sectors) {
    }
}
