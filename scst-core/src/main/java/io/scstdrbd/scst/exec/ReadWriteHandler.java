package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.cdb.ReadWriteCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.sense.SenseData;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;

/**
 * READ, WRITE, VERIFY, WRITE AND VERIFY, ORWRITE, COMPARE AND WRITE and WRITE ATOMIC.
 *
 * <p>READ data goes from the backend into pooled buffers that are handed to the transport; WRITE
 * data goes from the transport's buffers straight into the write bio. With an expected data
 * transfer length shorter than the CDB's, only the whole blocks covered by it are transferred
 * and the transport reports the overflow residual.
 */
public final class ReadWriteHandler implements Handler {
    private final BufferPool buffers;
    private final Limits limits;

    public ReadWriteHandler(BufferPool buffers, Limits limits) {
        this.buffers = buffers;
        this.limits = limits;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        if (c.protect() != 0) {
            throw ScsiException.invalidCdbField(1, 7);
        }
        long bytes = c.blocks() << dev.blockShift();
        switch (c.kind()) {
            case READ:
                checkTransfer(c, bytes);
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                read(task, c, bytes);
                break;
            case WRITE:
            case WRITE_AND_VERIFY:
                checkTransfer(c, bytes);
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                write(task, c, bytes);
                break;
            case WRITE_ATOMIC:
                if (bytes > limits.maxAtomicBytes()) {
                    throw ScsiException.invalidCdbField(12, -1);
                }
                if (task.expectedDataLength() < bytes) {
                    // an atomic write is all or nothing: no partial write of what the EDTL covers
                    throw ScsiException.invalidCdbField(12, -1);
                }
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                write(task, c, bytes);
                break;
            case VERIFY:
                if (c.bytchk() == 2) {
                    throw ScsiException.invalidCdbField(1, 2);
                }
                if (c.bytchk() != 0) {
                    checkTransfer(c, bytes);
                }
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                verify(task, c, bytes);
                break;
            case ORWRITE:
                checkTransfer(c, bytes);
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                orWrite(task, c, bytes);
                break;
            case COMPARE_AND_WRITE:
                if (c.blocks() > limits.maxCompareAndWriteBlocks()) {
                    throw ScsiException.invalidCdbField(13, -1);
                }
                if (task.expectedDataLength() != 2 * bytes) {
                    throw ScsiException.invalidCdbField(13, -1);
                }
                MediumIo.checkRange(dev, c.lba(), c.blocks());
                compareAndWrite(task, c, bytes);
                break;
            default:
                throw ScsiException.of(ScsiError.INVALID_COMMAND_OPERATION_CODE);
        }
    }

    private void checkTransfer(ReadWriteCdb c, long bytes) throws ScsiException {
        if (bytes > limits.maxTransferBytes()) {
            int off = c.opcode() == 0x08 || c.opcode() == 0x0a ? 4 : c.opcode() < 0x80 ? 7 : c.opcode() >= 0xa0 ? 6 : 10;
            throw ScsiException.invalidCdbField(off, -1);
        }
    }

    /** Whole blocks of the transfer that the initiator's expected length covers. */
    private static long coveredBytes(Task task, long bytes, int blockSize) {
        long edtl = task.expectedDataLength();
        if (edtl >= bytes) {
            return bytes;
        }
        return edtl - edtl % blockSize;
    }

    private void read(Task task, ReadWriteCdb c, long bytes) {
        VirtualDevice dev = task.device();
        long edtl = task.expectedDataLength();
        long sent = Math.min(bytes, Math.max(0, edtl));
        if (sent == 0) {
            task.complete(ScsiResponse.status(ScsiResponse.GOOD, null, bytes));
            return;
        }
        // read whole blocks covering what will be sent
        long readBytes = (sent + dev.blockSize() - 1) & -(long) dev.blockSize();
        ByteBuffer[] bufs = buffers.allocate(readBytes);
        MediumIo.read(task, c.lba(), bufs, () -> {
            ByteBuffer[] data = readBytes == sent ? bufs : Segments.slice(bufs, 0, sent);
            task.complete(ScsiResponse.good(data, buffers.releaser(bufs), bytes));
        });
    }

    private void write(Task task, ReadWriteCdb c, long bytes) {
        long recv = coveredBytes(task, bytes, task.device().blockSize());
        if (recv == 0) {
            task.complete(ScsiResponse.status(ScsiResponse.GOOD, null, bytes));
            return;
        }
        boolean fua = c.fua() || c.kind() == ReadWriteCdb.Kind.WRITE_AND_VERIFY;
        task.receiveData(recv, (t, data) -> MediumIo.write(t, c.lba(), data, fua,
                () -> t.complete(ScsiResponse.status(ScsiResponse.GOOD, null, bytes))));
    }

    private void verify(Task task, ReadWriteCdb c, long bytes) {
        if (c.blocks() == 0 || c.bytchk() == 0) {
            // medium verification: the medium is there and the range is valid
            task.complete(ScsiResponse.status(ScsiResponse.GOOD, null, 0));
            return;
        }
        int bs = task.device().blockSize();
        long expected = c.bytchk() == 3 ? bs : bytes;
        if (task.expectedDataLength() < expected) {
            task.fail(SenseData.cdbField(1, 2));
            return;
        }
        task.receiveData(expected, (t, data) -> {
            ByteBuffer[] medium = buffers.allocate(bytes);
            MediumIo.read(t, c.lba(), medium, () -> {
                try {
                    long miss = -1;
                    if (c.bytchk() == 3) {
                        for (long off = 0; off < bytes && miss < 0; off += bs) {
                            long m = Segments.mismatch(data, medium, off, bs);
                            miss = m < 0 ? -1 : off + m;
                        }
                    } else {
                        miss = Segments.mismatch(data, medium, 0, bytes);
                    }
                    if (miss >= 0) {
                        t.fail(SenseData.withInformation(ScsiError.MISCOMPARE_DURING_VERIFY, miss));
                    } else {
                        t.complete(ScsiResponse.status(ScsiResponse.GOOD, null, expected));
                    }
                } finally {
                    buffers.release(medium);
                }
            });
        });
    }

    private void orWrite(Task task, ReadWriteCdb c, long bytes) {
        long recv = coveredBytes(task, bytes, task.device().blockSize());
        if (recv == 0) {
            task.complete(ScsiResponse.status(ScsiResponse.GOOD, null, bytes));
            return;
        }
        long blocks = recv >> task.device().blockShift();
        task.receiveData(recv, (t, data) -> {
            ByteBuffer[] medium = buffers.allocate(recv);
            MediumIo.read(t, c.lba(), medium, () -> {
                Segments.or(medium, data);
                MediumIo.write(t, c.lba(), medium, c.fua(), () -> {
                    buffers.release(medium);
                    t.complete(ScsiResponse.status(ScsiResponse.GOOD, null, blocks << t.device().blockShift()));
                });
            });
        });
    }

    private void compareAndWrite(Task task, ReadWriteCdb c, long bytes) {
        if (bytes == 0) {
            task.good();
            return;
        }
        task.receiveData(2 * bytes, (t, data) -> {
            ByteBuffer[] medium = buffers.allocate(bytes);
            MediumIo.read(t, c.lba(), medium, () -> {
                long miss = Segments.mismatch(data, medium, 0, bytes);
                buffers.release(medium);
                if (miss >= 0) {
                    t.fail(SenseData.withInformation(ScsiError.MISCOMPARE_DURING_VERIFY, miss));
                    return;
                }
                MediumIo.write(t, c.lba(), Segments.slice(data, bytes, bytes), c.fua(),
                        () -> t.complete(ScsiResponse.status(ScsiResponse.GOOD, null, 2 * bytes)));
            });
        });
    }
}
