package io.scstdrbd.fuse.protocol;

/**
 * Constants of the FUSE kernel protocol (linux/fuse.h, fcntl.h, stat.h facts). Flag values are
 * bit positions defined by the kernel ABI; names follow the header so they can be looked up.
 */
public final class Fuse {
    private Fuse() {
    }

    public static final int KERNEL_VERSION = 7;
    /** The minor version this server speaks: 7.31 keeps the struct sizes used here. */
    public static final int KERNEL_MINOR_VERSION = 31;
    public static final long ROOT_ID = 1;
    /** read(2) on /dev/fuse needs at least this much room. */
    public static final int MIN_READ_BUFFER = 8192;

    // fuse_init_in/out.flags
    public static final int ASYNC_READ = 1;
    public static final int POSIX_LOCKS = 1 << 1;
    public static final int ATOMIC_O_TRUNC = 1 << 3;
    public static final int EXPORT_SUPPORT = 1 << 4;
    public static final int BIG_WRITES = 1 << 5;
    public static final int DONT_MASK = 1 << 6;
    public static final int FLOCK_LOCKS = 1 << 10;
    public static final int AUTO_INVAL_DATA = 1 << 12;
    public static final int DO_READDIRPLUS = 1 << 13;
    public static final int ASYNC_DIO = 1 << 15;
    public static final int WRITEBACK_CACHE = 1 << 16;
    public static final int PARALLEL_DIROPS = 1 << 18;
    public static final int MAX_PAGES = 1 << 22;
    public static final int INIT_EXT = 1 << 30;

    // fuse_open_out.open_flags
    public static final int FOPEN_DIRECT_IO = 1;
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    public static final int FOPEN_STREAM = 1 << 4;
    public static final int FOPEN_NOFLUSH = 1 << 5;
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    // fuse_setattr_in.valid
    public static final int FATTR_MODE = 1;
    public static final int FATTR_UID = 1 << 1;
    public static final int FATTR_GID = 1 << 2;
    public static final int FATTR_SIZE = 1 << 3;
    public static final int FATTR_ATIME = 1 << 4;
    public static final int FATTR_MTIME = 1 << 5;
    public static final int FATTR_FH = 1 << 6;
    public static final int FATTR_ATIME_NOW = 1 << 7;
    public static final int FATTR_MTIME_NOW = 1 << 8;
    public static final int FATTR_LOCKOWNER = 1 << 9;
    public static final int FATTR_CTIME = 1 << 10;
    public static final int FATTR_KILL_SUIDGID = 1 << 11;

    // fuse_getattr_in.getattr_flags
    public static final int GETATTR_FH = 1;

    // fuse_fsync_in.fsync_flags
    public static final int FSYNC_FDATASYNC = 1;

    // notify codes (fuse_out_header.error of an unsolicited message with unique 0)
    public static final int NOTIFY_INVAL_INODE = 2;
    public static final int NOTIFY_INVAL_ENTRY = 3;
    public static final int NOTIFY_DELETE = 6;

    // fallocate(2) modes (linux/falloc.h)
    public static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int FALLOC_FL_PUNCH_HOLE = 2;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    // open(2) flags (asm-generic/fcntl.h)
    public static final int O_ACCMODE = 3;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_TRUNC = 01000;
    public static final int O_DSYNC = 010000;
    public static final int O_SYNC = 04010000;

    // st_mode file types and dirent types
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int DT_DIR = 4;
    public static final int DT_REG = 8;

    /** FUSE_DEV_IOC_CLONE = _IOR(229, 0, uint32_t): attach a new /dev/fuse fd to a mounted connection. */
    public static final long DEV_IOC_CLONE = 0x8004E500L;
}
