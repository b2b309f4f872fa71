package io.scstdrbd.scst.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestFabric;
import io.scstdrbd.scst.testing.TwoInitiatorFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL on a REMOVABLE vdisk. */
class RemovableMediumTest extends TwoInitiatorFixture {
    static final String CONF = String.join("\n",
            "[HANDLER vdisk]",
            "DEVICE rm,@ROOT@/dev/d0,BLOCKIO REMOVABLE,512",
            "DEVICE fixed,@ROOT@/dev/d1,BLOCKIO,512",
            "[ASSIGNMENT Default]",
            "DEVICE rm,0",
            "DEVICE fixed,1", "");

    @Override
    protected TestFabric openFabric(Path dir) throws Exception {
        return new TestFabric(dir, CONF, RamDisk.thin("d0", 1 << 20), new RamDisk("d1", 1 << 20));
    }

    @Test
    void ejectThenLoad() throws Exception {
        assertEquals(0, a.in(0, Cdb.startStop(true, false), 0).status());
        assertEquals(0x3a00, a.in(0, Cdb.tur(), 0).ascq());
        assertEquals(0x3a00, a.in(0, Cdb.readCapacity10(), 8).ascq());
        assertEquals(0, a.in(0, Cdb.startStop(true, true), 0).status());
        assertEquals(0, a.in(0, Cdb.tur(), 0).status());
        // the other nexus learns that the medium may have changed
        assertEquals(0x2800, b.in(0, Cdb.tur(), 0).ascq());
    }

    @Test
    void requestSenseReportsTheMissingMedium() throws Exception {
        assertEquals(0, a.in(0, Cdb.startStop(true, false), 0).status());
        io.scstdrbd.scst.testing.TestCommand.Result r = a.in(0, Cdb.requestSense(252), 252);
        assertEquals(0, r.status());
        assertEquals(18, r.data().length);
        assertEquals(0x02, r.data()[2]);
        assertEquals(0x3a, r.data()[12]);
        a.in(0, Cdb.startStop(true, true), 0);
        r = a.in(0, Cdb.requestSense(252), 252);
        assertEquals(0, r.data()[2], "NO SENSE once the medium is back");
    }

    @Test
    void preventedRemovalFailsEjectFromAnyNexus() throws Exception {
        assertEquals(0, a.in(0, Cdb.preventAllow(true), 0).status());
        assertEquals(0x5302, a.in(0, Cdb.startStop(true, false), 0).ascq());
        assertEquals(0x5302, b.in(0, Cdb.startStop(true, false), 0).ascq());
        assertEquals(0, a.in(0, Cdb.tur(), 0).status());
        assertEquals(0, a.in(0, Cdb.preventAllow(false), 0).status());
        assertEquals(0, b.in(0, Cdb.startStop(true, false), 0).status());
    }

    @Test
    void lunResetAndNexusLossClearPrevention() throws Exception {
        assertEquals(0, a.in(0, Cdb.preventAllow(true), 0).status());
        a.tmf(TaskManagementFunction.LOGICAL_UNIT_RESET, 0, 0);
        b.clearUnitAttentions(0);
        assertEquals(0, b.in(0, Cdb.startStop(true, false), 0).status());
        assertEquals(0, b.in(0, Cdb.startStop(true, true), 0).status());
        a.clearUnitAttentions(0);
        assertEquals(0, a.in(0, Cdb.preventAllow(true), 0).status());
        a.close();
        b.clearUnitAttentions(0);
        assertEquals(0, b.in(0, Cdb.startStop(true, false), 0).status());
    }

    @Test
    void fixedDiskIgnoresStopAndEject() throws Exception {
        b.clearUnitAttentions(1);
        assertEquals(0, b.in(1, Cdb.startStop(true, false), 0).status());
        assertEquals(0, b.in(1, Cdb.tur(), 0).status());
    }
}
