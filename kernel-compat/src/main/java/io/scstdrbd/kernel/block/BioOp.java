package io.scstdrbd.kernel.block;

/** What a {@link Bio} asks of a block device. */
public enum BioOp {
    /** Fill the bio's segments from the device. */
    READ,
    /** Store the bio's segments on the device. */
    WRITE,
    /** Make every completed write durable; carries no data and no range. */
    FLUSH,
    /** The range's contents may be dropped; later reads return zeroes or old data. */
    DISCARD,
    /** The range must read back as zeroes; carries no data. */
    WRITE_ZEROES;

    /** True for operations that change the device's contents. */
    public boolean isWrite() {
        return this != READ;
    }

    /** True for operations whose payload travels in the bio's segments. */
    public boolean hasData() {
        return this == READ || this == WRITE;
    }
}
