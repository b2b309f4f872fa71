package io.scstdrbd.scst.proc;

import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcNode;

/**
 * A read/write proc node: reads regenerate a listing, each write is one command (scstadmin
 * writes {@code "<command>\n\0"}; the trailing newline and NUL are dropped).
 */
final class CommandNode implements ProcNode {

    /** Runs one command line. */
    @FunctionalInterface
    interface Command {
        void run(String line) throws KernelException;
    }

    private final TextSupplier reader;
    private final Command writer;

    CommandNode(TextSupplier reader, Command writer) {
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public int mode() {
        return 0644;
    }

    @Override
    public String read() throws KernelException {
        return reader.get();
    }

    @Override
    public void write(String text) throws KernelException {
        String line = text.replace("\0", "").strip();
        if (!line.isEmpty()) {
            writer.run(line);
        }
    }
}
