package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.fs.TreeNotifications;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.NotifyDelete;
import io.scstdrbd.fuse.protocol.NotifyInvalEntry;
import io.scstdrbd.fuse.protocol.NotifyInvalInode;
import io.scstdrbd.fuse.protocol.OutHeader;
import io.scstdrbd.fuse.transport.FuseChannel;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends FUSE notifications (unique 0, error = notify code) on an ordered executor, never on the
 * caller's thread: processing a notification makes the kernel take directory locks that a
 * request in flight may hold until a reader answers it. Dropped until the session is up and
 * after it ended. ENOENT from the kernel (nothing cached) is normal and ignored.
 */
public final class KernelNotifier implements TreeNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(KernelNotifier.class);

    private final Executor queue;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer[] parts = {buf};
    private volatile FuseChannel channel;

    public KernelNotifier(Executor orderedQueue) {
        this.queue = orderedQueue;
    }

    /** Starts sending on {@code ch} (after the INIT reply); null stops. */
    public void enable(FuseChannel ch) {
        this.channel = ch;
    }

    @Override
    public void entryDeleted(long parent, long child, String name) {
        if (parent == 0) {
            return;
        }
        submit(() -> {
            NotifyDelete n = new NotifyDelete(parent, child, name);
            send(Fuse.NOTIFY_DELETE, n.encode(buf, OutHeader.SIZE), "delete " + name);
        });
    }

    @Override
    public void entryChanged(long parent, String name) {
        if (parent == 0) {
            return;
        }
        submit(() -> {
            NotifyInvalEntry n = new NotifyInvalEntry(parent, 0, name);
            send(Fuse.NOTIFY_INVAL_ENTRY, n.encode(buf, OutHeader.SIZE), "inval entry " + name);
        });
    }

    @Override
    public void attributesChanged(long id) {
        submit(() -> {
            new NotifyInvalInode(id, -1, 0).encode(buf, OutHeader.SIZE);
            send(Fuse.NOTIFY_INVAL_INODE, NotifyInvalInode.SIZE, "inval inode " + id);
        });
    }

    private void submit(Runnable r) {
        if (channel == null) {
            return;
        }
        try {
            queue.execute(r);
        } catch (RuntimeException e) {
            LOG.debug("notification dropped: {}", e.toString());
        }
    }

    /** Runs on the ordered queue: one at a time, so the one buffer is enough. */
    private void send(int code, int bodyLen, String what) {
        FuseChannel ch = channel;
        if (ch == null) {
            return;
        }
        OutHeader.put(buf, 0, OutHeader.SIZE + bodyLen, code, 0);
        buf.limit(OutHeader.SIZE + bodyLen).position(0);
        int err = ch.write(parts, 1);
        buf.clear();
        if (err != 0 && err != Errno.ENOENT && err != Errno.ENODEV) {
            LOG.debug("FUSE notification {} not taken: {}", what, Errno.name(err));
        }
    }
}
