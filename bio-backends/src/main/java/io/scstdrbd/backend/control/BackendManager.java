package io.scstdrbd.backend.control;

import io.scstdrbd.backend.adapter.HandlerBlockDevice;
import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.backend.spi.BackendHandler;
import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.module.KernelModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the backend devices (the original's libtcmur): opens handlers' storage, registers each as
 * a block device, and removes them again. Publishes the {@code dev/tcmur} control node and a
 * {@code sys/module/SUBTYPE} directory per handler. Thread-safe (management operations are
 * serialised on this object).
 */
public final class BackendManager implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(BackendManager.class);
    public static final String CONTROL_NODE = "dev/tcmur";

    private final Kernel kernel;
    private final Map<String, BackendHandler> handlers = new LinkedHashMap<>();
    private final Map<String, Entry> backends = new LinkedHashMap<>();
    private final Runnable shutdownRequest;

    /** One backend: its spec and the block device wrapping it. */
    public record Entry(BackendSpec spec, HandlerBlockDevice device) {
    }

    /**
     * @param handlers        the available handlers, by subtype
     * @param shutdownRequest what the control node's {@code exit} command runs (may be null)
     */
    public BackendManager(Kernel kernel, List<BackendHandler> handlers, Runnable shutdownRequest) {
        this.kernel = kernel;
        for (BackendHandler h : handlers) {
            this.handlers.put(h.subtype(), h);
        }
        this.shutdownRequest = shutdownRequest;
    }

    /** The handlers found on the class path with {@link ServiceLoader}. */
    public static List<BackendHandler> installedHandlers() {
        List<BackendHandler> l = new ArrayList<>();
        ServiceLoader.load(BackendHandler.class, BackendManager.class.getClassLoader()).forEach(l::add);
        return l;
    }

    @Override
    public String name() {
        return "tcmur";
    }

    @Override
    public void init() throws KernelException {
        kernel.params().addModule("tcmur");
        for (String subtype : handlers.keySet()) {
            kernel.params().addModule(subtype);
        }
        kernel.procfs().register(CONTROL_NODE, new TcmurControlNode(this));
    }

    @Override
    public void exit() {
        kernel.procfs().unregister(CONTROL_NODE);
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(backends.keySet());
        }
        for (String n : names) {
            try {
                remove(n);
            } catch (KernelException e) {
                LOG.error("backend {} not removed at exit: {}", n, e.toString());
            }
        }
        kernel.params().removeModule("tcmur");
        for (String subtype : handlers.keySet()) {
            kernel.params().removeModule(subtype);
        }
    }

    public Optional<BackendHandler> handler(String subtype) {
        return Optional.ofNullable(handlers.get(subtype));
    }

    public List<BackendHandler> handlers() {
        return new ArrayList<>(handlers.values());
    }

    /** Validates a spec without touching anything (for start-up checks before mounting). */
    public void check(BackendSpec spec) throws KernelException {
        BackendHandler h = handlers.get(spec.subtype());
        if (h == null) {
            throw new KernelException(Errno.ENXIO, "no backend handler for subtype '" + spec.subtype()
                    + "' (available: " + String.join(", ", handlers.keySet()) + ")");
        }
        h.checkConfig(spec.config(), spec.sizeBytes());
    }

    /** Opens the storage and registers the block device; EEXIST if the name is taken. */
    public synchronized HandlerBlockDevice add(BackendSpec spec) throws KernelException {
        if (backends.containsKey(spec.name()) || kernel.devices().lookup(spec.name()).isPresent()) {
            throw new KernelException(Errno.EEXIST, "device " + spec.name() + " already exists");
        }
        for (Entry e : backends.values()) {
            if (!spec.config().equals("@") && e.spec().subtype().equals(spec.subtype())
                    && e.spec().config().equals(spec.config())) {
                throw new KernelException(Errno.EBUSY,
                        spec.config() + " already backs device " + e.spec().name());
            }
        }
        check(spec);
        BackendDevice backend = handlers.get(spec.subtype()).open(spec.config(), spec.sizeBytes());
        HandlerBlockDevice dev = new HandlerBlockDevice(spec.name(), spec.subtype(), backend);
        try {
            kernel.devices().register(dev);
        } catch (KernelException e) {
            dev.close();
            throw e;
        }
        backends.put(spec.name(), new Entry(spec, dev));
        LOG.info("backend {} added: {} ({} bytes)", spec.name(), backend.describe(), backend.size());
        return dev;
    }

    /** Unregisters and closes a backend; EBUSY while anybody holds it open, ENODEV if unknown. */
    public synchronized void remove(String name) throws KernelException {
        Entry e = backends.get(name);
        if (e == null) {
            throw new KernelException(Errno.ENODEV, "no backend device " + name);
        }
        kernel.devices().unregister(name);
        backends.remove(name);
        e.device().close();
        LOG.info("backend {} removed", name);
    }

    public synchronized List<Entry> list() {
        return new ArrayList<>(backends.values());
    }

    /** True if any backend uses {@code subtype}. */
    public synchronized boolean inUse(String subtype) {
        return backends.values().stream().anyMatch(e -> e.spec().subtype().equals(subtype));
    }

    Kernel kernel() {
        return kernel;
    }

    void requestShutdown() throws KernelException {
        if (shutdownRequest == null) {
            throw new KernelException(Errno.EPERM, "exit is not available");
        }
        shutdownRequest.run();
    }
}
