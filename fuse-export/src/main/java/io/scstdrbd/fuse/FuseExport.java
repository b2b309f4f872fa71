package io.scstdrbd.fuse;

import io.scstdrbd.fuse.block.WriterGrace;
import io.scstdrbd.fuse.fs.DeviceNodeListener;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.NodeAttributes;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.server.Dispatcher;
import io.scstdrbd.fuse.server.FuseRequest;
import io.scstdrbd.fuse.server.FuseServer;
import io.scstdrbd.fuse.server.KernelNotifier;
import io.scstdrbd.fuse.transport.FuseChannel;
import io.scstdrbd.fuse.transport.FuseMount;
import io.scstdrbd.fuse.transport.LoopDevices;
import io.scstdrbd.fuse.transport.MountTable;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.libc.Native;
import io.scstdrbd.kernel.module.KernelModule;
import io.scstdrbd.kernel.workqueue.OrderedWorkQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the kernel registries as a FUSE file system at the FUSE root: {@code dev/NAME} for every
 * block device (read, written, fsync'ed and fallocate'd like the device), the proc nodes
 * ({@code proc/…}, {@code dev/tcmur}) and the module parameters ({@code sys/module/…}).
 *
 * <p>Start ({@link #init}): mounts (creating the mount point, clearing a stale mount), starts one
 * reader thread per {@code /dev/fuse} descriptor. Stop ({@link #exit}): unmounts; while a mount,
 * a loop device or a process still holds a node, says which and keeps serving, retrying every
 * second, so storage is never pulled from under a mounted file system; then joins the readers,
 * waits for in-flight requests, and closes every device handle and descriptor.
 *
 * <p>Threading: init and exit on the daemon's lifecycle thread (exit blocks until unmounted).
 */
public final class FuseExport implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(FuseExport.class);
    private static final long RETRY_MILLIS = 1000;
    private static final long REPEAT_REPORT_MILLIS = 30_000;

    private final Kernel kernel;
    private final Path mountPoint;
    private final int readers;
    private final AtomicReference<FuseState> state = new AtomicReference<>(FuseState.CREATED);
    private final Thread exitHook = new Thread(this::exitWithoutStop, "fuse-exit-hook");

    private FuseParams params;
    private HandleTable<OpenFile> files;
    private WriterGrace opens;
    private DeviceNodeListener listener;
    private OrderedWorkQueue notifyQueue;
    private KernelNotifier notifications;
    private FuseMount mount;
    private FuseServer server;

    /**
     * @param mountPoint the FUSE root (created if missing)
     * @param readers    reader threads, one per /dev/fuse descriptor (1..64)
     */
    public FuseExport(Kernel kernel, Path mountPoint, int readers) {
        if (readers < 1 || readers > 64) {
            throw new IllegalArgumentException("FUSE readers must be 1..64: " + readers);
        }
        this.kernel = kernel;
        this.mountPoint = mountPoint;
        this.readers = readers;
    }

    @Override
    public String name() {
        return "fuse";
    }

    public FuseState state() {
        return state.get();
    }

    private void moveTo(FuseState next) {
        FuseState cur = state.get();
        if (!cur.canMoveTo(next) || !state.compareAndSet(cur, next)) {
            throw new IllegalStateException("FUSE export cannot go from " + cur + " to " + next);
        }
    }

    @Override
    public void init() throws KernelException {
        params = FuseParams.register(kernel.params(), readers, FuseRequest.MAX_WRITE);
        try {
            start();
        } catch (KernelException | RuntimeException e) {
            if (mount != null) {
                mount.detach(); // mounted but not served: do not leave a dead mount behind
            }
            cleanUp();
            state.set(FuseState.STOPPED);
            throw e;
        }
        moveTo(FuseState.SERVING);
    }

    private void start() throws KernelException {
        FuseTree tree = new FuseTree(kernel.devices(), kernel.procfs());
        files = new HandleTable<>();
        opens = new WriterGrace(kernel.devices(), kernel.timers(), params::writerGraceMillis);
        notifyQueue = kernel.workQueues().createOrdered("fuse-notify");
        notifications = new KernelNotifier(notifyQueue);
        listener = new DeviceNodeListener(tree, notifications);
        kernel.devices().addListener(listener);
        NodeAttributes attrs = new NodeAttributes(Native.libc().geteuid(), 0, System.currentTimeMillis());
        Dispatcher dispatcher = new Dispatcher(tree, attrs, files, opens, params::attrTimeoutMillis);
        mount = FuseMount.mount(mountPoint);
        List<FuseChannel> channels = new ArrayList<>();
        channels.add(mount.primary());
        for (int i = 1; i < readers; i++) {
            try {
                channels.add(mount.cloneChannel());
            } catch (KernelException e) {
                // a kernel without FUSE_DEV_IOC_CLONE: fewer readers, still correct
                LOG.warn("FUSE reader {} of {} not started: {}", i + 1, readers, e.getMessage());
                break;
            }
        }
        dispatcher.onInit(() -> notifications.enable(mount.primary()));
        server = new FuseServer(dispatcher, Math.max(32, 8 * readers), this::disconnected);
        server.start(channels);
        Runtime.getRuntime().addShutdownHook(exitHook);
        LOG.info("FUSE tree at {}: {} reader threads", mount.target(), channels.size());
    }

    @Override
    public void exit() throws InterruptedException {
        if (state.get() != FuseState.SERVING) {
            cleanUp();
            return;
        }
        moveTo(FuseState.UNMOUNTING);
        unmountWhenReleased();
        if (!server.awaitReaders(10_000)) {
            LOG.error("FUSE reader threads still running after the unmount: {}", server.liveReaders());
        }
        if (!server.awaitIdle(30_000)) {
            LOG.error("{} FUSE requests still in flight after 30 s", server.inflight());
        }
        cleanUp();
        moveTo(FuseState.STOPPED);
    }

    /** umount2 until it succeeds; on EBUSY say who holds what, keep serving, try again every second. */
    private void unmountWhenReleased() throws InterruptedException {
        long lastReport = 0;
        String lastText = null;
        while (true) {
            int err = mount.unmount();
            if (err == 0) {
                return;
            }
            if (err != Errno.EBUSY) {
                LOG.error("unmount of {} failed ({}); detaching it", mount.target(), Errno.name(err));
                int d = mount.detach();
                if (d != 0) {
                    LOG.error("detaching {} failed too ({})", mount.target(), Errno.name(d));
                }
                return;
            }
            String text = String.join("; ", HolderReport.describe(mount.target(), files.values(), LoopDevices.list(),
                    MountTable.read()));
            long now = System.nanoTime();
            if (!text.equals(lastText) || now - lastReport > TimeUnit.MILLISECONDS.toNanos(REPEAT_REPORT_MILLIS)) {
                LOG.warn("cannot unmount {} yet: {}; still serving until it is released", mount.target(), text);
                lastReport = now;
                lastText = text;
            }
            Thread.sleep(RETRY_MILLIS);
        }
    }

    /** The kernel ended the FUSE connection; while serving, that means someone unmounted the tree. */
    private void disconnected() {
        if (state.get() == FuseState.SERVING) {
            LOG.warn("the FUSE tree at {} was unmounted from outside the daemon; device nodes are no longer "
                    + "visible there until the daemon is restarted", mountPoint);
        }
    }

    /**
     * Runs only if the JVM exits without {@link #exit} (a fatal error elsewhere): detaches the
     * mount, so no dead "Transport endpoint is not connected" mount point is left behind.
     */
    private void exitWithoutStop() {
        FuseMount m = mount;
        if (m != null && state.get() != FuseState.STOPPED) {
            m.detach();
        }
    }

    /** Releases everything init created (also after a failed init). Idempotent. */
    private void cleanUp() {
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already exiting, or the hook was never added
        }
        if (opens != null) {
            opens.cancelAll();
        }
        if (notifications != null) {
            notifications.enable(null);
        }
        if (files != null) {
            for (OpenFile f : files.clear()) {
                if (f instanceof OpenFile.BlockFile b) {
                    LOG.info("closing {} left open by {}", b.node().path(), b.handle().holder());
                    b.handle().close();
                }
            }
        }
        if (listener != null) {
            kernel.devices().removeListener(listener);
            listener = null;
        }
        if (notifyQueue != null) {
            notifyQueue.destroy();
            notifyQueue = null;
        }
        if (mount != null) {
            mount.close();
            mount = null;
        }
        FuseParams.unregister(kernel.params());
    }

    /** Requests in flight right now (diagnostics). */
    public int inflight() {
        return server == null ? 0 : server.inflight();
    }
}
