package io.scstdrbd.drbd.wire;

/** The three packet header layouts (drbd_protocol.h p_header80/95/100). */
public enum HeaderFormat {
    /** u32 magic, u16 command, u16 length: first packets and P_CONNECTION_FEATURES. */
    H80(8),
    /** u16 magic, u16 command, u32 length: agreed 95..99 only, never chosen by this engine. */
    H95(8),
    /** u32 magic, u16 volume, u16 command, u32 length, u32 pad: all traffic after the features exchange. */
    H100(16);

    private final int size;

    HeaderFormat(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }
}
