package io.scstdrbd.kernel.proc;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry of text nodes by relative path ({@code proc/drbd},
 * {@code sys/module/drbd/parameters/minor_count}, {@code dev/tcmur}). Directories exist while
 * they hold a node or were created with {@link #mkdir}. Thread-safe; readers see a consistent
 * snapshot per call.
 */
public final class ProcFs {
    private final Map<String, ProcNode> nodes = new ConcurrentHashMap<>();
    private final Set<String> explicitDirs = ConcurrentHashMap.newKeySet();

    /** Adds a node; EEXIST if the path is taken, EINVAL for a malformed path. */
    public void register(String path, ProcNode node) throws KernelException {
        checkPath(path);
        if (nodes.putIfAbsent(path, node) != null) {
            throw new KernelException(Errno.EEXIST, path + " already exists");
        }
    }

    /** Removes a node if present. */
    public void unregister(String path) {
        nodes.remove(path);
    }

    /** Removes every node and explicit directory at or below {@code dir}. */
    public void unregisterTree(String dir) {
        String prefix = dir + "/";
        nodes.keySet().removeIf(p -> p.equals(dir) || p.startsWith(prefix));
        explicitDirs.removeIf(p -> p.equals(dir) || p.startsWith(prefix));
    }

    /** Creates an (empty) directory, e.g. {@code sys/module/tcmur}. */
    public void mkdir(String path) throws KernelException {
        checkPath(path);
        explicitDirs.add(path);
    }

    public void rmdir(String path) {
        explicitDirs.remove(path);
    }

    public Optional<ProcNode> lookup(String path) {
        return Optional.ofNullable(nodes.get(path));
    }

    /** True if {@code path} is a directory ("" is the root). */
    public boolean isDirectory(String path) {
        if (path.isEmpty() || explicitDirs.contains(path)) {
            return true;
        }
        String prefix = path + "/";
        for (String p : nodes.keySet()) {
            if (p.startsWith(prefix)) {
                return true;
            }
        }
        for (String d : explicitDirs) {
            if (d.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Names directly below directory {@code dir} ("" for the root), sorted. */
    public List<String> children(String dir) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Set<String> names = new TreeSet<>();
        for (String p : nodes.keySet()) {
            addChild(names, prefix, p);
        }
        for (String p : explicitDirs) {
            addChild(names, prefix, p);
        }
        return new ArrayList<>(names);
    }

    private static void addChild(Set<String> names, String prefix, String p) {
        if (p.startsWith(prefix) && p.length() > prefix.length()) {
            String rest = p.substring(prefix.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash));
        }
    }

    private static void checkPath(String path) throws KernelException {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
            throw new KernelException(Errno.EINVAL, "bad proc path '" + path + "'");
        }
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new KernelException(Errno.EINVAL, "bad proc path '" + path + "'");
            }
        }
    }
}
