package io.scstdrbd.fuse.transport;

import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.libc.LibC;
import io.scstdrbd.kernel.libc.Native;
import io.scstdrbd.kernel.libc.NativeMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FUSE mount made directly with mount(2) on an open {@code /dev/fuse}: no libfuse, no
 * fusermount. Creates the mount point if needed, clears a stale mount left by a killed daemon,
 * and hands out the mount's descriptor plus clones (one per reader thread).
 *
 * <p>Threading: mount/clone/close on the lifecycle thread; {@link #unmount} from any thread.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FuseMount.class);
    /** Shown as the source in /proc/mounts and by df. */
    public static final String FSNAME = "scst-drbd";
    /** Shown as the type suffix: fuse.scst-drbd. */
    public static final String SUBTYPE = "scst-drbd";
    private static final String DEV_FUSE = "/dev/fuse";

    private final String target;
    private final DevFuseChannel primary;
    private final List<DevFuseChannel> clones = new ArrayList<>();

    private FuseMount(String target, DevFuseChannel primary) {
        this.target = target;
        this.primary = primary;
    }

    /**
     * Mounts a FUSE file system at {@code mountPoint}. Failures name the cause in one line
     * (not root, no /dev/fuse, mount point unusable, another daemon already mounted there).
     */
    public static FuseMount mount(Path mountPoint) throws KernelException {
        String target = mountPoint.toAbsolutePath().normalize().toString();
        clearStaleMount(target);
        try {
            Files.createDirectories(Path.of(target));
        } catch (java.nio.file.FileSystemException e) {
            String why = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new KernelException(Errno.EIO, "cannot create mount point " + target + ": " + why
                    + (e.getFile() != null && !e.getFile().equals(target) ? " (" + e.getFile() + ")" : ""));
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "cannot create mount point " + target + ": " + e.getMessage());
        }
        if (!Files.isDirectory(Path.of(target))) {
            throw new KernelException(Errno.ENOTDIR, "mount point " + target + " is not a directory");
        }
        LibC libc = Native.libc();
        int fd = libc.open(DEV_FUSE, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int e = Native.errno();
            throw new KernelException(e == 0 ? Errno.EIO : e, switch (e) {
                case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> DEV_FUSE + " is missing (is the fuse module loaded? try: modprobe fuse)";
                case Errno.EACCES, Errno.EPERM -> "cannot open " + DEV_FUSE + ": permission denied (run the daemon as root)";
                default -> "cannot open " + DEV_FUSE + ": " + Errno.name(e);
            });
        }
        String data = "fd=" + fd + ",rootmode=40000,user_id=" + libc.geteuid() + ",group_id=0,allow_other,default_permissions";
        int rc = libc.mount(FSNAME, target, "fuse." + SUBTYPE, LibC.MS_NOSUID | LibC.MS_NODEV, data);
        int e = rc == 0 ? 0 : Native.errno();
        if (rc != 0 && e == Errno.ENODEV) {
            // kernels without subtype support in the type name take it as an option
            rc = libc.mount(FSNAME, target, "fuse", LibC.MS_NOSUID | LibC.MS_NODEV, data + ",subtype=" + SUBTYPE);
            e = rc == 0 ? 0 : Native.errno();
        }
        if (rc != 0) {
            libc.close(fd);
            throw new KernelException(e == 0 ? Errno.EIO : e, switch (e) {
                case Errno.EPERM, Errno.EACCES -> "mounting FUSE at " + target + " needs root (CAP_SYS_ADMIN)";
                case Errno.ENODEV -> "the kernel has no fuse file system (try: modprobe fuse)";
                case Errno.ENOENT, Errno.ENOTDIR -> "mount point " + target + " does not exist or is not a directory";
                default -> "mount of FUSE at " + target + " failed: " + Errno.name(e);
            });
        }
        LOG.info("FUSE mounted at {} (fd {})", target, fd);
        return new FuseMount(target, new DevFuseChannel(fd, "fuse-main"));
    }

    /**
     * Detaches a dead FUSE mount at {@code target} (its daemon was killed: every access fails
     * with ENOTCONN). Refuses, with EBUSY, to mount over a FUSE file system that still answers.
     */
    static void clearStaleMount(String target) throws KernelException {
        int rc = FuseSyscalls.Holder.LIBC.access(target, FuseSyscalls.F_OK);
        int e = rc == 0 ? 0 : FuseSyscalls.Holder.errno();
        if (e == Errno.ENOTCONN || e == Errno.ECONNABORTED) {
            if (Native.libc().umount2(target, LibC.MNT_DETACH) != 0) {
                int ue = Native.errno();
                throw new KernelException(ue == 0 ? Errno.EIO : ue, "cannot remove the stale FUSE mount at " + target
                        + ": " + Errno.name(ue));
            }
            LOG.warn("removed a stale FUSE mount at {} (left by a daemon that did not exit cleanly)", target);
            return;
        }
        if (rc == 0) {
            var m = MountTable.read().at(target);
            if (m.isPresent() && m.get().isFuse()) {
                throw new KernelException(Errno.EBUSY, target + " is already a mounted FUSE file system ("
                        + m.get().fsType() + "); is another scst-drbd running there?");
            }
        }
    }

    /** The mount's own descriptor. */
    public FuseChannel primary() {
        return primary;
    }

    /** A new descriptor on the same connection (FUSE_DEV_IOC_CLONE); the kernel spreads requests over all. */
    public synchronized FuseChannel cloneChannel() throws KernelException {
        LibC libc = Native.libc();
        int fd = libc.open(DEV_FUSE, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int e = Native.errno();
            throw new KernelException(e == 0 ? Errno.EIO : e, "cannot open " + DEV_FUSE + " for a reader: " + Errno.name(e));
        }
        ByteBuffer arg = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        arg.putInt(0, primary.fd());
        if (libc.ioctl(fd, Fuse.DEV_IOC_CLONE, NativeMemory.address(arg)) != 0) {
            int e = Native.errno();
            libc.close(fd);
            throw new KernelException(e == 0 ? Errno.EIO : e, "FUSE_DEV_IOC_CLONE failed: " + Errno.name(e));
        }
        DevFuseChannel c = new DevFuseChannel(fd, "fuse-clone" + (clones.size() + 1));
        clones.add(c);
        return c;
    }

    public String target() {
        return target;
    }

    /**
     * umount2(target, 0): returns 0 once the file system is gone (also when it already was), or
     * the errno, EBUSY while a process, a loop device or a mount still holds something in it.
     */
    public int unmount() {
        if (Native.libc().umount2(target, 0) == 0) {
            LOG.info("FUSE unmounted from {}", target);
            return 0;
        }
        int e = Native.errno();
        return e == Errno.EINVAL || e == Errno.ENOENT ? 0 : (e == 0 ? Errno.EIO : e);
    }

    /** Lazy unmount (MNT_DETACH), the last resort when the daemon must go without a clean unmount. */
    public int detach() {
        return Native.libc().umount2(target, LibC.MNT_DETACH) == 0 ? 0 : Native.errno();
    }

    /** True while /proc/self/mountinfo lists a FUSE mount at the target. */
    public boolean isMounted() {
        return MountTable.read().at(target).map(MountTable.Mount::isFuse).orElse(false);
    }

    /** Closes every descriptor (call after the readers have stopped). */
    @Override
    public synchronized void close() {
        for (DevFuseChannel c : clones) {
            c.close();
        }
        clones.clear();
        primary.close();
    }
}
