package io.scstdrbd.scst.fabric;

/** SAM task attributes (iSCSI ATTR field values 0..4). */
public enum TaskAttribute {
    UNTAGGED,
    SIMPLE,
    ORDERED,
    HEAD_OF_QUEUE,
    ACA;

    /** The iSCSI ATTR field value (RFC 7143 11.3.1). */
    public static TaskAttribute fromIscsi(int attr) {
        switch (attr) {
            case 0: return UNTAGGED;
            case 1: return SIMPLE;
            case 2: return ORDERED;
            case 3: return HEAD_OF_QUEUE;
            case 4: return ACA;
            default: return SIMPLE;
        }
    }
}
