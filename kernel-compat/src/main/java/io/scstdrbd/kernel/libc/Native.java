package io.scstdrbd.kernel.libc;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads {@link LibC} once per process (a stateless binding, so one shared instance is fine). */
public final class Native {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    public static LibC libc() {
        return LIBC;
    }

    /** errno saved by the last {@code @SaveError} call on this thread. */
    public static int errno() {
        return RUNTIME.getLastError();
    }
}
