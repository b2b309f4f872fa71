package io.scstdrbd.scst.sense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Fixed (70h) and descriptor (72h) sense data layouts from SPC-4 4.5. */
class SenseFormatTest {

    static byte[] hex(String s) {
        return HexFormat.ofDelimiter(" ").parseHex(s);
    }

    @Test
    void fixedLbaOutOfRange() {
        byte[] b = SenseFormat.fixed(SenseData.of(ScsiError.LBA_OUT_OF_RANGE));
        assertArrayEquals(hex("70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00"), b);
    }

    @Test
    void fixedMiscompareCarriesInformation() {
        byte[] b = SenseFormat.fixed(SenseData.withInformation(ScsiError.MISCOMPARE_DURING_VERIFY, 0x1234));
        assertArrayEquals(hex("f0 00 0e 00 00 12 34 0a 00 00 00 00 1d 00 00 00 00 00"), b);
    }

    @Test
    void fixedFieldPointer() {
        byte[] b = SenseFormat.fixed(SenseData.cdbField(1, 4));
        // SKSV, C/D = 1 (CDB), BPV, bit 4; field pointer byte 1
        assertArrayEquals(hex("70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 cc 00 01"), b);
    }

    @Test
    void descriptorUnitAttention() {
        byte[] b = SenseFormat.descriptor(SenseData.of(ScsiError.CAPACITY_DATA_HAS_CHANGED));
        assertArrayEquals(hex("72 06 2a 09 00 00 00 00"), b);
    }

    @Test
    void descriptorWithInformationAndFieldPointer() {
        byte[] b = SenseFormat.descriptor(new SenseData(ScsiError.INVALID_FIELD_IN_PARAMETER_LIST, 7,
                SenseData.parameterField(0x102, -1).fieldPointer()));
        assertArrayEquals(hex("72 05 26 00 00 00 00 14"
                + " 00 0a 80 00 00 00 00 00 00 00 00 07"
                + " 02 06 00 00 80 01 02 00"), b);
    }

    @Test
    void keyAscAscqReadsBothFormats() {
        for (boolean d : new boolean[] {false, true}) {
            int[] k = SenseFormat.keyAscAscq(SenseFormat.encode(SenseData.of(ScsiError.MEDIUM_NOT_PRESENT), d));
            assertArrayEquals(new int[] {2, 0x3a, 0}, k);
        }
    }

    @Test
    void everyErrorHasItsKey() {
        assertEquals(SenseKey.UNIT_ATTENTION, ScsiError.REPORTED_LUNS_DATA_HAS_CHANGED.key());
        assertEquals(0x3f0e, ScsiError.REPORTED_LUNS_DATA_HAS_CHANGED.ascAscq());
        assertEquals(SenseKey.DATA_PROTECT, ScsiError.WRITE_PROTECTED.key());
        assertEquals(0x2000, ScsiError.INVALID_COMMAND_OPERATION_CODE.ascAscq());
    }
}
