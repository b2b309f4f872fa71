package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.replication.RangeLock;
import io.scstdrbd.drbd.size.DeviceSizeRule;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The I/O path of one replicated volume: application bios come in, writes go to the local disk
 * and to every connected peer (or are marked out of sync for it), reads are served locally or
 * from a peer with good data. This is what the drbdN block device submits to.
 *
 * <p>Threading: {@link #submit} may be called from any thread and never blocks; replication
 * decisions run on the resource loop.
 */
public final class VolumeEngine {
    private final ResourceEngine res;
    private final LocalVolume local;
    private final RangeLock rangeLock = new RangeLock();
    private final AtomicLong readSectors = new AtomicLong();
    private final AtomicLong writtenSectors = new AtomicLong();
    private final AtomicInteger upperPending = new AtomicInteger();
    /** Replicated writes whose local part may already be issued but whose range is not yet held. */
    private final AtomicInteger unorderedWrites = new AtomicInteger();
    private volatile long agreedSectors;
    private volatile CompletableFuture<Void> lastResize = CompletableFuture.completedFuture(null);

    VolumeEngine(ResourceEngine res, LocalVolume local) {
        this.res = res;
        this.local = local;
        this.agreedSectors = local.exposedSectors();
    }

    public LocalVolume local() {
        return local;
    }

    public int volume() {
        return local.volume();
    }

    RangeLock rangeLock() {
        return rangeLock;
    }

    /**
     * Writes handed to the engine with their local part issued independently (see
     * {@link PeerConnection#replicate}) that do not hold their range yet. A sync target asks for
     * nothing while there are any: a reply could otherwise overwrite such a write's newer data.
     */
    AtomicInteger unorderedWrites() {
        return unorderedWrites;
    }

    ResourceEngine resource() {
        return res;
    }

    /** Sectors read and written by applications (for statistics and c-min-rate). */
    public long readSectors() {
        return readSectors.get();
    }

    public long writtenSectors() {
        return writtenSectors.get();
    }

    public int upperPending() {
        return upperPending.get();
    }

    /** The device size agreed with the peers (sectors). */
    public long agreedSectors() {
        return agreedSectors;
    }

    /** What a change of the device size did (the kernel's determine_dev_size results). */
    enum SizeChange { UNCHANGED, GREW, SHRUNK }

    /**
     * Takes the device size the local side has now, before a handshake: it may have changed
     * while no peer was connected (attach, resize on a standalone node).
     */
    void refreshSize() {
        for (PeerConnection c : res.peers()) {
            PeerDevice pd = c.device(volume());
            if (pd != null && pd.repl() != ReplState.OFF) {
                return; // agreed with that peer, which is still connected
            }
        }
        agreedSectors = local.exposedSectors();
    }

    /**
     * A disk was attached while connected: the device starts from the size attach gave it, which
     * knew nothing of the peers, and takes the smaller of that and what the connected peers told
     * (the kernel's attach bounds the size by them), before P_SIZES tells the peers.
     */
    void sizeAfterAttach() {
        agreedSectors = local.exposedSectors();
        long size = DeviceSizeRule.decide(local.dataSectors(), connectedPeersMax(), true, local.lastAgreedSectors(),
                local.userSectors(), false).sectors();
        if (size < agreedSectors) {
            applySize(size, false);
        }
    }

    /** The smallest data area the peers past their handshake told (0: none told one). */
    long connectedPeersMax() {
        long max = 0;
        for (PeerConnection c : res.peers()) {
            PeerDevice pd = c.device(volume());
            if (pd != null && c.isConnected() && pd.repl() != ReplState.OFF) {
                max = DeviceSizeRule.minNotZero(max, pd.handshake().peerDataSectors());
            }
        }
        return max;
    }

    /**
     * The device takes {@code sectors} as its size (on the resource loop): requests are checked
     * against it at once; the local volume marks the blocks a grow adds (out of sync, or in sync
     * when {@code newBlocksOutOfSync} is false) and resizes what applications see.
     */
    SizeChange applySize(long sectors, boolean newBlocksOutOfSync) {
        long old = agreedSectors;
        if (sectors == old || sectors <= 0) {
            return SizeChange.UNCHANGED;
        }
        agreedSectors = sectors;
        lastResize = local.resize(old, sectors, newBlocksOutOfSync);
        return sectors > old ? SizeChange.GREW : SizeChange.SHRUNK;
    }

    /** Completes once the last size change reached the device and its metadata. */
    CompletableFuture<Void> lastResize() {
        return lastResize;
    }

    /** Application I/O in; completes the bio exactly once. */
    public void submit(Bio bio) {
        switch (bio.op()) {
            case READ:
                read(bio);
                break;
            case WRITE:
                write(bio);
                break;
            case FLUSH:
                flush(bio);
                break;
            case WRITE_ZEROES:
                writeZeroes(bio);
                break;
            default:
                bio.complete(Errno.EOPNOTSUPP);
        }
    }

    // ------------------------------------------------------------------ reads

    private void read(Bio bio) {
        if (local.hasDisk() && canReadLocally(bio.sector(), bio.size() >>> Bio.SECTOR_SHIFT)) {
            readSectors.addAndGet(bio.size() >>> Bio.SECTOR_SHIFT);
            local.submitLocal(bio.withCallback((b, errno) -> bio.complete(errno)));
            return;
        }
        res.onLoop(() -> {
            for (PeerConnection c : res.peers()) {
                PeerDevice pd = c.device(local.volume());
                if (pd != null && c.isConnected() && pd.peerDisk() == DiskState.UP_TO_DATE
                        && pd.repl().compareTo(ReplState.ESTABLISHED) >= 0) {
                    readSectors.addAndGet(bio.size() >>> Bio.SECTOR_SHIFT);
                    c.remoteRead(pd, bio);
                    return;
                }
            }
            bio.complete(Errno.EIO);
        });
    }

    private boolean canReadLocally(long sector, long sectors) {
        DiskState d = local.diskState();
        if (d == DiskState.UP_TO_DATE) {
            return true;
        }
        if (d != DiskState.INCONSISTENT) {
            return false;
        }
        // a sync target may read the blocks it already has
        for (PeerConnection c : res.peers()) {
            PeerDevice pd = c.device(local.volume());
            if (pd != null && pd.repl().isSyncTarget()) {
                PeerBitmap bm = pd.bitmap();
                long from = PeerBitmap.firstBit(sector);
                long to = PeerBitmap.endBit(sector, sectors);
                long n = bm.nextSetBit(from);
                return n < 0 || n >= to;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ writes

    private void write(Bio bio) {
        writtenSectors.addAndGet(bio.size() >>> Bio.SECTOR_SHIFT);
        upperPending.incrementAndGet();
        AppWrite w = new AppWrite(bio, this);
        long sectors = w.sectors;
        rangeLock.acquire(bio.sector(), sectors, r -> {
            w.range = r;
            local.alBegin(bio.sector(), sectors).whenComplete((v, err) -> res.onLoop(() -> dispatch(w, err)));
        });
    }

    private static boolean sends(PeerConnection c, PeerDevice pd) {
        return c.isConnected() && OutgoingWrites.sendsData(pd) && pd.peerDisk().compareTo(DiskState.INCONSISTENT) >= 0;
    }

    /** A write the peer does not get: out of sync for it, and a peer preparing a resync is told. */
    private static void markFor(PeerConnection c, PeerDevice pd, AppWrite w, long firstBit, long endBit) {
        pd.bitmap().setRange(firstBit, endBit);
        if (c.isConnected() && pd.repl().isPreparingSync()) {
            c.sendOutOfSync(pd, w.sector, (int) (w.sectors << Bio.SECTOR_SHIFT));
        }
    }

    /** On the loop: decide per peer, send, submit locally. */
    private void dispatch(AppWrite w, Throwable alError) {
        if (alError != null) {
            w.localDone(Errno.EIO);
            w.armed();
            return;
        }
        w.dagtagEnd = res.advanceDagtag(w.sectors);
        long firstBit = PeerBitmap.firstBit(w.sector);
        long endBit = PeerBitmap.endBit(w.sector, w.sectors);
        for (PeerConnection c : res.peers()) {
            PeerDevice pd = c.device(local.volume());
            if (pd == null) {
                continue;
            }
            if (c.isConnected() && PeerDevice.holdsWrites(pd.repl())) {
                // the bitmap exchange runs: the peer part waits for the resync (see PeerDevice.holdsWrites)
                w.addPeer();
                pd.parkWrite(() -> {
                    if (sends(c, pd)) {
                        c.sendWrite(pd, w);
                    } else {
                        markFor(c, pd, w, firstBit, endBit);
                        w.peerDone(false);
                    }
                });
            } else if (sends(c, pd)) {
                w.addPeer();
                c.sendWrite(pd, w);
            } else {
                markFor(c, pd, w, firstBit, endBit);
            }
        }
        if (local.hasDisk() && local.diskState().compareTo(DiskState.INCONSISTENT) >= 0) {
            w.addLocal();
            local.submitLocal(w.bio.withCallback((b, errno) -> w.localDone(errno)));
        } else if (!hasUpToDatePeer()) {
            w.addLocal();
            w.localDone(Errno.EIO);
        }
        w.armed();
    }

    void writeFinished(AppWrite w) {
        upperPending.decrementAndGet();
        local.alComplete(w.sector, w.sectors);
    }

    /** Write-zeroes travels as ordinary writes of zero bytes (no FF_WZEROES is agreed). */
    private void writeZeroes(Bio bio) {
        long left = bio.size();
        if (left == 0) {
            bio.complete(0);
            return;
        }
        int chunk = 1 << 20;
        List<Bio> parts = new ArrayList<>();
        AtomicInteger pending = new AtomicInteger();
        AtomicInteger err = new AtomicInteger();
        long sector = bio.sector();
        ByteBuffer zeros = ByteBuffer.allocateDirect(chunk);
        while (left > 0) {
            int n = (int) Math.min(chunk, left);
            ByteBuffer z = zeros.duplicate();
            z.limit(n);
            parts.add(Bio.write(sector, z, bio.flags(), (b, e) -> {
                if (e != 0) {
                    err.compareAndSet(0, e);
                }
                if (pending.decrementAndGet() == 0) {
                    bio.complete(err.get());
                }
            }));
            sector += n >>> Bio.SECTOR_SHIFT;
            left -= n;
        }
        pending.set(parts.size());
        for (Bio p : parts) {
            write(p);
        }
    }

    // ------------------------------------------------------------------ flush

    /**
     * A flush completes when the local device flushed and every connected peer acknowledged the
     * epoch holding the writes before it (with write-ordering flush, after its own flush).
     */
    private void flush(Bio bio) {
        AtomicInteger pending = new AtomicInteger(1);
        AtomicInteger err = new AtomicInteger();
        Runnable partDone = () -> {
            if (pending.decrementAndGet() == 0) {
                bio.complete(err.get());
            }
        };
        if (local.hasDisk()) {
            pending.incrementAndGet();
            local.submitLocal(Bio.flush((b, e) -> {
                if (e != 0) {
                    err.compareAndSet(0, e);
                }
                partDone.run();
            }));
        }
        res.onLoop(() -> {
            for (PeerConnection c : res.peers()) {
                PeerDevice pd = c.device(local.volume());
                if (pd != null && c.isConnected() && pd.repl().replicatesWrites()) {
                    pending.incrementAndGet();
                    c.flushEpoch(partDone);
                }
            }
            partDone.run();
        });
    }

    // ------------------------------------------------------------------ helpers

    boolean hasUpToDatePeer() {
        for (PeerConnection c : res.peers()) {
            PeerDevice pd = c.device(local.volume());
            if (pd != null && c.isConnected() && pd.peerDisk() == DiskState.UP_TO_DATE) {
                return true;
            }
        }
        return false;
    }
}
