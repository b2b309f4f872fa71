package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;
import org.slf4j.LoggerFactory;

/** Bio submission for handlers: block addressing, range checks and errno-to-sense mapping. */
public final class MediumIo {
    private MediumIo() {
    }

    /** What to do once a bio succeeded; may throw to fail the task. */
    @FunctionalInterface
    public interface Then {
        void run() throws ScsiException;
    }

    /** LBA OUT OF RANGE unless {@code [lba, lba+blocks)} lies on the medium (LBAs are unsigned). */
    public static void checkRange(VirtualDevice dev, long lba, long blocks) throws ScsiException {
        long cap = dev.capacityBlocks();
        if (lba < 0 || blocks < 0 || lba > cap || blocks > cap - lba) {
            throw ScsiException.of(ScsiError.LBA_OUT_OF_RANGE);
        }
    }

    public static void read(Task t, long lba, ByteBuffer[] into, Then then) {
        submit(t, Bio.read(t.device().sectorOf(lba), into, 0, (bio, errno) -> done(t, errno, false, then)));
    }

    public static void write(Task t, long lba, ByteBuffer[] from, boolean fua, Then then) {
        int flags = fua || t.device().writeThrough() ? Bio.FUA : 0;
        submit(t, Bio.write(t.device().sectorOf(lba), from, flags, (bio, errno) -> done(t, errno, true, then)));
    }

    public static void flush(Task t, Then then) {
        submit(t, Bio.flush((bio, errno) -> done(t, errno, true, then)));
    }

    public static void discard(Task t, long lba, long blocks, Then then) {
        VirtualDevice d = t.device();
        submit(t, Bio.discard(d.sectorOf(lba), blocks << d.blockShift(), (bio, errno) -> done(t, errno, true, then)));
    }

    public static void writeZeroes(Task t, long lba, long blocks, Then then) {
        VirtualDevice d = t.device();
        int flags = t.device().writeThrough() ? Bio.FUA : 0;
        submit(t, Bio.writeZeroes(d.sectorOf(lba), blocks << d.blockShift(), flags,
                (bio, errno) -> done(t, errno, true, then)));
    }

    private static void submit(Task t, Bio bio) {
        t.device().submit(bio);
    }

    private static void done(Task t, int errno, boolean write, Then then) {
        if (errno != 0) {
            t.fail(errorFor(errno, write));
            return;
        }
        try {
            then.run();
        } catch (ScsiException e) {
            t.fail(e);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(MediumIo.class).error("{} failed after I/O", t, e);
            t.fail(ScsiError.INTERNAL_TARGET_FAILURE);
        }
    }

    /** The sense condition for a failed bio. */
    public static ScsiError errorFor(int errno, boolean write) {
        switch (errno) {
            case Errno.ENODEV:
            case Errno.ENOENT:
                return ScsiError.MEDIUM_NOT_PRESENT;
            case Errno.EROFS:
            case Errno.EBADF:
            case Errno.EACCES:
                return ScsiError.WRITE_PROTECTED;
            case Errno.EOPNOTSUPP:
                return ScsiError.INVALID_FIELD_IN_CDB;
            case Errno.ENOMEM:
            case Errno.EAGAIN:
                return ScsiError.LOGICAL_UNIT_NOT_READY;
            default:
                return write ? ScsiError.WRITE_ERROR : ScsiError.UNRECOVERED_READ_ERROR;
        }
    }
}
