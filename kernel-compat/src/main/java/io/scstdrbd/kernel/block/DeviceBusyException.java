package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;

/**
 * EBUSY from {@link DeviceRegistry#open}: another holder has the device open for writing. Names
 * the holder as it was at the refusal, so a caller deciding whether to wait for that holder does
 * not race its release with a second look.
 */
public final class DeviceBusyException extends KernelException {
    private final String holder;

    DeviceBusyException(String device, String holder) {
        super(Errno.EBUSY, "device " + device + " is held for writing by " + holder);
        this.holder = holder;
    }

    /** The writer that held the device when the open was refused. */
    public String holder() {
        return holder;
    }
}
