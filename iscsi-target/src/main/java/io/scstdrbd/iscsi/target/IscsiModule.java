package io.scstdrbd.iscsi.target;

import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.IscsiNames;
import io.scstdrbd.iscsi.config.TargetConfig;
import io.scstdrbd.iscsi.conn.IscsiConnection;
import io.scstdrbd.iscsi.conn.PortalContext;
import io.scstdrbd.iscsi.session.SessionRegistry;
import io.scstdrbd.kernel.module.KernelModule;
import io.scstdrbd.scst.fabric.ScsiTargetCore;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iSCSI target (iSCSI-SCST's place in the original): a portal serving the configured targets
 * over the SCSI target core. Stopping it closes the login gate, answers new commands BUSY, lets
 * the commands in progress finish (bounded), then closes every session.
 *
 * <p>Threading: {@link #init} and {@link #exit} run on the daemon's lifecycle thread and block.
 */
public final class IscsiModule implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiModule.class);
    /** Prefix of the default target name; the node name follows the colon. */
    public static final String DEFAULT_IQN_PREFIX = "iqn.2024-01.io.scst-drbd:";
    private static final long DRAIN_MILLIS = 10_000;

    private final ScsiTargetCore core;
    private final IscsiConfig config;
    private final InetSocketAddress listen;
    private final int threads;
    private SessionRegistry sessions;
    private ExecutorService loginExecutor;
    private IscsiPortal portal;

    /**
     * @param threads event loop threads (0: one per CPU)
     */
    public IscsiModule(ScsiTargetCore core, IscsiConfig config, InetSocketAddress listen, int threads) {
        this.core = core;
        this.config = config;
        this.listen = listen;
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The default target name of a node: {@code iqn.2024-01.io.scst-drbd:<node>}. */
    public static String defaultTargetName(String nodeName) {
        return DEFAULT_IQN_PREFIX + IscsiNames.sanitize(nodeName);
    }

    @Override
    public String name() {
        return "iscsi-scst";
    }

    @Override
    public void init() throws Exception {
        sessions = new SessionRegistry();
        loginExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "iscsi-login");
            t.setDaemon(true);
            return t;
        });
        PortalContext ctx = new PortalContext(config, core, sessions, loginExecutor, new SecureRandom(), 30_000);
        portal = new IscsiPortal(ctx, listen, threads);
        try {
            portal.start();
        } catch (Exception e) {
            loginExecutor.shutdownNow();
            throw new IllegalStateException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        for (TargetConfig t : config.targets()) {
            LOG.info("iSCSI target {}{}: {} {}", t.name(), t.incoming().isEmpty() ? "" : " (CHAP)", t.settings(),
                    t.keys());
        }
        LOG.info("iSCSI portal {} ({}, {} event loop threads)", portal.localAddress(), portal.transport(), threads);
    }

    /** The bound portal address (useful when listening on port 0). */
    public InetSocketAddress localAddress() {
        return portal.localAddress();
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    @Override
    public void exit() {
        if (portal == null) {
            return;
        }
        sessions.closeLogins();
        portal.stopAccepting();
        for (IscsiConnection c : portal.connections()) {
            c.drain();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (System.nanoTime() < deadline && busy() > 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = busy();
        if (left > 0) {
            LOG.warn("{} iSCSI commands still in progress after {} ms; closing their sessions", left, DRAIN_MILLIS);
        }
        portal.close();
        loginExecutor.shutdownNow();
        portal = null;
        LOG.info("iSCSI target stopped");
    }

    private int busy() {
        int n = 0;
        for (IscsiConnection c : portal.connections()) {
            n += c.activeCommands();
        }
        return n;
    }
}
