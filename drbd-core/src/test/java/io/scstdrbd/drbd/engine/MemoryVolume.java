package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.sync.bitmap.MemoryBitmap;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceHandle;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link LocalVolume} over an open block device with its metadata in memory (tests). */
final class MemoryVolume implements LocalVolume {
    private final DeviceHandle backing;
    private final long sectors;
    private volatile DiskState disk = DiskState.INCONSISTENT;
    private final UuidStore uuids = new UuidStore.Memory(WireConstants.UUID_JUST_CREATED);
    private final Map<Integer, PeerBitmap> bitmaps = new ConcurrentHashMap<>();
    private volatile boolean crashedPrimary;
    private volatile boolean primaryIndicator;
    final AtomicInteger persists = new AtomicInteger();
    /** What {@link #maxBioSize} says; the largest read seen (resync requests served). */
    volatile int maxBio = WireConstants.MAX_BIO_SIZE;
    final AtomicInteger largestRead = new AtomicInteger();

    /** Writes held back while {@link #holdWrites} is on (a slow disk, for what is in flight). */
    private final java.util.List<Bio> heldWrites = new java.util.ArrayList<>();
    private boolean holding;

    private volatile long user;
    private volatile long exposed;
    private volatile long lastAgreed;

    MemoryVolume(DeviceHandle backing) {
        this.backing = backing;
        this.sectors = backing.device().capacity() >>> Bio.SECTOR_SHIFT;
        this.exposed = sectors;
        this.lastAgreed = sectors;
    }

    @Override
    public int volume() {
        return 0;
    }

    @Override
    public int minor() {
        return 1;
    }

    @Override
    public long dataSectors() {
        return sectors;
    }

    /**
     * Starts the device at {@code userSectors} (a disk-size cap) instead of the whole backing
     * device, as if agreed before; a later resize may grow it.
     */
    MemoryVolume capped(long userSectors) {
        user = userSectors;
        exposed = userSectors;
        lastAgreed = userSectors;
        return this;
    }

    @Override
    public long exposedSectors() {
        return exposed;
    }

    @Override
    public long lastAgreedSectors() {
        return lastAgreed;
    }

    @Override
    public long userSectors() {
        return user;
    }

    @Override
    public void setUserSectors(long s) {
        user = s;
    }

    @Override
    public CompletableFuture<Void> resize(long oldSectors, long newSectors, boolean newBlocksOutOfSync) {
        long oldBits = PeerBitmap.bitsFor(oldSectors);
        long newBits = PeerBitmap.bitsFor(newSectors);
        for (PeerBitmap b : bitmaps.values()) {
            if (newBits > oldBits && newBlocksOutOfSync) {
                b.setRange(oldBits, newBits);
            } else if (newBits > oldBits) {
                b.clearRange(oldBits, newBits);
            } else {
                b.clearRange(newBits, oldBits);
            }
        }
        exposed = newSectors;
        lastAgreed = newSectors;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean hasDisk() {
        return true;
    }

    @Override
    public int maxBioSize() {
        return maxBio;
    }

    @Override
    public void submitLocal(Bio bio) {
        if (bio.op() == io.scstdrbd.kernel.block.BioOp.READ) {
            largestRead.accumulateAndGet((int) bio.size(), Math::max);
        } else {
            synchronized (heldWrites) {
                if (holding) {
                    heldWrites.add(bio);
                    return;
                }
            }
        }
        backing.submit(bio);
    }

    /** From now on writes wait until {@link #releaseWrites}. */
    void holdWrites() {
        synchronized (heldWrites) {
            holding = true;
        }
    }

    /** The held writes go to the disk, in order; new ones go at once again. */
    void releaseWrites() {
        java.util.List<Bio> held;
        synchronized (heldWrites) {
            holding = false;
            held = new java.util.ArrayList<>(heldWrites);
            heldWrites.clear();
        }
        held.forEach(backing::submit);
    }

    @Override
    public DiskState diskState() {
        return disk;
    }

    @Override
    public void setDiskState(DiskState s) {
        disk = s;
    }

    @Override
    public UuidStore uuids() {
        return uuids;
    }

    @Override
    public PeerBitmap bitmap(int peerNodeId) {
        return bitmaps.computeIfAbsent(peerNodeId, k -> new MemoryBitmap(PeerBitmap.bitsFor(sectors)));
    }

    @Override
    public boolean crashedPrimary() {
        return crashedPrimary;
    }

    /** Simulates a restart after a crash while Primary. */
    void setCrashedPrimary(boolean c) {
        crashedPrimary = c;
    }

    @Override
    public void setPrimaryIndicator(boolean primary) {
        primaryIndicator = primary;
        if (!primary) {
            crashedPrimary = false;
        }
    }

    boolean primaryIndicator() {
        return primaryIndicator;
    }

    @Override
    public CompletableFuture<Void> persist() {
        persists.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> alBegin(long sector, long sectors) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void alComplete(long sector, long sectors) {
    }
}
