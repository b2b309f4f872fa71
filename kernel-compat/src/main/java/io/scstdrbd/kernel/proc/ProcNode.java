package io.scstdrbd.kernel.proc;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;

/**
 * A text node of the daemon's /proc or /sys tree (shown by fuse-export under the FUSE root).
 * Every read regenerates the whole text, like a seq_file; a write delivers one chunk of text
 * to {@link #write}.
 *
 * <p>Threading: called on FUSE worker threads, possibly concurrently; may block briefly (take
 * locks, wait for a management operation) but never for long I/O.
 */
public interface ProcNode {

    /** Permission bits shown for the node, e.g. 0444 or 0644. */
    int mode();

    /** The node's current text. */
    String read() throws KernelException;

    /**
     * Handles one write. Errors are reported to the writer as the exception's errno (and logged
     * by the caller), so admins see failures at the shell, not only in the daemon's log.
     */
    default void write(String text) throws KernelException {
        throw new KernelException(Errno.EACCES, "node is read-only");
    }

    /** A read-only node whose text comes from {@code supplier}. */
    static ProcNode readOnly(TextSupplier supplier) {
        return new ProcNode() {
            @Override
            public int mode() {
                return 0444;
            }

            @Override
            public String read() throws KernelException {
                return supplier.get();
            }
        };
    }

    /** Produces a node's text; may fail with an errno. */
    @FunctionalInterface
    interface TextSupplier {
        String get() throws KernelException;
    }
}
