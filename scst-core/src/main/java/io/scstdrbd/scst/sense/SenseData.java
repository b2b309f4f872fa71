package io.scstdrbd.scst.sense;

/**
 * One sense condition before encoding.
 *
 * @param error        the condition
 * @param information  the INFORMATION field (e.g. the offset of a miscompare), or -1 for none
 * @param fieldPointer sense-key specific field pointer: {@code (cd ? 0x40 : 0) | bitValid<<3 | bit}
 *                     in the high byte and the byte offset in the low 16 bits, or -1 for none;
 *                     build it with {@link #cdbField} or {@link #parameterField}
 */
public record SenseData(ScsiError error, long information, int fieldPointer) {

    public static SenseData of(ScsiError e) {
        return new SenseData(e, -1, -1);
    }

    public static SenseData withInformation(ScsiError e, long information) {
        return new SenseData(e, information, -1);
    }

    /** INVALID FIELD IN CDB pointing at {@code byteOffset} (and {@code bit}, or -1 for the whole byte). */
    public static SenseData cdbField(int byteOffset, int bit) {
        return new SenseData(ScsiError.INVALID_FIELD_IN_CDB, -1, pointer(true, byteOffset, bit));
    }

    /** INVALID FIELD IN PARAMETER LIST pointing at {@code byteOffset} of the parameter data. */
    public static SenseData parameterField(int byteOffset, int bit) {
        return new SenseData(ScsiError.INVALID_FIELD_IN_PARAMETER_LIST, -1, pointer(false, byteOffset, bit));
    }

    private static int pointer(boolean cd, int byteOffset, int bit) {
        int high = (cd ? 0x40 : 0) | (bit >= 0 ? 0x08 | (bit & 7) : 0);
        return (high << 16) | (byteOffset & 0xffff);
    }
}
