package io.scstdrbd.daemon;

import io.scstdrbd.backend.control.BackendManager;
import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.drbd.DrbdModule;
import io.scstdrbd.drbd.driver.EngineReplication;
import io.scstdrbd.drbd.transport.TransportGroup;
import io.scstdrbd.fuse.FuseExport;
import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.IscsiConfigParser;
import io.scstdrbd.iscsi.target.IscsiModule;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.module.KernelModule;
import io.scstdrbd.scst.ScstModule;
import io.scstdrbd.scst.ScstOptions;
import io.scstdrbd.scst.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One storage node: builds the kernel and the modules from the options, starts them in order,
 * and on SIGINT/SIGTERM stops them in reverse order. The only place where concrete modules are
 * wired together.
 */
final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final DaemonOptions opts;
    private final Kernel kernel;
    private final BackendManager backends;
    private final ScstModule scst;
    private final List<KernelModule> modules = new ArrayList<>();
    private final List<KernelModule> started = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final EngineReplication replication;

    Daemon(DaemonOptions opts) {
        this.opts = opts;
        this.kernel = new Kernel(opts.fuseRoot());
        this.backends = new BackendManager(kernel, BackendManager.installedHandlers(), this::requestStop);
        // init order; exit runs in reverse, so FUSE is unmounted before anything below it stops
        this.scst = new ScstModule(kernel, new ScstOptions(opts.scstConf() == null ? null : Path.of(opts.scstConf()),
                Path.of(opts.scstStateDir()), 4));
        modules.add(backends);
        // DRBD sits on the backends; SCSI (and FUSE) sit on DRBD
        replication = new EngineReplication(new TransportGroup(0, true), kernel.workQueues().pool(),
                EngineReplication.DEFAULT_MAX_PROTOCOL);
        DrbdModule drbd = new DrbdModule(kernel, opts.node(), replication);
        replication.protocolMin(() -> drbd.proc().protocolVersionMin());
        modules.add(drbd);
        modules.add(scst); // after the devices it opens; exits before them
        modules.add(new FuseExport(kernel, Path.of(opts.fuseRoot()), opts.fuseThreads()));
        // the portal opens last, when everything it serves is up, and exits first: no new logins,
        // drain, close the sessions, before the SCSI core and the devices go away
        modules.add(new IscsiModule(scst.core(), iscsiConfig(opts), opts.iscsiListen(), 0));
    }

    /** The iSCSI configuration: --iscsi-conf, else one target named after the node. */
    private static IscsiConfig iscsiConfig(DaemonOptions opts) {
        if (opts.iscsiConf() == null) {
            return IscsiConfig.singleTarget(IscsiModule.defaultTargetName(nodeName(opts)));
        }
        try {
            return IscsiConfigParser.parse(Path.of(opts.iscsiConf()));
        } catch (io.scstdrbd.iscsi.config.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e); // validate() has already read it
        }
    }

    /** --node, else the host name (as the kernel knows it: no name service lookup). */
    static String nodeName(DaemonOptions opts) {
        if (opts.node() != null) {
            return opts.node();
        }
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isEmpty() ? env : "localhost";
    }

    /** Checks that can fail without side effects (run before detaching or mounting). */
    static void validate(DaemonOptions opts) throws UsageException {
        BackendManager probe = new BackendManager(null, BackendManager.installedHandlers(), null);
        for (BackendSpec b : opts.backends()) {
            try {
                probe.check(b);
            } catch (io.scstdrbd.kernel.errno.KernelException e) {
                throw new UsageException("backend " + b.name() + ": " + e.getMessage());
            }
        }
        Path root = Path.of(opts.fuseRoot());
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new UsageException("--fuse-root: " + root + " exists and is not a directory");
        }
        for (String f : new String[] {opts.scstConf(), opts.iscsiConf()}) {
            if (f != null && !Files.isReadable(Path.of(f))) {
                throw new UsageException("cannot read configuration file " + f);
            }
        }
        if (opts.scstConf() != null) {
            try {
                ScstModule.check(Path.of(opts.scstConf()));
            } catch (ConfigException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (opts.iscsiConf() != null) {
            try {
                IscsiConfigParser.parse(Path.of(opts.iscsiConf()));
            } catch (io.scstdrbd.iscsi.config.ConfigException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }

    /** Runs until stopped; returns the exit status. */
    int run() {
        installSignalHandlers();
        try {
            for (KernelModule m : modules) {
                LOG.info("starting {}", m.name());
                m.init();
                started.add(m);
                if (m == backends) {
                    for (BackendSpec b : opts.backends()) {
                        backends.add(b);
                    }
                }
            }
        } catch (Exception e) {
            // one line, on stderr (the log file when detached); the stack only at DEBUG
            LOG.debug("start-up failed", e);
            System.err.println("scst-drbd: start-up failed: " + (e.getMessage() != null ? e.getMessage() : e));
            stopModules();
            replication.close();
            kernel.close();
            return 1;
        }
        writePidFile();
        LOG.info("scst-drbd {} ready: FUSE root {}, devices {}", Main.version(), opts.fuseRoot(),
                kernel.devices().list().stream().map(d -> d.name()).toList());
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("shutting down");
        stopModules();
        replication.close();
        kernel.close();
        removePidFile();
        reportLeakedThreads();
        LOG.info("scst-drbd stopped");
        return 0;
    }

    /** Every module joins its threads at exit; a non-daemon thread still alive here is a leak. */
    private static void reportLeakedThreads() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()
                    && !t.getName().equals("DestroyJavaVM")) {
                // Netty's global executor ends its thread about a second after its last task: wait for that
                if (t.getName().startsWith("globalEventExecutor")) {
                    try {
                        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (!t.isAlive()) {
                        continue;
                    }
                }
                LOG.warn("thread {} is still running at exit (leaked by a module)", t.getName());
            }
        }
    }

    void requestStop() {
        if (stopping.compareAndSet(false, true)) {
            stopRequested.countDown();
        } else {
            LOG.info("shutdown already in progress");
        }
    }

    private void stopModules() {
        for (int i = started.size() - 1; i >= 0; i--) {
            KernelModule m = started.get(i);
            try {
                LOG.info("stopping {}", m.name());
                m.exit();
            } catch (Exception e) {
                LOG.error("stopping {} failed", m.name(), e);
            }
        }
        started.clear();
    }

    @SuppressWarnings("sunapi")
    private void installSignalHandlers() {
        for (String sig : new String[] {"INT", "TERM"}) {
            sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                LOG.info("received SIG{}", s.getName());
                requestStop();
            });
            if (old == sun.misc.SignalHandler.SIG_IGN) {
                // a shell starting a background job makes it ignore SIGINT; the JVM keeps it ignored
                LOG.info("SIG{} is ignored (started in the background); stop the daemon with SIGTERM", sig);
            }
        }
    }

    private void writePidFile() {
        if (opts.pidFile() == null) {
            return;
        }
        try {
            Files.writeString(Path.of(opts.pidFile()), ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            LOG.warn("cannot write pid file {}: {}", opts.pidFile(), e.getMessage());
        }
    }

    private void removePidFile() {
        if (opts.pidFile() != null) {
            try {
                Files.deleteIfExists(Path.of(opts.pidFile()));
            } catch (IOException e) {
                LOG.warn("cannot remove pid file {}: {}", opts.pidFile(), e.getMessage());
            }
        }
    }
}
