package io.scstdrbd.kernel.proc;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Module parameters of the daemon's "modules" (drbd, scsi_tgt, iscsi_scst, tcmur), published
 * under {@code sys/module/MODULE/parameters/NAME} in the {@link ProcFs}.
 */
public final class ModuleParams {
    private final ProcFs procfs;
    private final Map<String, ModuleParam> params = new ConcurrentHashMap<>();

    public ModuleParams(ProcFs procfs) {
        this.procfs = procfs;
    }

    /** Publishes a parameter; returns it for the caller to keep and read. */
    public ModuleParam add(String module, ModuleParam p) throws KernelException {
        String key = module + "/" + p.name();
        if (params.putIfAbsent(key, p) != null) {
            throw new KernelException(Errno.EEXIST, "parameter " + key + " already exists");
        }
        procfs.register(path(module, p.name()), p);
        return p;
    }

    /** Creates {@code sys/module/MODULE} (so that a module without parameters still shows). */
    public void addModule(String module) throws KernelException {
        procfs.mkdir("sys/module/" + module);
    }

    public Optional<ModuleParam> get(String module, String name) {
        return Optional.ofNullable(params.get(module + "/" + name));
    }

    /** Removes a module's directory and parameters. */
    public void removeModule(String module) {
        params.keySet().removeIf(k -> k.startsWith(module + "/"));
        procfs.unregisterTree("sys/module/" + module);
    }

    static String path(String module, String name) {
        return "sys/module/" + module + "/parameters/" + name;
    }
}
