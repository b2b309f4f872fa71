package io.scstdrbd.kernel.block;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Device numbers (dev_t) for the registry's devices, as /proc/partitions and tools show them.
 * DRBD devices take the real DRBD major 147 and their minor ({@code drbd1} is 147:1); every other
 * device takes major 240 (a "local/experimental" major of devices.txt, not a kernel driver's) and
 * the number its name ends with ({@code tcmu001} is 240:1) or, if that is taken or absent, the
 * lowest free minor from 256 on. Numbers are stable for a given set of device names and are
 * released when a device is removed. Thread-safe.
 */
public final class DeviceNumbers implements DeviceListener {
    public static final int DRBD_MAJOR = 147;
    public static final int BACKEND_MAJOR = 240;
    private static final int FIRST_FREE_MINOR = 256;
    private static final int MAX_MINOR = (1 << 20) - 1;

    /** A device number. */
    public record DevT(int major, int minor) {
        @Override
        public String toString() {
            return major + ":" + minor;
        }
    }

    private final Map<String, DevT> byName = new HashMap<>();
    private final Set<DevT> used = new HashSet<>();

    /** The number of {@code device}, assigned on first use. */
    public synchronized DevT of(BlockDevice device) {
        return byName.computeIfAbsent(device.name(), this::assign);
    }

    public synchronized Optional<DevT> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private DevT assign(String name) {
        int major = name.startsWith("drbd") ? DRBD_MAJOR : BACKEND_MAJOR;
        int suffix = trailingNumber(name);
        DevT d = suffix >= 0 && suffix <= MAX_MINOR ? new DevT(major, suffix) : null;
        if (d == null || used.contains(d)) {
            int m = FIRST_FREE_MINOR;
            while (used.contains(new DevT(major, m))) {
                m++;
            }
            d = new DevT(major, m);
        }
        used.add(d);
        return d;
    }

    static int trailingNumber(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        if (i == name.length() || name.length() - i > 7) {
            return -1;
        }
        return Integer.parseInt(name.substring(i));
    }

    @Override
    public void added(BlockDevice device) {
        of(device);
    }

    @Override
    public synchronized void removed(BlockDevice device) {
        DevT d = byName.remove(device.name());
        if (d != null) {
            used.remove(d);
        }
    }
}
