package io.scstdrbd.backend.ram;

import io.scstdrbd.backend.spi.BackendCapability;
import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.backend.spi.NativeFiles;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.libc.LibC;
import io.scstdrbd.kernel.libc.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A mapped RAM disk. The mapping is cut into 1 GiB chunks (one MappedByteBuffer cannot exceed
 * 2 GiB); I/O that crosses a chunk boundary is split. Chunks written since the last flush are
 * remembered so a flush msyncs only those.
 */
final class RamDevice implements BackendDevice {
    private static final int CHUNK_SHIFT = 30;
    private static final long CHUNK = 1L << CHUNK_SHIFT;
    private static final int MFD_CLOEXEC = 1;

    private final String description;
    private final int fd;
    private final FileChannel channel;
    private final MappedByteBuffer[] chunks;
    private final AtomicIntegerArray dirty;
    private final long size;
    private final boolean persistent;

    private RamDevice(String description, int fd, long size, boolean persistent) throws KernelException {
        this.description = description;
        this.fd = fd;
        this.size = size;
        this.persistent = persistent;
        try {
            // map through /proc/self/fd so one open file backs both the mapping and fallocate
            this.channel = FileChannel.open(Path.of("/proc/self/fd/" + fd),
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            int n = (int) ((size + CHUNK - 1) >>> CHUNK_SHIFT);
            chunks = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << CHUNK_SHIFT;
                chunks[i] = channel.map(FileChannel.MapMode.READ_WRITE, start, Math.min(CHUNK, size - start));
            }
            dirty = new AtomicIntegerArray(n);
        } catch (IOException e) {
            NativeFiles.close(fd);
            throw new KernelException(Errno.EIO, "cannot map " + description + ": " + e.getMessage(), e);
        }
    }

    static RamDevice mapFile(String path, long requested) throws KernelException {
        int fd = NativeFiles.open(path, LibC.O_RDWR | LibC.O_CREAT, 0600);
        try {
            long len = fileSize(fd);
            long size = requested > 0 ? requested : len - len % RamHandler.BLOCK;
            if (len < size && Native.libc().ftruncate(fd, size) != 0) {
                throw new KernelException(Native.errno(), "cannot size " + path + " to " + size);
            }
            return new RamDevice("ram " + path + " (mmap)", fd, size, true);
        } catch (KernelException | RuntimeException e) {
            NativeFiles.close(fd);
            throw e;
        }
    }

    static RamDevice anonymous(long size) throws KernelException {
        int fd = Native.libc().memfd_create("scst-drbd-ram", MFD_CLOEXEC);
        if (fd < 0) {
            throw new KernelException(Native.errno(), "memfd_create failed");
        }
        if (Native.libc().ftruncate(fd, size) != 0) {
            int e = Native.errno();
            NativeFiles.close(fd);
            throw new KernelException(e, "cannot size anonymous ram disk to " + size);
        }
        return new RamDevice("ram @ (anonymous memory)", fd, size, false);
    }

    /** Size of an open file, via its /proc/self/fd link. */
    private static long fileSize(int fd) {
        try {
            return Files.size(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return RamHandler.BLOCK;
    }

    @Override
    public Set<BackendCapability> capabilities() {
        EnumSet<BackendCapability> caps = EnumSet.of(BackendCapability.NONBLOCKING, BackendCapability.UNMAP,
                BackendCapability.UNMAP_ZEROES, BackendCapability.WRITE_ZEROES);
        if (persistent) {
            caps.add(BackendCapability.FLUSH);
        }
        return caps;
    }

    @Override
    public void read(long offset, ByteBuffer[] dst) throws KernelException {
        long off = offset;
        for (ByteBuffer seg : dst) {
            int pos = seg.position();
            int left = seg.remaining();
            checkRange(off, left);
            while (left > 0) {
                int ci = (int) (off >>> CHUNK_SHIFT);
                int co = (int) (off & (CHUNK - 1));
                int n = (int) Math.min(left, chunks[ci].capacity() - co);
                seg.put(pos, chunks[ci], co, n);
                pos += n;
                off += n;
                left -= n;
            }
        }
    }

    @Override
    public void write(long offset, ByteBuffer[] src, boolean fua) throws KernelException {
        long off = offset;
        for (ByteBuffer seg : src) {
            int pos = seg.position();
            int left = seg.remaining();
            checkRange(off, left);
            while (left > 0) {
                int ci = (int) (off >>> CHUNK_SHIFT);
                int co = (int) (off & (CHUNK - 1));
                int n = (int) Math.min(left, chunks[ci].capacity() - co);
                chunks[ci].put(co, seg, pos, n);
                if (persistent) {
                    if (fua) {
                        chunks[ci].force(co, n);
                    } else {
                        dirty.set(ci, 1);
                    }
                }
                pos += n;
                off += n;
                left -= n;
            }
        }
    }

    private void checkRange(long off, long len) throws KernelException {
        if (off < 0 || len < 0 || off + len > size) {
            throw new KernelException(Errno.EIO, "I/O at " + off + "+" + len + " beyond end " + size);
        }
    }

    @Override
    public void flush() {
        if (!persistent) {
            return;
        }
        for (int i = 0; i < chunks.length; i++) {
            if (dirty.getAndSet(i, 0) != 0) {
                chunks[i].force();
            }
        }
    }

    @Override
    public void unmap(long offset, long length) throws KernelException {
        writeZeroes(offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length) throws KernelException {
        checkRange(offset, length);
        // a punched hole reads back as zeroes through the shared mapping and frees the memory
        int err = NativeFiles.punchHole(fd, offset, length);
        if (err == 0) {
            return;
        }
        ByteBuffer zeroes = ByteBuffer.allocateDirect((int) Math.min(length, 1 << 20));
        long off = offset;
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, zeroes.capacity());
            zeroes.limit(n);
            write(off, new ByteBuffer[] {zeroes}, false);
            off += n;
            left -= n;
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws KernelException {
        try {
            flush();
        } finally {
            for (MappedByteBuffer m : chunks) {
                NativeFiles.unmap(m);
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // the fd below is what matters
            }
            NativeFiles.close(fd);
        }
    }
}
