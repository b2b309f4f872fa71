package io.scstdrbd.scst.testing;

import io.scstdrbd.scst.fabric.DataDirection;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.fabric.TaskAttribute;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A command of the in-process test fabric: delivers its data-out when asked (or holds it back
 * until {@link #release()} when built with {@code holdData}) and records the outcome.
 */
public final class TestCommand implements FabricCommand {
    private static final AtomicInteger TAGS = new AtomicInteger(0x100);

    private final long tag = TAGS.incrementAndGet();
    private final long lun;
    private final byte[] cdb;
    private final TaskAttribute attr;
    private final byte[] dataOut;
    private final long edtl;
    private final boolean holdData;
    public final CompletableFuture<Result> result = new CompletableFuture<>();
    private volatile DataOutCallback pending;
    private volatile long requested = -1;

    /** The outcome: status, sense, data-in as sent (truncated to the EDTL) and the residual base. */
    public record Result(boolean aborted, int status, byte[] sense, byte[] data, long transferLength) {
        public int senseKey() {
            return sense == null ? -1 : io.scstdrbd.scst.sense.SenseFormat.keyAscAscq(sense)[0];
        }

        public int ascq() {
            if (sense == null) {
                return -1;
            }
            int[] k = io.scstdrbd.scst.sense.SenseFormat.keyAscAscq(sense);
            return (k[1] << 8) | k[2];
        }
    }

    public TestCommand(long lun, byte[] cdb, TaskAttribute attr, byte[] dataOut, long edtl, boolean holdData) {
        this.lun = lun;
        byte[] c = new byte[Math.max(16, cdb.length)];
        System.arraycopy(cdb, 0, c, 0, cdb.length);
        this.cdb = c;
        this.attr = attr;
        this.dataOut = dataOut;
        this.edtl = edtl;
        this.holdData = holdData;
    }

    @Override
    public long tag() {
        return tag;
    }

    @Override
    public long lun() {
        return lun;
    }

    @Override
    public byte[] cdb() {
        return cdb;
    }

    @Override
    public TaskAttribute taskAttribute() {
        return attr;
    }

    @Override
    public DataDirection direction() {
        return dataOut != null ? DataDirection.WRITE : DataDirection.READ;
    }

    @Override
    public long expectedDataLength() {
        return edtl;
    }

    public long requestedDataOut() {
        return requested;
    }

    @Override
    public void receiveData(long length, DataOutCallback done) {
        requested = length;
        if (holdData) {
            pending = done;
            return;
        }
        deliver(length, done);
    }

    private void deliver(long length, DataOutCallback done) {
        if (dataOut == null || dataOut.length < length) {
            done.failed("test command has only " + (dataOut == null ? 0 : dataOut.length) + " bytes of data-out");
            return;
        }
        // split into two segments to exercise multi-segment handling
        int half = (int) (length / 2);
        ByteBuffer a = ByteBuffer.wrap(dataOut, 0, half).slice();
        ByteBuffer b = ByteBuffer.wrap(dataOut, half, (int) length - half).slice();
        done.received(new ByteBuffer[] {a, b});
    }

    /** Sends held-back data-out. */
    public void release() {
        DataOutCallback cb = pending;
        if (cb != null) {
            pending = null;
            deliver(requested, cb);
        }
    }

    @Override
    public void respond(ScsiResponse r) {
        long max = Math.min(r.dataLength(), edtl);
        byte[] d = new byte[(int) max];
        int off = 0;
        if (r.data() != null) {
            for (ByteBuffer b : r.data()) {
                int n = (int) Math.min(b.remaining(), max - off);
                b.get(b.position(), d, off, n);
                off += n;
            }
        }
        r.release().run();
        if (!result.complete(new Result(false, r.status(), r.sense(), d, r.residualBase()))) {
            throw new AssertionError("command completed twice");
        }
    }

    @Override
    public void aborted() {
        if (!result.complete(new Result(true, -1, null, null, 0))) {
            throw new AssertionError("command completed twice");
        }
    }
}
