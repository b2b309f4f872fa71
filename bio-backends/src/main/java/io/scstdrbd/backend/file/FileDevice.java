package io.scstdrbd.backend.file;

import io.scstdrbd.backend.spi.BackendCapability;
import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.backend.spi.NativeFiles;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.libc.LibC;
import io.scstdrbd.kernel.libc.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * Positional I/O on a file or block device. FUA writes go through a second channel opened
 * with O_DSYNC, so they are durable when they return without flushing everything else.
 */
final class FileDevice implements BackendDevice {
    private static final int THREADS = 4;

    private final String path;
    private final int fd;
    private final FileChannel channel;
    private final FileChannel dsyncChannel;
    private final long size;
    private final boolean blockDevice;

    private FileDevice(String path, int fd, FileChannel channel, FileChannel dsync, long size, boolean blockDevice) {
        this.path = path;
        this.fd = fd;
        this.channel = channel;
        this.dsyncChannel = dsync;
        this.size = size;
        this.blockDevice = blockDevice;
    }

    static FileDevice open(String path, long requested) throws KernelException {
        int fd = NativeFiles.open(path, LibC.O_RDWR | LibC.O_CREAT, 0600);
        FileChannel ch = null;
        FileChannel ds = null;
        try {
            Path p = Path.of("/proc/self/fd/" + fd);
            boolean blk = !Files.isRegularFile(Path.of(path));
            long size;
            if (blk) {
                size = NativeFiles.blockDeviceSize(fd);
                if (requested > 0 && requested < size) {
                    size = requested;
                }
            } else {
                long len = Files.size(p);
                size = requested > 0 ? requested : len - len % 512;
                if (len < size && Native.libc().ftruncate(fd, size) != 0) {
                    throw new KernelException(Native.errno(), "cannot size " + path + " to " + size);
                }
            }
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ds = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
            return new FileDevice(path, fd, ch, ds, size, blk);
        } catch (IOException e) {
            closeQuietly(ch);
            closeQuietly(ds);
            NativeFiles.close(fd);
            throw new KernelException(Errno.EIO, "cannot open " + path + ": " + e.getMessage(), e);
        } catch (KernelException | RuntimeException e) {
            closeQuietly(ch);
            closeQuietly(ds);
            NativeFiles.close(fd);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort on a failed open
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return 4096;
    }

    @Override
    public int threads() {
        return THREADS;
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return EnumSet.of(BackendCapability.FLUSH, BackendCapability.UNMAP, BackendCapability.WRITE_ZEROES);
    }

    @Override
    public void read(long offset, ByteBuffer[] dst) throws KernelException {
        long off = offset;
        for (ByteBuffer seg : dst) {
            ByteBuffer b = seg.duplicate();
            check(off, b.remaining());
            try {
                while (b.hasRemaining()) {
                    int n = channel.read(b, off);
                    if (n < 0) {
                        // a sparse tail past EOF reads as zeroes
                        while (b.hasRemaining()) {
                            b.put((byte) 0);
                            off++;
                        }
                        break;
                    }
                    off += n;
                }
            } catch (IOException e) {
                throw new KernelException(Errno.EIO, "read " + path + " at " + off + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void write(long offset, ByteBuffer[] src, boolean fua) throws KernelException {
        FileChannel ch = fua ? dsyncChannel : channel;
        long off = offset;
        for (ByteBuffer seg : src) {
            ByteBuffer b = seg.duplicate();
            check(off, b.remaining());
            try {
                while (b.hasRemaining()) {
                    off += ch.write(b, off);
                }
            } catch (IOException e) {
                throw new KernelException(Errno.EIO, "write " + path + " at " + off + ": " + e.getMessage(), e);
            }
        }
    }

    private void check(long off, long len) throws KernelException {
        if (off < 0 || off + len > size) {
            throw new KernelException(Errno.EIO, "I/O at " + off + "+" + len + " beyond end " + size);
        }
    }

    @Override
    public void flush() throws KernelException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "fdatasync " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void unmap(long offset, long length) throws KernelException {
        check(offset, length);
        int err = blockDevice ? NativeFiles.rangeIoctl(fd, LibC.BLKDISCARD, offset, length)
                : NativeFiles.punchHole(fd, offset, length);
        if (err != 0) {
            throw new KernelException(err, "discard on " + path + " failed");
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws KernelException {
        check(offset, length);
        int err = blockDevice ? NativeFiles.rangeIoctl(fd, LibC.BLKZEROOUT, offset, length)
                : NativeFiles.fallocate(fd, LibC.FALLOC_FL_ZERO_RANGE | LibC.FALLOC_FL_KEEP_SIZE, offset, length);
        if (err == 0) {
            return;
        }
        if (!blockDevice && NativeFiles.punchHole(fd, offset, length) == 0) {
            return;
        }
        ByteBuffer zeroes = ByteBuffer.allocateDirect((int) Math.min(length, 1 << 20));
        long off = offset;
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, zeroes.capacity());
            zeroes.clear().limit(n);
            write(off, new ByteBuffer[] {zeroes}, false);
            off += n;
            left -= n;
        }
    }

    @Override
    public String describe() {
        return "file " + path + (blockDevice ? " (block device)" : "");
    }

    @Override
    public void close() throws KernelException {
        try {
            flush();
        } finally {
            closeQuietly(dsyncChannel);
            closeQuietly(channel);
            NativeFiles.close(fd);
        }
    }
}
