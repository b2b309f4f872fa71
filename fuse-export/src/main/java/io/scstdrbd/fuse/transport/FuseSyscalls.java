package io.scstdrbd.fuse.transport;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls the FUSE transport needs beyond kernel-compat's LibC (jnr-ffi binding).
 * Raw addresses, saved errno; nothing is allocated per call.
 */
public interface FuseSyscalls {
    int F_OK = 0;

    @SaveError
    int access(String path, int mode);

    @SaveError
    long writev(int fd, long iov, int iovcnt);

    @SaveError
    long read(int fd, long buf, long count);

    /** The loaded binding and its runtime (for errno). */
    final class Holder {
        static final FuseSyscalls LIBC = LibraryLoader.create(FuseSyscalls.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }

        static int errno() {
            return RUNTIME.getLastError();
        }
    }
}
