package io.scstdrbd.scst.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.fabric.TaskAttribute;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.TestCommand;
import io.scstdrbd.scst.testing.TestFabric;
import io.scstdrbd.scst.testing.TwoInitiatorFixture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PERSISTENT RESERVE IN/OUT and RESERVE/RELEASE through the command path, with two initiators. */
class PersistentReservationCommandsTest extends TwoInitiatorFixture {
    static TestCommand.Result prOut(TestFabric.Session s, int sa, int type, long key, long sark, boolean aptpl)
            throws Exception {
        return s.out(0, Cdb.prOut(sa, 0, type, 24), Cdb.prOutParams(key, sark, aptpl));
    }

    @Test
    void registerReserveAndConflicts() throws Exception {
        assertEquals(0, prOut(a, 0, 0, 0, 0xaa, false).status());
        assertEquals(0, prOut(b, 0, 0, 0, 0xbb, false).status());
        assertEquals(0, prOut(a, 1, 3, 0xaa, 0, false).status()); // EXCLUSIVE ACCESS
        assertEquals(0, a.in(0, Cdb.read10(0, 1), 512).status());
        assertEquals(0x18, b.in(0, Cdb.read10(0, 1), 512).status());
        assertEquals(0x18, b.out(0, Cdb.write10(0, 1), new byte[512]).status());
        assertEquals(0, b.in(0, Cdb.inquiry(false, 0, 36), 36).status(), "INQUIRY is always allowed");
        assertEquals(0x18, b.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status(), "RESERVE(6) conflicts with a PR");

        TestCommand.Result keys = b.in(0, Cdb.prIn(0, 64), 64);
        assertEquals(2, BigEndian.u32(keys.data(), 0), "two registrations");
        assertEquals(16, BigEndian.u32(keys.data(), 4));
        assertEquals(0xaa, BigEndian.u64(keys.data(), 8));
        assertEquals(0xbb, BigEndian.u64(keys.data(), 16));
        TestCommand.Result res = b.in(0, Cdb.prIn(1, 64), 64);
        assertEquals(16, BigEndian.u32(res.data(), 4));
        assertEquals(0xaa, BigEndian.u64(res.data(), 8));
        assertEquals(0x03, res.data()[21]);
        TestCommand.Result full = b.in(0, Cdb.prIn(3, 512), 512);
        long addl = BigEndian.u32(full.data(), 4);
        assertEquals(full.data().length - 8, addl);
        assertEquals(0xaa, BigEndian.u64(full.data(), 8));
        assertEquals(1, full.data()[8 + 12] & 1, "A holds the reservation");
        long tidLen = BigEndian.u32(full.data(), 8 + 20);
        assertEquals(0x45, full.data()[8 + 24], "iSCSI TransportID format 01h");
        assertEquals(0, full.data()[8 + 24 + (int) tidLen + 12] & 1, "B does not");
        TestCommand.Result caps = b.in(0, Cdb.prIn(2, 8), 8);
        assertEquals(8, BigEndian.u16(caps.data(), 0));
        assertEquals(0x01, caps.data()[5], "EX_AC_AR supported");
    }

    @Test
    void preemptAndAbortAbortsTheVictimsTasks() throws Exception {
        prOut(a, 0, 0, 0, 0xaa, false);
        prOut(b, 0, 0, 0, 0xbb, false);
        prOut(a, 1, 1, 0xaa, 0, false);
        TestCommand held = a.start(0, Cdb.write10(0, 1), TaskAttribute.SIMPLE, new byte[512], 512, true);
        assertEquals(0, prOut(b, 5, 3, 0xbb, 0xaa, false).status());
        assertTrue(held.result.get(5, TimeUnit.SECONDS).aborted());
        TestCommand.Result r = a.in(0, Cdb.tur(), 0);
        assertEquals(0x2a05, r.ascq(), "REGISTRATIONS PREEMPTED");
        assertEquals(0x2f00, a.in(0, Cdb.tur(), 0).ascq(), "its task was cleared by another initiator");
        assertEquals(0x18, a.in(0, Cdb.read10(0, 1), 512).status());
    }

    @Test
    void modeSelectAndSyncCacheConflictUnderWriteExclusive() throws Exception {
        prOut(a, 0, 0, 0, 0xaa, false);
        prOut(a, 1, 1, 0xaa, 0, false); // WRITE EXCLUSIVE
        assertEquals(0, b.in(0, Cdb.read10(0, 1), 512).status(), "reads allowed");
        assertEquals(0, b.in(0, Cdb.modeSense6(0, 0x3f, 255), 255).status());
        assertEquals(0x18, b.in(0, Cdb.syncCache10(), 0).status());
    }

    @Test
    void aptplRegistrationsSurviveARestart() throws Exception {
        prOut(a, 0, 0, 0, 0xaa, true);
        prOut(a, 1, 6, 0xaa, 0, true); // EXCLUSIVE ACCESS, REGISTRANTS ONLY
        fabric.restartScst();
        TestFabric.Session c = fabric.login("iqn.test:c");
        TestFabric.Session a2 = fabric.login("iqn.test:a");
        c.clearUnitAttentions(0);
        a2.clearUnitAttentions(0);
        assertEquals(0x18, c.in(0, Cdb.read10(0, 1), 512).status());
        assertEquals(0, a2.in(0, Cdb.read10(0, 1), 512).status(), "the same initiator port is still the holder");
        TestCommand.Result caps = c.in(0, Cdb.prIn(2, 8), 8);
        assertEquals(1, caps.data()[3] & 1, "PTPL_A");
    }

    @Test
    void reserve6BelongsToTheNexus() throws Exception {
        assertEquals(0, a.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status());
        assertEquals(0, a.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status(), "the holder may reserve again");
        assertEquals(0x18, b.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status());
        assertEquals(0, b.in(0, Cdb.of(0x17, 0, 0, 0, 0, 0), 0).status(), "RELEASE by another nexus does nothing");
        assertEquals(0x18, b.in(0, Cdb.modeSense6(0, 0x3f, 255), 255).status());
        assertEquals(0, b.in(0, Cdb.inquiry(false, 0, 36), 36).status());
        assertEquals(0, a.in(0, Cdb.of(0x17, 0, 0, 0, 0, 0), 0).status());
        assertEquals(0, b.in(0, Cdb.modeSense6(0, 0x3f, 255), 255).status());
    }
}
