package io.scstdrbd.backend.spi;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.libc.LibC;
import io.scstdrbd.kernel.libc.Native;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/** File-descriptor helpers the handlers share: fallocate, block-device ioctls, mapping release. */
public final class NativeFiles {
    private static final sun.misc.Unsafe UNSAFE = loadUnsafe();

    private NativeFiles() {
    }

    private static sun.misc.Unsafe loadUnsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** fallocate(2); returns 0 or the errno. */
    public static int fallocate(int fd, int mode, long offset, long length) {
        int rc = Native.libc().fallocate(fd, mode, offset, length);
        return rc == 0 ? 0 : Native.errno();
    }

    /** Punches a hole (the range reads back as zeroes); returns 0 or the errno. */
    public static int punchHole(int fd, long offset, long length) {
        return fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length);
    }

    /** An ioctl whose argument is a {@code uint64_t[2]} range (BLKDISCARD, BLKZEROOUT). */
    public static int rangeIoctl(int fd, long request, long offset, long length) {
        ByteBuffer arg = ByteBuffer.allocateDirect(16).order(java.nio.ByteOrder.nativeOrder());
        arg.putLong(0, offset).putLong(8, length);
        int rc = Native.libc().ioctl(fd, request, io.scstdrbd.kernel.libc.NativeMemory.address(arg));
        return rc == 0 ? 0 : Native.errno();
    }

    /** Size of a block device in bytes (BLKGETSIZE64). */
    public static long blockDeviceSize(int fd) throws KernelException {
        ByteBuffer arg = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        int rc = Native.libc().ioctl(fd, LibC.BLKGETSIZE64, io.scstdrbd.kernel.libc.NativeMemory.address(arg));
        if (rc != 0) {
            throw new KernelException(Native.errno(), "BLKGETSIZE64 failed");
        }
        return arg.getLong(0);
    }

    /** Opens a file with open(2); KernelException with the errno on failure. */
    public static int open(String path, int flags, int mode) throws KernelException {
        int fd = Native.libc().open(path, flags | LibC.O_CLOEXEC, mode);
        if (fd < 0) {
            int e = Native.errno();
            throw new KernelException(e == 0 ? Errno.EIO : e, "cannot open " + path + ": " + Errno.name(e));
        }
        return fd;
    }

    public static void close(int fd) {
        if (fd >= 0) {
            Native.libc().close(fd);
        }
    }

    /**
     * Unmaps a mapped buffer now instead of at garbage collection, so a removed backend frees
     * its memory at once. The caller guarantees nobody touches the buffer afterwards.
     */
    public static void unmap(ByteBuffer mapped) {
        if (UNSAFE != null && mapped != null && mapped.isDirect()) {
            UNSAFE.invokeCleaner(mapped);
        }
    }
}
