package io.scstdrbd.scst.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestCommand;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each initiator sees, and what changes when the groups change. */
class SessionMappingTest {
    static final String CONF = String.join("\n",
            "[HANDLER vdisk]",
            "DEVICE d0,@ROOT@/dev/r0,BLOCKIO,512",
            "DEVICE d1,@ROOT@/dev/r1,BLOCKIO,512",
            "DEVICE d2,@ROOT@/dev/r2,BLOCKIO,512",
            "[GROUP Default]",
            "[GROUP hosts]",
            "USER iqn.test:host",
            "[GROUP nothing]",
            "USER iqn.test:lonely",
            "[ASSIGNMENT Default]",
            "DEVICE d0,0",
            "[ASSIGNMENT hosts]",
            "DEVICE d1,0",
            "DEVICE d2,7,READ_ONLY", "");
    @TempDir
    Path dir;
    TestFabric fabric;

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    TestFabric start() throws Exception {
        fabric = new TestFabric(dir, CONF, new RamDisk("r0", 1 << 20), new RamDisk("r1", 1 << 20),
                new RamDisk("r2", 1 << 20));
        return fabric;
    }

    @Test
    void groupMembersSeeTheirGroupOthersTheDefault() throws Exception {
        start();
        TestFabric.Session host = fabric.login("iqn.test:host");
        TestFabric.Session stranger = fabric.login("iqn.test:stranger");
        TestFabric.Session lonely = fabric.login("iqn.test:lonely");
        assertEquals(List.of(0L, 7L), host.session.luns());
        assertEquals(List.of(0L), stranger.session.luns());
        assertEquals(List.of(), lonely.session.luns());
        TestCommand.Result r = lonely.in(0, Cdb.reportLuns(64), 64);
        assertEquals(0, r.status());
        assertEquals(0, BigEndian.u32(r.data(), 0), "an initiator with no LUNs sees none");
        assertEquals(0x2500, lonely.in(0, Cdb.tur(), 0).ascq());
        host.clearUnitAttentions(7);
        assertEquals(0x2700, host.out(7, Cdb.write10(0, 1), new byte[512]).ascq(), "READ_ONLY assignment");
        assertEquals(0x80, host.in(7, Cdb.modeSense6(0, 0x3f, 255), 255).data()[2] & 0x80);
        host.clearUnitAttentions(0);
        assertEquals("d1              ", new String(host.in(0, Cdb.inquiry(false, 0, 36), 36).data(), 16, 16));
    }

    @Test
    void addingALunTellsTheSession() throws Exception {
        start();
        TestFabric.Session s = fabric.login("iqn.test:stranger");
        s.clearUnitAttentions(0);
        fabric.scst.accessControl().addLun("Default", fabric.scst.vdisks().get("d2"), 3, false, false);
        assertEquals(List.of(0L, 3L), s.session.luns());
        TestCommand.Result r = s.in(0, Cdb.tur(), 0);
        assertEquals(0x3f0e, r.ascq(), "REPORTED LUNS DATA HAS CHANGED");
        assertEquals(0, s.in(0, Cdb.tur(), 0).status());
        // REPORT LUNS clears the condition on the other LUN
        s.in(3, Cdb.reportLuns(64), 64);
        assertEquals(0, s.in(3, Cdb.tur(), 0).status());
    }

    @Test
    void movingAnInitiatorRemapsOrEndsItsSession() throws Exception {
        start();
        AtomicInteger ended = new AtomicInteger();
        var key = new io.scstdrbd.scst.fabric.SessionKey("iscsi", TestFabric.TARGET, "iqn.test:stranger",
                "iqn.test:stranger,i,0x1", new byte[0], 1);
        var s = fabric.scst.core().openSession(key, ended::incrementAndGet);
        fabric.scst.accessControl().addInitiator("hosts", "iqn.test:stranger");
        assertEquals(List.of(0L, 7L), s.luns());
        assertEquals(0, ended.get());
        fabric.kernel.params().get("scsi_tgt", "forcibly_close_sessions").get().set("1");
        fabric.scst.accessControl().moveInitiator("hosts", "iqn.test:stranger", "nothing");
        assertEquals(1, ended.get(), "forcibly_close_sessions ends the session instead");
        s.close();
    }

    @Test
    void coldResetEndsTheOtherSessions() throws Exception {
        start();
        AtomicInteger ended = new AtomicInteger();
        var mk = (java.util.function.Function<String, io.scstdrbd.scst.fabric.SessionKey>) n ->
                new io.scstdrbd.scst.fabric.SessionKey("iscsi", TestFabric.TARGET, n, n + ",i,0x1", new byte[0], 1);
        var issuer = fabric.scst.core().openSession(mk.apply("iqn.test:x"), ended::incrementAndGet);
        fabric.scst.core().openSession(mk.apply("iqn.test:y"), ended::incrementAndGet);
        var f = new java.util.concurrent.CompletableFuture<io.scstdrbd.scst.fabric.TaskManagementResult>();
        issuer.taskManagement(io.scstdrbd.scst.fabric.TaskManagementFunction.TARGET_COLD_RESET, 0, 0, f::complete);
        assertEquals(io.scstdrbd.scst.fabric.TaskManagementResult.FUNCTION_COMPLETE, f.get());
        assertEquals(1, ended.get(), "only the other session; the issuer's transport ends its own");
    }

    @Test
    void sessionsListing() throws Exception {
        start();
        fabric.login("iqn.test:host");
        List<ScstTarget.SessionInfo> l = fabric.scst.target().sessionInfo();
        assertEquals(1, l.size());
        assertEquals("hosts", l.get(0).group());
        assertTrue(l.get(0).targetName().startsWith("iqn."));
    }
}
