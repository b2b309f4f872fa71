package io.scstdrbd.drbd.meta;

import io.scstdrbd.drbd.netlink.DrbdConst;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v09 metadata of one attached device: superblock, bitmap and activity log on the metadata
 * device, kept in memory and written back in the formats drbdmeta reads.
 *
 * <p>Write-out rules that make a crash recoverable with {@code drbdmeta apply-al}: an AL
 * transaction is on disk before a write in a new extent reaches the backing device; the bitmap
 * pages of an evicted extent are on disk before the transaction that evicts it; the whole bitmap
 * is written at detach. Metadata writes are FUA (plus a preceding flush with md-flushes).
 *
 * <p>Threading: thread-safe. I/O methods block (they are called from the netlink thread or the
 * device's metadata work queue, never from an event loop).
 */
public final class MetaData {
    private static final Logger LOG = LoggerFactory.getLogger(MetaData.class);

    private final DeviceHandle md;
    private final MdLayout layout;
    private final Bitmap bitmap;
    private final ActivityLog al;
    private final boolean mdFlushes;
    private final Object io = new Object();
    private final AtomicLong alWrites = new AtomicLong();
    private final AtomicLong bmWrites = new AtomicLong();
    private Superblock sb;
    private boolean dirty;

    private MetaData(DeviceHandle md, MdLayout layout, Superblock sb, Bitmap bitmap, ActivityLog al,
            boolean mdFlushes) {
        this.md = md;
        this.layout = layout;
        this.sb = sb;
        this.bitmap = bitmap;
        this.al = al;
        this.mdFlushes = mdFlushes;
    }

    /** Reads the superblock of a metadata device (no validation). */
    public static Superblock readSuperblock(DeviceHandle md, int metaDevIdx) throws KernelException {
        long at = MdLayout.superblockOffset(metaDevIdx, md.device().capacity());
        ByteBuffer b = ByteBuffer.allocate(Superblock.SIZE);
        BlockIo.readFully(md, at, b);
        return SuperblockCodec.decode(b.array());
    }

    /**
     * Reads and checks the metadata and loads the bitmap.
     *
     * @param dataBytes  capacity of the backing device
     * @param alExtents  AL slots (disk_conf al_extents)
     */
    public static MetaData open(DeviceHandle md, int metaDevIdx, long dataBytes, int myNodeId, int alExtents,
            boolean mdFlushes) throws MdException, KernelException {
        Superblock sb = readSuperblock(md, metaDevIdx);
        MdLayout layout = MdValidator.validate(sb, metaDevIdx, md.device().capacity(), dataBytes, myNodeId);
        long sectors = layout.usableSectors();
        long area = layout.bmAreaBytes();
        if ((((sectors + 7) / 8 + 31) / 32) * sb.bmMaxPeers() * 4 > area) {
            throw new MdException(DrbdConst.ERR_MD_DISK_TOO_SMALL, "meta data area too small for the bitmap\n");
        }
        Bitmap bm = new Bitmap(sb.bmMaxPeers(), sectors, area);
        byte[] page = new byte[Bitmap.PAGE];
        long used = ((sectors + 7) / 8 / 32 + 1) * sb.bmMaxPeers() * 4;
        long pages = Math.min(bm.areaPages(), (used + Bitmap.PAGE - 1) / Bitmap.PAGE);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(pages * Bitmap.PAGE, 1 << 20));
        for (long p = 0; p < pages; ) {
            int n = (int) Math.min(pages - p, buf.capacity() / Bitmap.PAGE);
            buf.clear().limit(n * Bitmap.PAGE);
            BlockIo.readFully(md, layout.bmStart() + p * Bitmap.PAGE, buf);
            for (int i = 0; i < n; i++) {
                System.arraycopy(buf.array(), i * Bitmap.PAGE, page, 0, Bitmap.PAGE);
                bm.decodePage(p + i, page);
            }
            p += n;
        }
        int slots = ActivityLog.sanitizeSlots(alExtents, sb.alStripes() * sb.alStripeSize4k());
        ActivityLog log = new ActivityLog(slots, sb.alStripes(), sb.alStripeSize4k());
        return new MetaData(md, layout, sb, bm, log, mdFlushes);
    }

    public MdLayout layout() {
        return layout;
    }

    public Bitmap bitmap() {
        return bitmap;
    }

    public ActivityLog activityLog() {
        return al;
    }

    public DeviceHandle handle() {
        return md;
    }

    public synchronized Superblock superblock() {
        return sb;
    }

    /** Changes the in-memory superblock; {@link #sync} writes it. */
    public synchronized void update(Consumer<Superblock.Builder> change) {
        Superblock.Builder b = sb.toBuilder();
        change.accept(b);
        Superblock n = b.build();
        if (!n.equals(sb)) {
            sb = n;
            dirty = true;
        }
    }

    public long alWrites() {
        return alWrites.get();
    }

    public long bmWrites() {
        return bmWrites.get();
    }

    private int mdFlags() {
        return Bio.FUA | Bio.META | (mdFlushes ? Bio.PREFLUSH : 0);
    }

    /** Writes the superblock if it changed. */
    public void sync() throws KernelException {
        synchronized (io) {
            Superblock s;
            synchronized (this) {
                if (!dirty) {
                    return;
                }
                s = sb;
                dirty = false;
            }
            try {
                BlockIo.writeFully(md, layout.superblockAt(), ByteBuffer.wrap(SuperblockCodec.encode(s)), mdFlags());
            } catch (KernelException e) {
                synchronized (this) {
                    dirty = true;
                }
                throw e;
            }
        }
    }

    /** Writes the superblock unconditionally. */
    public void forceSync() throws KernelException {
        synchronized (this) {
            dirty = true;
        }
        sync();
    }

    /** Writes the changed bitmap pages among {@code restrictTo} (all changed pages if null). */
    public void writeBitmap(BitSet restrictTo) throws KernelException {
        synchronized (io) {
            BitSet pages = bitmap.takeDirty(restrictTo);
            if (pages.isEmpty()) {
                return;
            }
            try {
                for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
                    BlockIo.writeFully(md, layout.bmStart() + (long) p * Bitmap.PAGE,
                            ByteBuffer.wrap(bitmap.encodePage(p)), Bio.META);
                    bmWrites.incrementAndGet(); // the kernel counts every bitmap page written
                }
                BlockIo.flush(md);
            } catch (KernelException e) {
                bitmap.markDirty(pages);
                throw e;
            }
        }
    }

    /**
     * Makes extents hot: writes the bitmap pages of evicted extents, then the AL transaction.
     * Call from one thread at a time (the device's metadata queue).
     */
    public void commitAl(List<ActivityLog.Change> changes) throws KernelException {
        if (changes.isEmpty()) {
            return;
        }
        BitSet evicted = new BitSet();
        for (ActivityLog.Change c : changes) {
            if (c.oldExtent() != AlTransaction.FREE) {
                evicted.or(bitmap.pagesOfExtents(c.oldExtent(), c.oldExtent()));
            }
        }
        if (!evicted.isEmpty()) {
            writeBitmap(evicted);
        }
        AlTransaction t = al.transaction(changes);
        synchronized (io) {
            BlockIo.writeFully(md, layout.alStart() + al.ringOffset(t.trNumber()),
                    ByteBuffer.wrap(AlTransactionCodec.encode(t)), mdFlags());
        }
        al.committed(changes);
        alWrites.incrementAndGet();
        LOG.debug("AL transaction {}: {}", t.trNumber(), changes);
    }
}
