package io.scstdrbd.kernel.module;

/**
 * A part of the daemon that starts and stops with it (the kernel's module_init / module_exit):
 * the backends, SCST, iSCSI, DRBD, the FUSE export. The daemon initialises modules in order and
 * exits them in reverse order.
 *
 * <p>Threading: both methods are called on the daemon's lifecycle thread, one module at a time;
 * they may block. {@link #exit} must release every thread and resource the module created.
 */
public interface KernelModule {
    String name();

    void init() throws Exception;

    void exit() throws Exception;
}
