package io.scstdrbd.backend.control;

import io.scstdrbd.backend.spi.BackendHandler;
import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dev/tcmur}: reading lists the backend devices; writing runs line commands (a command
 * word may be abbreviated to a unique prefix, {@code #} starts a comment):
 * <pre>
 *   add MINOR /SUBTYPE/CFG [SIZE]     original form, device name SUBTYPE%03u (MINOR 0..255)
 *   add NAME:SUBTYPE:CFG[:SIZE]       the --backend form
 *   remove MINOR|NAME                 refused with EBUSY while the device is open
 *   load SUBTYPE | unload SUBTYPE     check a handler is present / not in use
 *   source FILE                       run the commands in FILE
 *   dump | help | echo TEXT | exit
 * </pre>
 * A failing command fails the write with its errno (so the shell shows it), is logged, and is
 * shown as the "last:" line of the next read.
 */
final class TcmurControlNode implements ProcNode {
    private static final Logger LOG = LoggerFactory.getLogger(TcmurControlNode.class);
    private static final int MAX_SOURCE_DEPTH = 8;
    private static final String[] COMMANDS = {"add", "remove", "load", "unload", "source", "dump", "help", "echo", "exit"};

    private final BackendManager manager;
    private volatile String lastResult = "none";

    TcmurControlNode(BackendManager manager) {
        this.manager = manager;
    }

    @Override
    public int mode() {
        return 0664;
    }

    @Override
    public String read() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-6s %14s %-20s %s%n", "name", "type", "size", "writer", "storage"));
        for (BackendManager.Entry e : manager.list()) {
            String w = manager.kernel().devices().writerOf(e.spec().name());
            sb.append(String.format("%-12s %-6s %14d %-20s %s%n", e.spec().name(), e.spec().subtype(),
                    e.device().capacity(), w == null ? "-" : w, e.device().backend().describe()));
        }
        sb.append("last: ").append(lastResult).append('\n');
        return sb.toString();
    }

    @Override
    public void write(String text) throws KernelException {
        run(text, 0);
    }

    private void run(String text, int depth) throws KernelException {
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.equals("\0")) {
                continue;
            }
            line = line.replace("\0", "");
            try {
                execute(line, depth);
                lastResult = line + " -> OK";
            } catch (KernelException e) {
                lastResult = line + " -> " + Errno.name(e.errno()) + ": " + e.getMessage();
                LOG.warn("dev/tcmur: '{}' failed: {}", line, e.toString());
                throw e;
            }
        }
    }

    private void execute(String line, int depth) throws KernelException {
        String[] w = line.split("\\s+");
        String cmd = resolve(w[0]);
        switch (cmd) {
            case "add":
                add(w);
                break;
            case "remove":
                need(w, 2, "remove MINOR|NAME");
                manager.remove(nameOf(w[1]));
                break;
            case "load":
                need(w, 2, "load SUBTYPE");
                handler(w[1]);
                break;
            case "unload":
                need(w, 2, "unload SUBTYPE");
                handler(w[1]);
                if (manager.inUse(w[1])) {
                    throw new KernelException(Errno.EBUSY, "handler " + w[1] + " has devices");
                }
                break;
            case "source":
                need(w, 2, "source FILE");
                source(w[1], depth);
                break;
            case "dump":
                dump();
                break;
            case "help":
                LOG.info("dev/tcmur commands: add MINOR /SUBTYPE/CFG [SIZE] | add NAME:SUBTYPE:CFG[:SIZE] | "
                        + "remove MINOR|NAME | load SUBTYPE | unload SUBTYPE | source FILE | dump | help | echo | exit");
                for (BackendHandler h : manager.handlers()) {
                    LOG.info("  {}", h.configHelp());
                }
                break;
            case "echo":
                LOG.info("dev/tcmur: {}", line.substring(w[0].length()).strip());
                break;
            case "exit":
                manager.requestShutdown();
                break;
            default:
                throw new IllegalStateException(cmd);
        }
    }

    private static String resolve(String word) throws KernelException {
        String lw = word.toLowerCase(Locale.ROOT);
        String found = null;
        for (String c : COMMANDS) {
            if (c.startsWith(lw)) {
                if (found != null) {
                    throw new KernelException(Errno.EINVAL, "ambiguous command '" + word + "'");
                }
                found = c;
            }
        }
        if (found == null) {
            throw new KernelException(Errno.EINVAL, "unknown command '" + word + "' (try: help)");
        }
        return found;
    }

    private static void need(String[] w, int n, String usage) throws KernelException {
        if (w.length != n) {
            throw new KernelException(Errno.EINVAL, "usage: " + usage);
        }
    }

    private void handler(String subtype) throws KernelException {
        if (manager.handler(subtype).isEmpty()) {
            throw new KernelException(Errno.ENOENT, "no handler for subtype '" + subtype + "'");
        }
    }

    private void add(String[] w) throws KernelException {
        if (w.length == 2 && w[1].contains(":")) {
            manager.add(BackendSpec.parse(w[1]));
            return;
        }
        if (w.length < 3 || w.length > 4) {
            throw new KernelException(Errno.EINVAL, "usage: add MINOR /SUBTYPE/CFG [SIZE] | add NAME:SUBTYPE:CFG[:SIZE]");
        }
        int minor = minor(w[1]);
        String arg = w[2];
        if (!arg.startsWith("/") || arg.indexOf('/', 1) < 0) {
            throw new KernelException(Errno.EINVAL, "'" + arg + "' must have the form /SUBTYPE/CFG");
        }
        int slash = arg.indexOf('/', 1);
        String subtype = arg.substring(1, slash);
        String cfg = arg.substring(slash);
        if (cfg.equals("/@")) {
            cfg = "@";
        }
        long size = w.length == 4 ? BackendSpec.parseSize(w[3]) : -1;
        manager.add(new BackendSpec(String.format("%s%03d", subtype, minor), subtype, cfg, size));
    }

    private static int minor(String s) throws KernelException {
        try {
            int m = Integer.parseInt(s);
            if (m >= 0 && m <= 255) {
                return m;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new KernelException(Errno.EINVAL, "minor '" + s + "' is not in 0..255");
    }

    /** A bare number names the device added with that minor (SUBTYPE%03u); anything else is a name. */
    private String nameOf(String arg) throws KernelException {
        if (!arg.chars().allMatch(Character::isDigit)) {
            return arg;
        }
        int minor = minor(arg);
        for (BackendManager.Entry e : manager.list()) {
            if (e.spec().name().equals(String.format("%s%03d", e.spec().subtype(), minor))) {
                return e.spec().name();
            }
        }
        throw new KernelException(Errno.ENODEV, "no device with minor " + minor);
    }

    private void source(String file, int depth) throws KernelException {
        if (depth >= MAX_SOURCE_DEPTH) {
            throw new KernelException(Errno.ELOOP, "source nested too deeply");
        }
        String text;
        try {
            Path p = Path.of(file);
            if (Files.size(p) > 65536) {
                throw new KernelException(Errno.EFBIG, file + " is larger than 64 KiB");
            }
            text = Files.readString(p);
        } catch (IOException e) {
            throw new KernelException(Errno.ENOENT, "cannot read " + file + ": " + e.getMessage());
        }
        run(text, depth + 1);
    }

    private void dump() {
        for (BlockDevice d : manager.kernel().devices().list()) {
            LOG.info("dev/{} {} bytes", d.name(), d.capacity());
        }
        dumpDir("");
    }

    private void dumpDir(String dir) {
        for (String child : manager.kernel().procfs().children(dir)) {
            String p = dir.isEmpty() ? child : dir + "/" + child;
            LOG.info("{}{}", p, manager.kernel().procfs().isDirectory(p) ? "/" : "");
            if (manager.kernel().procfs().isDirectory(p)) {
                dumpDir(p);
            }
        }
    }
}
