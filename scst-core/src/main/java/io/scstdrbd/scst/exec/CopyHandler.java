package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.CopyParameterList;
import io.scstdrbd.scst.cdb.ExtendedCopyCdb;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EXTENDED COPY (LID1) with block-to-block segments between the logical units this initiator
 * sees, and RECEIVE COPY RESULTS (copy status, operating parameters) (SPC-4 6.4, 6.18). The copy
 * runs chunk by chunk with bios (read into a pooled buffer, write it out); every descriptor is
 * checked before the first block moves.
 */
public final class CopyHandler implements Handler {
    static final int CHUNK = 1 << 20;
    static final int STATUS_OK = 1;
    static final int STATUS_ERROR = 2;

    private final ExecContext ctx;

    public CopyHandler(ExecContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        ExtendedCopyCdb c = ExtendedCopyCdb.parse(task.cdb());
        if (c.receive()) {
            receive(task, c);
            return;
        }
        long len = Math.min(c.length(), task.expectedDataLength());
        if (c.length() == 0) {
            task.good();
            return;
        }
        if (len < CopyParameterList.HEADER || len > 1 << 16) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        task.receiveData(len, (t, data) -> copy(t, CopyParameterList.parse(Segments.toArray(data))));
    }

    private void receive(Task task, ExtendedCopyCdb c) throws ScsiException {
        if (c.serviceAction() == Opcodes.SA_RECEIVE_COPY_OPERATING_PARAMETERS) {
            DataIn.respond(task, operatingParameters(), c.length());
            return;
        }
        long[] r = task.nexus().copyResults().get(c.listIdentifier());
        if (r == null) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        byte[] b = new byte[12];
        BigEndian.put32(b, 0, 8);
        b[4] = (byte) r[0];
        BigEndian.put16(b, 5, (int) r[1]);
        b[7] = 0x01; // transfer count in KiB
        BigEndian.put32(b, 8, Math.min(r[2], 0xffffffffL));
        DataIn.respond(task, b, c.length());
    }

    static byte[] operatingParameters() {
        byte[] b = new byte[44 + CopyParameterList.IMPLEMENTED.length];
        BigEndian.put32(b, 0, b.length - 4);
        b[4] = 0x01; // SNLID: list identifiers are supported
        BigEndian.put16(b, 8, CopyParameterList.MAX_TARGETS);
        BigEndian.put16(b, 10, CopyParameterList.MAX_SEGMENTS);
        BigEndian.put32(b, 12, CopyParameterList.MAX_DESCRIPTOR_LIST);
        BigEndian.put32(b, 16, 65535L * 4096); // maximum segment length (bytes)
        BigEndian.put16(b, 34, 1);             // total concurrent copies
        b[36] = 1;                              // maximum concurrent copies
        b[37] = 9;                              // data segment granularity: 512 bytes
        b[43] = (byte) CopyParameterList.IMPLEMENTED.length;
        for (int i = 0; i < CopyParameterList.IMPLEMENTED.length; i++) {
            b[44 + i] = (byte) CopyParameterList.IMPLEMENTED[i];
        }
        return b;
    }

    /** A resolved segment: devices and byte-exact ranges, ready to move. */
    private record Job(VirtualDevice src, VirtualDevice dst, long srcLba, long dstLba, long blocks) {
    }

    private void copy(Task t, CopyParameterList list) throws ScsiException {
        List<VirtualDevice> targets = new ArrayList<>();
        for (CopyParameterList.Target tgt : list.targets()) {
            targets.add(resolve(t.nexus(), tgt));
        }
        List<Job> jobs = new ArrayList<>();
        for (CopyParameterList.Segment s : list.segments()) {
            if (s.src() >= targets.size() || s.dst() >= targets.size()) {
                throw ScsiException.of(ScsiError.COPY_TARGET_DEVICE_NOT_REACHABLE);
            }
            VirtualDevice src = targets.get(s.src());
            VirtualDevice dst = targets.get(s.dst());
            if (src.blockSize() != dst.blockSize()) {
                throw ScsiException.invalidParameter(CopyParameterList.HEADER, -1);
            }
            checkCopyRange(src, s.srcLba(), s.blocks());
            checkCopyRange(dst, s.dstLba(), s.blocks());
            if (dst.writeProtected() || !dst.mediumPresent() || !src.mediumPresent()) {
                throw ScsiException.of(dst.writeProtected() ? ScsiError.WRITE_PROTECTED
                        : ScsiError.COPY_TARGET_DEVICE_NOT_REACHABLE);
            }
            jobs.add(new Job(src, dst, s.srcLba(), s.dstLba(), s.blocks()));
        }
        new CopyRun(t, list, jobs).next();
    }

    private static void checkCopyRange(VirtualDevice d, long lba, long blocks) throws ScsiException {
        long cap = d.capacityBlocks();
        if (lba < 0 || lba > cap || blocks > cap - lba) {
            throw ScsiException.of(ScsiError.COPY_ABORTED_RANGE);
        }
    }

    /** The vdisk an identification descriptor names, if this nexus's initiator can see it. */
    private VirtualDevice resolve(ItlNexus me, CopyParameterList.Target tgt) throws ScsiException {
        if (tgt.peripheralType() != 0) {
            throw ScsiException.of(ScsiError.COPY_TARGET_DEVICE_NOT_REACHABLE);
        }
        for (VirtualDevice d : ctx.devices().all()) {
            for (byte[] desig : InquiryHandler.luDesignators(d)) {
                if (tgt.matches(desig) && visible(me, d)) {
                    if (tgt.blockLength() != 0 && tgt.blockLength() != d.blockSize()) {
                        throw ScsiException.invalidParameter(CopyParameterList.HEADER + 29, -1);
                    }
                    return d;
                }
            }
        }
        throw ScsiException.of(ScsiError.COPY_TARGET_DEVICE_NOT_REACHABLE);
    }

    private static boolean visible(ItlNexus me, VirtualDevice d) {
        for (ItlNexus n : d.nexuses()) {
            if (n.owner() == me.owner()) {
                return true;
            }
        }
        return false;
    }

    /** Moves the segments one chunk at a time; inline completions loop instead of recursing. */
    private final class CopyRun {
        private final Task task;
        private final CopyParameterList list;
        private final List<Job> jobs;
        private final AtomicInteger wip = new AtomicInteger();
        private final ByteBuffer buffer;
        private int job;
        private long done;
        private boolean readPending = true;
        private int chunkBlocks;
        private long kib;
        private volatile int error;
        private boolean finished;

        CopyRun(Task task, CopyParameterList list, List<Job> jobs) {
            this.task = task;
            this.list = list;
            this.jobs = jobs;
            this.buffer = ctx.buffers().get(CHUNK);
        }

        void next() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                step();
            } while (wip.decrementAndGet() != 0);
        }

        private void step() {
            if (finished) {
                return;
            }
            if (error != 0) {
                finish();
                return;
            }
            while (job < jobs.size() && done >= jobs.get(job).blocks()) {
                job++;
                done = 0;
            }
            if (job >= jobs.size()) {
                finish();
                return;
            }
            Job j = jobs.get(job);
            int bs = j.src().blockSize();
            boolean backwards = j.src() == j.dst() && j.dstLba() > j.srcLba() && j.dstLba() < j.srcLba() + j.blocks();
            if (readPending) {
                chunkBlocks = (int) Math.min(CHUNK / bs, j.blocks() - done);
                long first = backwards ? j.blocks() - done - chunkBlocks : done;
                ByteBuffer b = buffer.duplicate();
                b.clear().limit(chunkBlocks * bs);
                j.src().submit(Bio.read(j.src().sectorOf(j.srcLba() + first), new ByteBuffer[] {b}, 0,
                        (bio, errno) -> io(errno)));
            } else {
                long first = backwards ? j.blocks() - done - chunkBlocks : done;
                ByteBuffer b = buffer.duplicate();
                b.clear().limit(chunkBlocks * bs);
                int flags = j.dst().writeThrough() ? Bio.FUA : 0;
                j.dst().submit(Bio.write(j.dst().sectorOf(j.dstLba() + first), new ByteBuffer[] {b}, flags,
                        (bio, errno) -> io(errno)));
            }
        }

        private void io(int errno) {
            if (errno != 0) {
                error = errno;
            } else if (readPending) {
                readPending = false;
            } else {
                readPending = true;
                Job j = jobs.get(job);
                done += chunkBlocks;
                kib += ((long) chunkBlocks * j.src().blockSize()) >> 10;
            }
            next();
        }

        private void finish() {
            finished = true;
            ctx.buffers().release(new ByteBuffer[] {buffer});
            int segmentsDone = error == 0 ? jobs.size() : job;
            if (list.listIdUsage() != CopyParameterList.LIST_ID_UNUSED) {
                task.nexus().copyResults().put(list.listId(),
                        new long[] {error == 0 ? STATUS_OK : STATUS_ERROR, segmentsDone, kib});
            }
            if (error != 0) {
                task.fail(readPending ? ScsiError.COPY_READ_ERROR : ScsiError.COPY_WRITE_ERROR);
            } else {
                task.good();
            }
        }
    }
}
