package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.scst.mode.ModePageCatalog;
import io.scstdrbd.scst.mode.ModePages;
import io.scstdrbd.scst.pr.PersistentReservations;
import io.scstdrbd.scst.pr.Spc2Reservation;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.TaskSet;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SCST virtual disk (vdisk handler device): a logical unit over a {@link Storage}, with the
 * per-LU SCSI state every I_T nexus shares: mode pages, the task set, reservations, the
 * removable-medium state and the nexuses to notify with unit attentions.
 *
 * <p>The storage may be absent: a BLOCKIO device named in the configuration that is not
 * registered yet (e.g. {@code drbd1} before {@code drbdadm up}). The LU then reports NOT READY,
 * MEDIUM NOT PRESENT until the device appears, and CAPACITY DATA HAS CHANGED afterwards.
 *
 * <p>Threading: thread-safe.
 */
public final class VirtualDevice {
    private volatile VdiskOptions options;
    private final DeviceIdentity identity;
    private final int blockShift;
    private final ModePages modePages;
    private final TaskSet taskSet = new TaskSet();
    private final PersistentReservations pr;
    private final Spc2Reservation reservation = new Spc2Reservation();
    private final Set<ItlNexus> nexuses = ConcurrentHashMap.newKeySet();
    private volatile Storage storage;
    private volatile boolean mediumLoaded = true;
    private volatile boolean sanitizing;
    private volatile boolean sanitizeFailed;
    private volatile String detachReason = "not attached yet";
    /** Claims its storage only while an initiator is logged in (see {@link VdiskManager#open(VdiskOptions, boolean)}). */
    private volatile DemandListener demand;

    /** Told when the first nexus appears and the last one goes (on-demand devices). */
    public interface DemandListener {
        void firstNexus(VirtualDevice d);

        void lastNexusGone(VirtualDevice d);
    }

    /**
     * @param modeFile where saved mode pages live, or null
     * @param prFile   where APTPL persistent reservations live, or null
     */
    public VirtualDevice(VdiskOptions options, Path modeFile, Path prFile) {
        this.options = options;
        this.identity = DeviceIdentity.of(options.name());
        this.blockShift = Integer.numberOfTrailingZeros(options.blockSize());
        this.modePages = new ModePages(ModePageCatalog.vdisk(options.blockSize(), 1L << 21, options.removable(),
                !options.writeThrough()), modeFile);
        this.pr = new PersistentReservations(prFile);
    }

    public String name() {
        return options.name();
    }

    public VdiskOptions options() {
        return options;
    }

    public void setT10DevId(String id) {
        options = options.withT10DevId(id);
        broadcastUnitAttention(ScsiError.INQUIRY_DATA_HAS_CHANGED, null);
    }

    public DeviceIdentity identity() {
        return identity;
    }

    public int blockSize() {
        return options.blockSize();
    }

    public int blockShift() {
        return blockShift;
    }

    /** 512-byte sector of a logical block address. */
    public long sectorOf(long lba) {
        return lba << (blockShift - Bio.SECTOR_SHIFT);
    }

    public ModePages modePages() {
        return modePages;
    }

    public TaskSet taskSet() {
        return taskSet;
    }

    public PersistentReservations persistentReservations() {
        return pr;
    }

    public Spc2Reservation reservation() {
        return reservation;
    }

    public boolean descriptorSense() {
        return modePages.descriptorSense();
    }

    // ---- storage ----

    public Storage storage() {
        return storage;
    }

    public boolean attached() {
        return storage != null;
    }

    public String detachReason() {
        return detachReason;
    }

    /** Attaches the storage; existing nexuses learn about the new capacity through a unit attention. */
    public void attach(Storage s) {
        Storage old;
        synchronized (this) {
            old = storage;
            storage = s;
        }
        if (old != null) {
            old.close();
        }
        broadcastUnitAttention(ScsiError.CAPACITY_DATA_HAS_CHANGED, null);
    }

    /** Detaches and closes the storage (close or shutdown). */
    public void detach(String reason) {
        Storage old;
        synchronized (this) {
            old = storage;
            storage = null;
            detachReason = reason;
        }
        if (old != null) {
            old.close();
        }
    }

    /** Capacity in logical blocks (0 while detached or without medium). */
    public long capacityBlocks() {
        Storage s = storage;
        return s == null ? 0 : s.capacity() >>> blockShift;
    }

    /**
     * Logical blocks per physical block (Block Limits OPTIMAL TRANSFER LENGTH GRANULARITY and
     * OPTIMAL UNMAP GRANULARITY): 8 for a 512-byte vdisk over a backend with 4 KiB pages.
     * READ CAPACITY(16) keeps LBPPBE at 0, as procfs-era SCST did: initiators then treat
     * every logical block as its own allocation unit.
     */
    public int blocksPerPhysicalBlock() {
        Storage s = storage;
        if (s == null) {
            return 1;
        }
        int phys = s.physicalBlockSize();
        if (phys <= options.blockSize() || Integer.bitCount(phys) != 1) {
            return 1;
        }
        return Math.min(1 << 15, phys >> blockShift);
    }

    /** True if the backend can deallocate blocks (logical block provisioning, LBPME). */
    public boolean thinProvisioned() {
        Storage s = storage;
        return s != null && s.capabilities().contains(DeviceCapability.DISCARD);
    }

    /** Deallocated blocks read as zeroes (LBPRZ). */
    public boolean discardZeroes() {
        Storage s = storage;
        return s != null && s.capabilities().contains(DeviceCapability.DISCARD_ZEROES);
    }

    public boolean hasCapability(DeviceCapability c) {
        Storage s = storage;
        return s != null && s.capabilities().contains(c);
    }

    /** Submits a bio to the storage; fails it with ENODEV while detached. */
    public void submit(Bio bio) {
        Storage s = storage;
        if (s == null) {
            bio.complete(Errno.ENODEV);
        } else {
            s.submit(bio);
        }
    }

    // ---- medium and write protection ----

    /** True if media access would find a medium (attached, loaded, not sanitizing). */
    public boolean mediumPresent() {
        return storage != null && mediumLoaded;
    }

    public boolean mediumLoaded() {
        return mediumLoaded;
    }

    public void setMediumLoaded(boolean loaded) {
        this.mediumLoaded = loaded;
    }

    /** Any nexus prevents medium removal. */
    public boolean removalPrevented() {
        for (ItlNexus n : nexuses) {
            if (n.preventRemoval()) {
                return true;
            }
        }
        return false;
    }

    public boolean sanitizing() {
        return sanitizing;
    }

    public void setSanitizing(boolean s) {
        this.sanitizing = s;
    }

    public boolean sanitizeFailed() {
        return sanitizeFailed;
    }

    public void setSanitizeFailed(boolean f) {
        this.sanitizeFailed = f;
    }

    /** Write protected for everyone: READ_ONLY option, read-only storage, or SWP in the Control page. */
    public boolean writeProtected() {
        if (options.readOnly() || modePages.softwareWriteProtect()) {
            return true;
        }
        Storage s = storage;
        return s != null && s.capabilities().contains(DeviceCapability.READ_ONLY);
    }

    /** Writes need FUA: write-through device or the initiator cleared WCE (and no non-volatile cache). */
    public boolean writeThrough() {
        return !options.nvCache() && !modePages.writeCacheEnabled();
    }

    // ---- nexuses and unit attentions ----

    /** Claims storage on demand: called by the vdisk handler for devices it attaches lazily. */
    void setDemandListener(DemandListener l) {
        this.demand = l;
    }

    public boolean onDemand() {
        return demand != null;
    }

    public void addNexus(ItlNexus n) {
        boolean first;
        synchronized (nexuses) {
            first = nexuses.isEmpty();
            nexuses.add(n);
        }
        DemandListener l = demand;
        if (first && l != null) {
            l.firstNexus(this);
        }
    }

    public void removeNexus(ItlNexus n) {
        boolean last;
        synchronized (nexuses) {
            last = nexuses.remove(n) && nexuses.isEmpty();
        }
        DemandListener l = demand;
        if (last && l != null) {
            l.lastNexusGone(this);
        }
    }

    public Set<ItlNexus> nexuses() {
        return nexuses;
    }

    /** Establishes a unit attention for every nexus except {@code except} (may be null). */
    public void broadcastUnitAttention(ScsiError ua, ItlNexus except) {
        for (ItlNexus n : nexuses) {
            if (n != except) {
                n.addUnitAttention(ua);
            }
        }
    }

    @Override
    public String toString() {
        return "vdisk " + name();
    }
}
