package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.proc.ProcNode;

/**
 * {@code proc/partitions} in the kernel's format: a header line
 * {@code "major minor  #blocks  name"}, an empty line, then one line per registered block device
 * with its device number and its size in 1 KiB blocks.
 */
public final class PartitionsProcNode implements ProcNode {
    public static final String PATH = "proc/partitions";

    private final DeviceRegistry devices;
    private final DeviceNumbers numbers;

    public PartitionsProcNode(DeviceRegistry devices, DeviceNumbers numbers) {
        this.devices = devices;
        this.numbers = numbers;
    }

    @Override
    public int mode() {
        return 0444;
    }

    @Override
    public String read() {
        StringBuilder sb = new StringBuilder("major minor  #blocks  name\n\n");
        for (BlockDevice d : devices.list()) {
            DeviceNumbers.DevT n = numbers.of(d);
            sb.append(String.format("%4d  %7d %10d %s%n", n.major(), n.minor(), d.capacity() >> 10, d.name()));
        }
        return sb.toString();
    }
}
