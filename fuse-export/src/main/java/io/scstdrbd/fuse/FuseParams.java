package io.scstdrbd.fuse;

import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ModuleParam;
import io.scstdrbd.kernel.proc.ModuleParams;

/**
 * Module parameters of the FUSE tree, under {@code sys/module/fuse_tree/parameters/}:
 * <ul>
 * <li>{@code writer_grace_ms} (0..60000, default 2000, writable): how long a FUSE open for
 *     writing waits for the release of a previous FUSE writer before failing with EBUSY
 *     (0 = fail at once);</li>
 * <li>{@code attr_timeout_ms} (0..60000, default 1000, writable): how long the kernel may cache
 *     names and attributes of nodes;</li>
 * <li>{@code reader_threads}, {@code max_write} (read-only): what this run uses.</li>
 * </ul>
 * Values are read on every use, so writes take effect at once.
 */
public final class FuseParams {
    public static final String MODULE = "fuse_tree";

    private final ModuleParam writerGraceMs;
    private final ModuleParam attrTimeoutMs;

    private FuseParams(ModuleParam writerGraceMs, ModuleParam attrTimeoutMs) {
        this.writerGraceMs = writerGraceMs;
        this.attrTimeoutMs = attrTimeoutMs;
    }

    /** Publishes the parameters; undo with {@link #unregister}. */
    public static FuseParams register(ModuleParams params, int readers, int maxWrite) throws KernelException {
        params.addModule(MODULE);
        ModuleParam grace = params.add(MODULE, ModuleParam.ofLong("writer_grace_ms", 2000, 0, 60_000, true));
        ModuleParam attr = params.add(MODULE, ModuleParam.ofLong("attr_timeout_ms", 1000, 0, 60_000, true));
        params.add(MODULE, ModuleParam.ofLong("reader_threads", readers, readers, readers, false));
        params.add(MODULE, ModuleParam.ofLong("max_write", maxWrite, maxWrite, maxWrite, false));
        return new FuseParams(grace, attr);
    }

    public static void unregister(ModuleParams params) {
        params.removeModule(MODULE);
    }

    public long writerGraceMillis() {
        return writerGraceMs.longValue();
    }

    public long attrTimeoutMillis() {
        return attrTimeoutMs.longValue();
    }
}
