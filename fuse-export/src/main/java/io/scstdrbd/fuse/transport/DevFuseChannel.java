package io.scstdrbd.fuse.transport;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.libc.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@code /dev/fuse} descriptor: read(2) for requests, writev(2) for replies. The iovec array
 * lives in a per-thread direct buffer, so replies from any thread allocate nothing.
 */
final class DevFuseChannel implements FuseChannel {
    private static final int MAX_IOV = 8;
    private static final ThreadLocal<ByteBuffer> IOVECS = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(MAX_IOV * 16).order(ByteOrder.nativeOrder()));

    private final int fd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    DevFuseChannel(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    int fd() {
        return fd;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (closed.get()) {
            return -Errno.ENODEV;
        }
        long addr = BufferAddress.of(dst) + dst.position();
        long n = FuseSyscalls.Holder.LIBC.read(fd, addr, dst.remaining());
        if (n < 0) {
            int e = FuseSyscalls.Holder.errno();
            return -(e == 0 ? Errno.EIO : e);
        }
        return (int) n;
    }

    @Override
    public int write(ByteBuffer[] parts, int count) {
        if (count > MAX_IOV) {
            return Errno.EINVAL;
        }
        ByteBuffer iov = IOVECS.get();
        long total = 0;
        for (int i = 0; i < count; i++) {
            ByteBuffer p = parts[i];
            iov.putLong(i * 16, BufferAddress.of(p) + p.position());
            iov.putLong(i * 16 + 8, p.remaining());
            total += p.remaining();
        }
        long n = FuseSyscalls.Holder.LIBC.writev(fd, BufferAddress.of(iov), count);
        if (n < 0) {
            int e = FuseSyscalls.Holder.errno();
            return e == 0 ? Errno.EIO : e;
        }
        return n == total ? 0 : Errno.EIO;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.libc().close(fd);
        }
    }

    @Override
    public String toString() {
        return name + "(fd " + fd + ")";
    }
}
