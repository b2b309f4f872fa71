package io.scstdrbd.scst.mode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Current, changeable, default and saved mode page values. */
class ModePagesTest {
    @TempDir
    Path dir;

    ModePages pages(Path file) {
        return new ModePages(ModePageCatalog.vdisk(512, 1 << 20, false, true), file);
    }

    static ModePage page(ModePages mp, int code) {
        return mp.select(code, 0).get(0);
    }

    @Test
    void controlPageDefaultsAndChangeableMask() {
        ModePages mp = pages(null);
        byte[] cur = mp.values(page(mp, ModePageCatalog.CONTROL), 0);
        assertEquals((byte) 0x8a, cur[0], "PS set: the Control page is savable");
        assertEquals(0x0a, cur[1]);
        byte[] mask = mp.values(page(mp, ModePageCatalog.CONTROL), 1);
        assertEquals(0x04, mask[2], "D_SENSE changeable");
        assertEquals(0x08, mask[4], "SWP changeable");
        assertFalse(mp.descriptorSense());
        assertTrue(mp.writeCacheEnabled());
    }

    @Test
    void selectChangesOnlyChangeableBits() throws ScsiException {
        ModePages mp = pages(null);
        byte[] control = mp.values(page(mp, ModePageCatalog.CONTROL), 0);
        control[0] &= 0x7f;
        control[2] |= 0x04;   // D_SENSE
        control[4] |= 0x08;   // SWP
        assertTrue(mp.apply(List.of(control), List.of(4), false));
        assertTrue(mp.descriptorSense());
        assertTrue(mp.softwareWriteProtect());
        byte[] bad = control.clone();
        bad[5] |= 0x40;       // TAS is not changeable
        ScsiException e = assertThrows(ScsiException.class, () -> mp.apply(List.of(bad), List.of(4), false));
        assertEquals(ScsiError.INVALID_FIELD_IN_PARAMETER_LIST, e.sense().error());
        assertTrue(mp.descriptorSense(), "a rejected list changes nothing");
    }

    @Test
    void unknownPageAndWrongLengthAreRejected() {
        ModePages mp = pages(null);
        assertThrows(ScsiException.class, () -> mp.apply(List.of(new byte[] {0x19, 2, 0, 0}), List.of(4), false));
        assertThrows(ScsiException.class,
                () -> mp.apply(List.of(new byte[] {ModePageCatalog.CACHING, 2, 0, 0}), List.of(4), false));
    }

    @Test
    void savedValuesSurviveAndResetRestoresThem() throws ScsiException {
        Path f = dir.resolve("vdev");
        ModePages mp = pages(f);
        byte[] caching = mp.values(page(mp, ModePageCatalog.CACHING), 0);
        caching[0] &= 0x7f;
        caching[2] &= ~0x04; // WCE off, saved
        mp.apply(List.of(caching), List.of(4), true);
        assertFalse(mp.writeCacheEnabled());
        ModePages again = pages(f);
        assertFalse(again.writeCacheEnabled(), "saved WCE=0 loaded at start");
        byte[] control = again.values(page(again, ModePageCatalog.CONTROL), 0);
        control[0] &= 0x7f;
        control[4] |= 0x08; // SWP, current only
        again.apply(List.of(control), List.of(4), false);
        assertTrue(again.softwareWriteProtect());
        again.resetToSaved();
        assertFalse(again.softwareWriteProtect());
        assertFalse(again.writeCacheEnabled());
        assertArrayEquals(again.values(page(again, ModePageCatalog.CACHING), 3),
                again.values(page(again, ModePageCatalog.CACHING), 0));
    }

    @Test
    void savingANonSavablePageFails() {
        ModePages mp = pages(dir.resolve("x"));
        byte[] er = mp.values(page(mp, ModePageCatalog.READ_WRITE_ERROR_RECOVERY), 0);
        ScsiException e = assertThrows(ScsiException.class, () -> mp.apply(List.of(er), List.of(4), true));
        assertEquals(ScsiError.SAVING_PARAMETERS_NOT_SUPPORTED, e.sense().error());
    }
}
