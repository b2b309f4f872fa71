package io.scstdrbd.kernel.block;

/** How a holder opens a block device (the kernel's FMODE_READ / FMODE_WRITE). */
public enum OpenMode {
    READ,
    READ_WRITE;

    public boolean writable() {
        return this == READ_WRITE;
    }
}
