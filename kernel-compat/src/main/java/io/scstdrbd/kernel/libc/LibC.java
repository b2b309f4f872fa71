package io.scstdrbd.kernel.libc;

import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the JDK does not offer (jnr-ffi binding). Buffers are passed as raw native
 * addresses ({@link NativeMemory#address}) so nothing is allocated per call; every call saves
 * errno, read it with {@link Native#errno()} right after a failure on the same thread.
 */
public interface LibC {
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;

    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    int MNT_FORCE = 1;
    int MNT_DETACH = 2;

    int FALLOC_FL_KEEP_SIZE = 1;
    int FALLOC_FL_PUNCH_HOLE = 2;
    int FALLOC_FL_ZERO_RANGE = 0x10;

    /** {@code _IO(0x12, 119)}: discard a byte range of a block device; arg = uint64_t[2]. */
    long BLKDISCARD = 0x1277;
    /** {@code _IO(0x12, 127)}: write zeroes to a byte range; arg = uint64_t[2]. */
    long BLKZEROOUT = 0x127f;
    /** {@code _IOR(0x12, 114, size_t)}: device size in bytes. */
    long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: logical sector size (int). */
    long BLKSSZGET = 0x1268;

    @SaveError
    int open(String path, int flags, int mode);

    @SaveError
    int close(int fd);

    @SaveError
    long read(int fd, long buf, long count);

    @SaveError
    long write(int fd, long buf, long count);

    @SaveError
    long writev(int fd, long iov, int iovcnt);

    @SaveError
    long pread(int fd, long buf, long count, long offset);

    @SaveError
    long pwrite(int fd, long buf, long count, long offset);

    @SaveError
    int mount(String source, String target, String fstype, long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    @SaveError
    int ioctl(int fd, long request, long arg);

    @SaveError
    int fallocate(int fd, int mode, long offset, long len);

    @SaveError
    int fdatasync(int fd);

    @SaveError
    int fsync(int fd);

    @SaveError
    int memfd_create(String name, int flags);

    @SaveError
    int ftruncate(int fd, long length);

    int getpid();

    int geteuid();

    String strerror(int errnum);
}
