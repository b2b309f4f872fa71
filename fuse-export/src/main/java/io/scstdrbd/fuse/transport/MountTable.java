package io.scstdrbd.fuse.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The process's mounts as {@code /proc/self/mountinfo} lists them (proc(5) format). */
public final class MountTable {

    /** One mountinfo line: where, what file system type, from which source. */
    public record Mount(String mountPoint, String fsType, String source) {
        public boolean isFuse() {
            return fsType.equals("fuse") || fsType.startsWith("fuse.");
        }
    }

    private final List<Mount> mounts;

    MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Reads the current table; empty if /proc is not readable. */
    public static MountTable read() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return new MountTable(List.of());
        }
    }

    /**
     * Parses mountinfo text: {@code id parent major:minor root mountpoint options [optional...] -
     * fstype source superoptions}; paths escape space, tab, newline and backslash as octal.
     */
    public static MountTable parse(String text) {
        List<Mount> l = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
                continue;
            }
            l.add(new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2])));
        }
        return new MountTable(l);
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    public List<Mount> mounts() {
        return mounts;
    }

    /** The topmost mount at {@code mountPoint} (the last one listed), if any. */
    public Optional<Mount> at(String mountPoint) {
        Mount found = null;
        for (Mount m : mounts) {
            if (m.mountPoint().equals(mountPoint)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Mount points whose source is {@code source} (e.g. a loop device). */
    public List<String> mountPointsOf(String source) {
        List<String> l = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.source().equals(source)) {
                l.add(m.mountPoint());
            }
        }
        return l;
    }
}
