package io.scstdrbd.kernel.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FuseOpenersTest {

    @Test
    void aFuseOpenerIsNamedByItsProgramAndPidAnInnerOneByTheDaemon() {
        String h = FuseOpeners.holder(28334, "mount");
        assertTrue(FuseOpeners.isFuseOpener(h));
        assertEquals("mount (pid 28334)", FuseOpeners.commAndPid(h));
        assertEquals("mkfs (x) (pid 7)", FuseOpeners.commAndPid(FuseOpeners.holder(7, "mkfs (x)")));
        assertFalse(FuseOpeners.isFuseOpener("scst:disk1"));
        assertEquals("scst:disk1 (pid " + ProcessHandle.current().pid() + ")", FuseOpeners.commAndPid("scst:disk1"));
    }
}
