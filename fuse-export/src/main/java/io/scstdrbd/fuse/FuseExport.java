package io.scstdrbd.fuse;

import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.module.KernelModule;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the kernel registries (block devices under dev/, proc nodes, module parameters) as a
 * FUSE file system at the FUSE root. PLACEHOLDER: the protocol implementation is being written.
 */
public final class FuseExport implements KernelModule {
    private static final Logger LOG = LoggerFactory.getLogger(FuseExport.class);
    private final Kernel kernel;
    private final Path mountPoint;
    private final int readers;

    public FuseExport(Kernel kernel, Path mountPoint, int readers) {
        this.kernel = kernel;
        this.mountPoint = mountPoint;
        this.readers = readers;
    }

    @Override
    public String name() {
        return "fuse";
    }

    @Override
    public void init() {
        LOG.warn("FUSE export not implemented yet; {} not mounted ({} readers, {} devices)", mountPoint, readers,
                kernel.devices().list().size());
    }

    @Override
    public void exit() {
    }
}
