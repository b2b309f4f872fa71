package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.errno.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FILEIO: a vdisk over a file or a real block device, with positional reads and writes on an
 * I/O executor (so the submitter never blocks). Fully provisioned: no discard.
 */
public final class FileStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);

    private final Path path;
    private final FileChannel channel;
    private final ExecutorService io;
    private final boolean readOnly;
    private volatile long size;

    /** Opens the file; it must exist (SCST does not create backing files). */
    public static FileStorage open(Path path, boolean readOnly, ExecutorService io) throws IOException {
        FileChannel ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new FileStorage(path, ch, readOnly, io);
    }

    private FileStorage(Path path, FileChannel channel, boolean readOnly, ExecutorService io) throws IOException {
        this.path = path;
        this.channel = channel;
        this.io = io;
        this.readOnly = readOnly;
        this.size = channel.size() & ~511L;
        if (size == 0) {
            // a block device reports size 0 through FileChannel.size(); seek to the end instead
            try (var raf = new java.io.RandomAccessFile(path.toFile(), "r")) {
                this.size = raf.length() & ~511L;
            }
        }
    }

    /** Re-reads the size (SCST {@code resync_size}); returns the new size in bytes. */
    public long resync() throws IOException {
        size = channel.size() & ~511L;
        return size;
    }

    @Override
    public long capacity() {
        return size;
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        EnumSet<DeviceCapability> c = EnumSet.of(DeviceCapability.FLUSH, DeviceCapability.FUA);
        if (readOnly) {
            c.add(DeviceCapability.READ_ONLY);
        }
        return c;
    }

    @Override
    public void submit(Bio bio) {
        try {
            io.execute(() -> bio.complete(execute(bio)));
        } catch (RejectedExecutionException e) {
            bio.complete(Errno.ENODEV);
        }
    }

    private int execute(Bio bio) {
        try {
            long pos = bio.offset();
            switch (bio.op()) {
                case READ:
                    if (pos + bio.size() > size) {
                        return Errno.EIO;
                    }
                    for (ByteBuffer seg : bio.segments()) {
                        ByteBuffer b = seg.duplicate();
                        while (b.hasRemaining()) {
                            int n = channel.read(b, pos);
                            if (n < 0) {
                                // a sparse tail past EOF reads as zeroes
                                while (b.hasRemaining()) {
                                    b.put((byte) 0);
                                }
                                break;
                            }
                            pos += n;
                        }
                        pos += 0;
                    }
                    return 0;
                case WRITE:
                    if (readOnly) {
                        return Errno.EROFS;
                    }
                    if (pos + bio.size() > size) {
                        return Errno.EIO;
                    }
                    if (bio.hasFlag(Bio.PREFLUSH)) {
                        channel.force(false);
                    }
                    for (ByteBuffer seg : bio.segments()) {
                        ByteBuffer b = seg.duplicate();
                        while (b.hasRemaining()) {
                            pos += channel.write(b, pos);
                        }
                    }
                    if (bio.hasFlag(Bio.FUA)) {
                        channel.force(false);
                    }
                    return 0;
                case FLUSH:
                    channel.force(false);
                    return 0;
                default:
                    return Errno.EOPNOTSUPP;
            }
        } catch (NoSuchFileException e) {
            return Errno.ENOENT;
        } catch (IOException e) {
            LOG.warn("{}: {} failed: {}", path, bio, e.toString());
            return Errno.EIO;
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", path, e.toString());
        }
    }
}
