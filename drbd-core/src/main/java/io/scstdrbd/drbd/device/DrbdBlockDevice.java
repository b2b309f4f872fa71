package io.scstdrbd.drbd.device;

import io.scstdrbd.drbd.meta.ActivityLog;
import io.scstdrbd.drbd.meta.Bitmap;
import io.scstdrbd.drbd.meta.MetaData;
import io.scstdrbd.drbd.model.ConnectionDriver;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.DrbdNode;
import io.scstdrbd.drbd.model.LocalDisk;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drbdN block device: the local write path with the activity log and per-peer bitmaps, the
 * read path, flush and FUA to the backing device, and the open rules of DRBD 9 (a Secondary
 * refuses writers with EROFS unless auto-promote succeeds).
 *
 * <p>Write path: the write's 4 MiB extents must be hot in the activity log. If they are, the
 * write is issued at once; otherwise the metadata queue writes an AL transaction first (never on
 * the submitter's thread). Before the data is issued, the blocks are marked out of sync toward
 * every peer that will not receive the write (not connected); connected peers get it through
 * their {@link ConnectionDriver}. The bio completes when the local write and every peer have
 * finished; a local error follows on-io-error.
 *
 * <p>Threading: {@link #submit} never blocks and may be called from any thread.
 */
public final class DrbdBlockDevice implements BlockDevice, DrbdNode.LocalIo {
    private static final Logger LOG = LoggerFactory.getLogger(DrbdBlockDevice.class);
    /** Zeroing and discards are cut at extent boundaries, with this many pieces in flight. */
    static final int RANGE_WINDOW = 8;

    private final DrbdNode node;
    private final Device device;
    private final Executor mdQueue;
    private final ArrayDeque<Bio> suspended = new ArrayDeque<>();
    /** Completions held by a fencing suspension (guarded by {@link #suspended}). */
    private final List<Runnable> heldCompletions = new ArrayList<>();

    public DrbdBlockDevice(DrbdNode node, Device device, Executor mdQueue) {
        this.node = node;
        this.device = device;
        this.mdQueue = mdQueue;
    }

    public Device device() {
        return device;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long capacity() {
        return device.sizeSectors() << Bio.SECTOR_SHIFT;
    }

    /** FLUSH and FUA always; WRITE_ZEROES and DISCARD when the attached backing device has them. */
    @Override
    public Set<DeviceCapability> capabilities() {
        EnumSet<DeviceCapability> c = EnumSet.of(DeviceCapability.FLUSH, DeviceCapability.FUA);
        LocalDisk l = device.ldev();
        if (l != null) {
            BlockDevice b = l.backing().device();
            for (DeviceCapability x : new DeviceCapability[] {DeviceCapability.WRITE_ZEROES, DeviceCapability.DISCARD,
                DeviceCapability.DISCARD_ZEROES}) {
                if (b.hasCapability(x)) {
                    c.add(x);
                }
            }
        }
        return c;
    }

    @Override
    public int maxTransferBytes() {
        return 1 << 20;
    }

    @Override
    public int onOpen(OpenMode mode, String holder) {
        int err = node.open(device, mode);
        if (err != 0) {
            LOG.info("{}: open for {} by {} refused: {}", device.name(), mode, holder, Errno.name(err));
        }
        return err;
    }

    @Override
    public void onRelease(OpenMode mode, String holder) {
        node.release(device, mode);
    }

    @Override
    public void submit(Bio bio) {
        Resource r = device.resource();
        if (r.failIo() || device.failsIoForQuorum()) {
            bio.complete(Errno.EIO);
            return;
        }
        if (r.ioSuspended()) {
            synchronized (suspended) {
                if (r.ioSuspended()) {
                    suspended.add(bio);
                    return;
                }
            }
        }
        device.upperPending.incrementAndGet();
        Bio tracked = bio.withCallback((b, errno) -> {
            device.upperPending.decrementAndGet();
            bio.complete(errno);
        });
        switch (bio.op()) {
            case READ -> read(tracked);
            case FLUSH -> flush(tracked);
            default -> write(tracked);
        }
    }

    /**
     * Runs the bios held back while I/O was suspended and the completions held by a fencing
     * suspension (called after resume-io, or when fence-peer has settled the peer's fate).
     */
    @Override
    public void resumeIo() {
        List<Bio> l;
        List<Runnable> done;
        synchronized (suspended) {
            l = new ArrayList<>(suspended);
            suspended.clear();
            // one freeze may end while another (fencing, quorum) still holds the completions
            done = new ArrayList<>();
            if (!device.resource().completionsFrozen() || device.resource().failIo()) {
                done.addAll(heldCompletions);
                heldCompletions.clear();
            }
        }
        done.forEach(Runnable::run);
        l.forEach(this::submit);
    }

    /**
     * fencing resource-and-stonith, or quorum: a write that did not reach a peer completes only once
     * fence-peer has settled the peer's fate (or resume-io), or the model has found that quorum
     * held or came back, as the kernel freezes it, so that no write is acknowledged that a peer
     * promoted meanwhile would not have.
     */
    private void completeUnlessFenced(boolean peerMissed, Runnable complete) {
        Resource r = device.resource();
        if (peerMissed && r.completionsFrozen()) {
            synchronized (suspended) {
                if (r.completionsFrozen()) {
                    heldCompletions.add(complete);
                    return;
                }
            }
        }
        complete.run();
    }

    private void read(Bio bio) {
        LocalDisk l = device.ldev();
        if (l == null || device.disk().code() < DiskState.INCONSISTENT.code()) {
            readFromPeer(bio, Errno.EIO);
            return;
        }
        if (device.disk() != DiskState.UP_TO_DATE && needsPeerData(l, bio)) {
            readFromPeer(bio, Errno.EIO);
            return;
        }
        device.lowerPending.incrementAndGet();
        l.backing().submit(bio.withCallback((b, errno) -> {
            device.lowerPending.decrementAndGet();
            countLocal(bio, errno);
            if (errno == 0) {
                bio.complete(0);
                return;
            }
            node.localIoError(device, false, errno);
            // as the kernel does, a failed local read is retried on a peer with good data
            readFromPeer(bio, errno);
        }));
    }

    /**
     * Whether a read of a disk that is not UpToDate must come from a peer: it must when a connected
     * peer has UpToDate data and this node is not yet its sync target (the handshake or the bitmap
     * exchange is still running) or is, and has blocks of the read still out of sync toward it. A
     * block found in sync stays so: only resync data, already written, clears a bit.
     */
    private boolean needsPeerData(LocalDisk l, Bio bio) {
        for (PeerDevice pd : device.peerDevices()) {
            if (pd.peerDisk() != DiskState.UP_TO_DATE || pd.repl().code() < ReplState.ESTABLISHED.code()
                    || driverOf(pd) == null) {
                continue;
            }
            ReplState r = pd.repl();
            if (r != ReplState.SYNC_TARGET && r != ReplState.PAUSED_SYNC_T) {
                return true;
            }
            int slot = pd.bitmapIndex();
            long first = Bitmap.bitOfSector(bio.sector());
            long last = Bitmap.bitOfSector(bio.sector() + Math.max(1, bio.size() >> Bio.SECTOR_SHIFT) - 1);
            long next = slot < 0 ? first : l.md().bitmap().nextSetBit(slot, first);
            return next >= 0 && next <= last;
        }
        return false;
    }

    /**
     * A read served by a connected peer whose disk is UpToDate (this node is Diskless, its read
     * failed, or its disk does not have the blocks yet); completes with {@code errnoIfNone} when
     * there is no such peer.
     */
    private void readFromPeer(Bio bio, int errnoIfNone) {
        for (PeerDevice pd : device.peerDevices()) {
            ConnectionDriver drv = driverOf(pd);
            if (drv != null && pd.repl().code() >= ReplState.ESTABLISHED.code()
                    && pd.peerDisk() == DiskState.UP_TO_DATE) {
                drv.read(pd, bio); // not a local read: the kernel's read_cnt does not count it
                return;
            }
        }
        bio.complete(errnoIfNone);
    }

    /**
     * A flush completes when the backing device and every connected peer have made the earlier
     * writes durable (a peer gets it through its driver, which sends it as a flush/barrier).
     */
    private void flush(Bio bio) {
        LocalDisk l = device.ldev();
        List<PeerDevice> peers = new ArrayList<>();
        for (PeerDevice pd : device.peerDevices()) {
            if (pd.repl().code() >= ReplState.ESTABLISHED.code() && driverOf(pd) != null) {
                peers.add(pd);
            }
        }
        if (l == null && peers.isEmpty()) {
            bio.complete(Errno.EIO);
            return;
        }
        AtomicInteger pending = new AtomicInteger((l == null ? 0 : 1) + peers.size());
        AtomicInteger firstError = new AtomicInteger();
        io.scstdrbd.kernel.block.BioCallback part = (b, errno) -> {
            if (errno != 0) {
                firstError.compareAndSet(0, errno);
            }
            if (pending.decrementAndGet() == 0) {
                bio.complete(firstError.get());
            }
        };
        if (l != null) {
            device.lowerPending.incrementAndGet();
            l.backing().submit(Bio.flush((b, errno) -> {
                device.lowerPending.decrementAndGet();
                part.done(b, errno);
            }));
        }
        for (PeerDevice pd : peers) {
            driverOf(pd).replicate(pd, Bio.flush((b, e) -> { }), part);
        }
    }

    private void write(Bio bio) {
        if (device.resource().role() != Role.PRIMARY) {
            bio.complete(Errno.EROFS);
            return;
        }
        LocalDisk l = device.ldev();
        if (l == null || device.disk().code() < DiskState.INCONSISTENT.code()) {
            writeToPeers(bio);
            return;
        }
        if (bio.op() == BioOp.DISCARD || bio.op() == BioOp.WRITE_ZEROES) {
            DeviceCapability need = bio.op() == BioOp.DISCARD ? DeviceCapability.DISCARD : DeviceCapability.WRITE_ZEROES;
            if (!l.backing().device().hasCapability(need)) {
                bio.complete(Errno.EOPNOTSUPP);
                return;
            }
            if (ActivityLog.extentOf(bio.sector())
                    != ActivityLog.extentOf(bio.sector() + (bio.size() >> Bio.SECTOR_SHIFT) - 1)) {
                // a range over many extents would need more AL slots than exist: one extent at a time
                new RangeSplit(bio).start();
                return;
            }
        }
        writeOne(bio, l);
    }

    /**
     * A Primary without a usable local disk writes to its connected peers only, as a kernel
     * Primary does after a detach: the write succeeds when a peer has it (the peer tracks it as out
     * of sync toward this node, for the resync after the next attach), else it fails with EIO.
     */
    private void writeToPeers(Bio bio) {
        List<PeerDevice> replicas = new ArrayList<>();
        for (PeerDevice pd : device.peerDevices()) {
            if (driverOf(pd) != null && pd.repl().code() >= ReplState.ESTABLISHED.code()
                    && pd.repl() != ReplState.AHEAD && pd.peerDisk().code() >= DiskState.INCONSISTENT.code()
                    && pd.peerDisk() != DiskState.UNKNOWN) {
                replicas.add(pd);
            }
        }
        if (replicas.isEmpty()) {
            bio.complete(Errno.EIO);
            return;
        }
        AtomicInteger pending = new AtomicInteger(replicas.size());
        AtomicInteger peersOk = new AtomicInteger();
        for (PeerDevice pd : replicas) {
            ConnectionDriver drv = driverOf(pd);
            drv.replicate(pd, bio, (b, errno) -> {
                if (errno == 0) {
                    peersOk.incrementAndGet();
                }
                if (pending.decrementAndGet() == 0) {
                    bio.complete(peersOk.get() > 0 ? 0 : Errno.EIO);
                }
            });
            drv.localWriteDone(pd, bio, 0); // there is no local part
        }
    }

    /** Runs a zeroing or discard range as per-extent pieces, a few at a time, then completes it. */
    private final class RangeSplit {
        private final Bio parent;
        private final long end;
        private long next;
        private int inFlight;
        private int firstError;
        private boolean pumping;
        private boolean again;

        RangeSplit(Bio parent) {
            this.parent = parent;
            this.next = parent.sector();
            this.end = parent.sector() + (parent.size() >> Bio.SECTOR_SHIFT);
        }

        void start() {
            pump();
        }

        /** Submits pieces up to the window; completions that arrive meanwhile loop here instead of recursing. */
        private void pump() {
            synchronized (this) {
                if (pumping) {
                    again = true;
                    return;
                }
                pumping = true;
            }
            while (true) {
                List<Bio> go = new ArrayList<>();
                boolean done;
                synchronized (this) {
                    again = false;
                    while (inFlight < RANGE_WINDOW && next < end) {
                        long extentEnd = (next / ActivityLog.EXTENT_SECTORS + 1) * ActivityLog.EXTENT_SECTORS;
                        long stop = Math.min(end, extentEnd);
                        long bytes = (stop - next) << Bio.SECTOR_SHIFT;
                        go.add(parent.op() == BioOp.DISCARD ? Bio.discard(next, bytes, this::pieceDone)
                                : Bio.writeZeroes(next, bytes, parent.flags(), this::pieceDone));
                        inFlight++;
                        next = stop;
                    }
                    done = inFlight == 0 && next >= end;
                    if (go.isEmpty() && !done && !again) {
                        pumping = false;
                        return;
                    }
                }
                if (done) {
                    parent.complete(firstError);
                    return;
                }
                LocalDisk l = device.ldev();
                for (Bio b : go) {
                    if (l == null) {
                        b.complete(Errno.EIO);
                    } else {
                        writeOne(b, l);
                    }
                }
            }
        }

        private void pieceDone(Bio b, int errno) {
            synchronized (this) {
                inFlight--;
                if (errno != 0 && firstError == 0) {
                    firstError = errno;
                }
            }
            pump();
        }
    }

    private void writeOne(Bio bio, LocalDisk l) {
        int first = ActivityLog.extentOf(bio.sector());
        int last = ActivityLog.extentOf(bio.sector() + Math.max(1, bio.size() >> Bio.SECTOR_SHIFT) - 1);
        withActivityLog(l, first, last, bio, () -> issueWrite(bio, l, first, last));
    }

    /**
     * Runs {@code go} once extents [first, last] are hot: at once on the fast path, otherwise on
     * the metadata queue after the AL transaction is on disk (never on the submitter's thread).
     * A failed AL write fails {@code bio} with EIO and follows on-io-error.
     */
    private void withActivityLog(LocalDisk l, int first, int last, Bio bio, Runnable go) {
        MetaData md = l.md();
        ActivityLog al = md.activityLog();
        if (al.tryBegin(first, last)) {
            go.run();
            return;
        }
        mdQueue.execute(() -> {
            try {
                List<ActivityLog.Change> changes;
                while ((changes = al.plan(first, last)) == null) {
                    al.awaitRelease(100);
                }
                try {
                    md.commitAl(changes);
                } catch (KernelException e) {
                    al.abandon(changes, first, last);
                    LOG.error("{}: activity log write failed: {}", device.name(), e.getMessage());
                    node.localIoError(device, true, e.errno());
                    bio.complete(Errno.EIO);
                    return;
                }
                go.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                bio.complete(Errno.EINTR);
            }
        });
    }

    private void issueWrite(Bio bio, LocalDisk l, int first, int last) {
        long sectors = bio.size() >> Bio.SECTOR_SHIFT;
        List<PeerDevice> replicas = new ArrayList<>();
        int unreplicated = 0;
        for (PeerDevice pd : device.peerDevices()) {
            int slot = pd.bitmapIndex();
            // the model may lag behind a connection that was just made: its driver then decides (it
            // marks the write and tells the peer, or sends it) so that no bit is set behind its back
            boolean connected = pd.repl().code() >= ReplState.ESTABLISHED.code()
                    && pd.repl() != ReplState.AHEAD
                    || pd.repl() == ReplState.OFF && driverOf(pd) != null && driverOf(pd).carries(pd);
            if (connected) {
                replicas.add(pd);
            } else {
                unreplicated++;
                if (slot >= 0 && sectors > 0) {
                    l.md().bitmap().set(slot, bio.sector() / 8, (bio.sector() + sectors - 1) / 8);
                }
            }
        }
        List<ConnectionDriver> drivers = new ArrayList<>(replicas.size());
        int withDriver = 0;
        for (PeerDevice pd : replicas) {
            ConnectionDriver drv = driverOf(pd);
            drivers.add(drv);
            withDriver += drv == null ? 0 : 1;
        }
        AtomicInteger pending = new AtomicInteger(1 + replicas.size());
        AtomicInteger localError = new AtomicInteger();
        AtomicInteger peersOk = new AtomicInteger();
        AtomicInteger peersMissed = new AtomicInteger(unreplicated);
        Runnable finish = () -> completeUnlessFenced(peersMissed.get() > 0, () -> {
            l.md().activityLog().complete(first, last);
            int err = localError.get();
            if (device.resource().failIo() || device.failsIoForQuorum()) {
                // a forced demotion, or on-no-quorum io-error without quorum: the write fails, as the kernel's
                bio.complete(Errno.EIO);
            } else if (err == 0) {
                bio.complete(0);
            } else {
                // DRBD completes a write that failed locally if a peer has it
                bio.complete(peersOk.get() > 0 ? 0 : err);
            }
        });
        Runnable submitLocal = () -> {
            device.lowerPending.incrementAndGet();
            l.backing().submit(bio.withCallback((b, errno) -> {
                device.lowerPending.decrementAndGet();
                countLocal(bio, errno);
                if (errno != 0) {
                    localError.set(errno);
                    node.localIoError(device, true, errno);
                }
                for (int i = 0; i < replicas.size(); i++) {
                    if (drivers.get(i) != null) {
                        drivers.get(i).localWriteDone(replicas.get(i), bio, errno);
                    }
                }
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
            }));
        };
        // A disk that is not UpToDate is, or may become, a sync target: its local write waits until the
        // peers have ordered it after their resync requests of the same blocks, so that no older resync
        // data lands on top of it. Otherwise the peers learn of the write before the local part is issued.
        boolean ordered = device.disk() != DiskState.UP_TO_DATE && withDriver > 0;
        AtomicInteger unadmitted = new AtomicInteger(withDriver);
        Runnable admitted = () -> {
            if (unadmitted.decrementAndGet() == 0) {
                submitLocal.run();
            }
        };
        for (int i = 0; i < replicas.size(); i++) {
            PeerDevice pd = replicas.get(i);
            ConnectionDriver drv = drivers.get(i);
            if (drv == null) {
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
                continue;
            }
            io.scstdrbd.kernel.block.BioCallback peerDone = (b, errno) -> {
                if (errno == 0) {
                    peersOk.incrementAndGet();
                } else {
                    peersMissed.incrementAndGet();
                    int slot = pd.bitmapIndex();
                    if (slot >= 0) {
                        l.md().bitmap().set(slot, bio.sector() / 8, (bio.sector() + sectors - 1) / 8);
                    }
                }
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
            };
            if (ordered) {
                drv.replicateOrdered(pd, bio, admitted, peerDone);
            } else {
                drv.replicate(pd, bio, peerDone);
            }
        }
        if (!ordered) {
            submitLocal.run();
        }
    }

    /**
     * Counts a finished local backing I/O of any origin (application, peer write, resync, verify) as
     * the kernel's read_cnt / writ_cnt: sectors, successful ones only.
     */
    private void countLocal(Bio bio, int errno) {
        long sectors = bio.size() >> Bio.SECTOR_SHIFT;
        if (errno == 0 && sectors > 0) {
            (bio.op() == BioOp.READ ? device.readSectors : device.writtenSectors).addAndGet(sectors);
        }
    }

    private static ConnectionDriver driverOf(PeerDevice pd) {
        return pd.connection().driver();
    }

    /**
     * Marks a write of resync data: it bypasses the activity log (the bitmap keeps its blocks out
     * of sync until the write is done, so a crash cannot lose track of them), as a kernel sync
     * target does. A bio flag bit above those of {@link Bio}.
     */
    public static final int RESYNC = 1 << 16;

    /** Local backing I/O for the replication code (peer writes, resync), through the AL for writes. */
    @Override
    public void submitLocal(Bio bio) {
        LocalDisk l = device.ldev();
        if (l == null) {
            bio.complete(Errno.ENODEV);
            return;
        }
        if (bio.op() == BioOp.READ || bio.op() == BioOp.FLUSH || bio.hasFlag(RESYNC)) {
            device.lowerPending.incrementAndGet();
            l.backing().submit(bio.withCallback((b, errno) -> {
                device.lowerPending.decrementAndGet();
                countLocal(bio, errno);
                bio.complete(errno);
            }));
            return;
        }
        ActivityLog al = l.md().activityLog();
        int first = ActivityLog.extentOf(bio.sector());
        int last = ActivityLog.extentOf(bio.sector() + Math.max(1, bio.size() >> Bio.SECTOR_SHIFT) - 1);
        withActivityLog(l, first, last, bio, () -> {
            device.lowerPending.incrementAndGet();
            l.backing().submit(bio.withCallback((b, errno) -> {
                device.lowerPending.decrementAndGet();
                countLocal(bio, errno);
                al.complete(first, last);
                if (errno != 0) {
                    node.localIoError(device, true, errno);
                }
                bio.complete(errno);
            }));
        });
    }
}
