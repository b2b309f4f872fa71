package io.scstdrbd.backend.spi;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.Locale;

/**
 * A backend as the admin writes it: {@code NAME:SUBTYPE:CFG[:SIZE]}, e.g.
 * {@code tcmu000:ram:/tmp/cfg1:1G}, {@code r2:ram:@:256M}, {@code f0:file:/var/lib/disk.img}.
 * SIZE takes K, M, G, T suffixes (powers of 1024) or plain bytes.
 */
public record BackendSpec(String name, String subtype, String config, long sizeBytes) {

    /** Parses a spec; EINVAL with a message that names the problem. */
    public static BackendSpec parse(String text) throws KernelException {
        String[] parts = text.split(":", -1);
        if (parts.length < 3 || parts.length > 4) {
            throw new KernelException(Errno.EINVAL,
                    "backend '" + text + "': expected NAME:SUBTYPE:CFG[:SIZE]");
        }
        if (parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new KernelException(Errno.EINVAL, "backend '" + text + "': empty NAME, SUBTYPE or CFG");
        }
        long size = -1;
        if (parts.length == 4) {
            size = parseSize(parts[3]);
        }
        return new BackendSpec(parts[0], parts[1], parts[2], size);
    }

    /** Parses {@code 1G}, {@code 256M}, {@code 4096}; EINVAL for anything else or for 0. */
    public static long parseSize(String s) throws KernelException {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K': mult = 1L << 10; break;
                case 'M': mult = 1L << 20; break;
                case 'G': mult = 1L << 30; break;
                case 'T': mult = 1L << 40; break;
                default: mult = 1;
            }
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0 || v > Long.MAX_VALUE / mult) {
                throw new NumberFormatException();
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.EINVAL, "bad size '" + s + "' (use e.g. 1G, 256M, 4096)");
        }
    }

    @Override
    public String toString() {
        return name + ":" + subtype + ":" + config + (sizeBytes > 0 ? ":" + sizeBytes : "");
    }
}
