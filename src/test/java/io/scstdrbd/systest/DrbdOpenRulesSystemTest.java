package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The open mode reaches the DRBD engine, as with DRBD 9: a Secondary refuses a writer with
 * EROFS ("Read-only file system") and, without auto-promote, a reader too; with auto-promote the
 * writer promotes the resource and its close demotes it again, unless the data is not UpToDate.
 */
class DrbdOpenRulesSystemTest {
    private static final Path WORK = DrbdTools.SCRATCH.resolve("open");
    private static final Path ROOT = DrbdTools.SCRATCH.resolve("open-root");

    private static String role(DrbdTools drbd) {
        return drbd.adm("role", "r0").ok().output().strip();
    }

    /** FUSE sends RELEASE after close(2) has returned: the auto-demote follows a moment later. */
    private static String roleSettled(DrbdTools drbd, String want) throws InterruptedException {
        String r = role(drbd);
        for (int i = 0; i < 100 && !r.equals(want); i++) {
            Thread.sleep(50);
            r = role(drbd);
        }
        return r;
    }

    @Test
    void secondaryRefusesWritersAndAutoPromoteFollowsTheRules() throws Exception {
        DrbdTools.require();
        Files.createDirectories(WORK);
        try (DaemonProcess d = DaemonProcess.builder("drbd-open").fuseRoot(ROOT).fuseRootFromEnv()
                .backend("tcmu001:ram:@:64M").start()) {
            Path conf = DrbdTools.writeResource(WORK.resolve("r0.res"), "r0", d.dev("tcmu001"), 1, 17791,
                    "    options { auto-promote no; }\n");
            DrbdTools drbd = new DrbdTools(d, conf);
            drbd.metaOn("tcmu001", "create-md", "2").ok();
            drbd.adm("up", "r0").ok();
            drbd.adm("primary", "--force", "r0").ok();
            drbd.adm("secondary", "r0").ok();
            String node = d.dev("drbd1").toString();
            String write = "dd if=/dev/zero of=" + node + " bs=4096 count=1 oflag=direct conv=notrunc 2>&1";
            String read = "dd if=" + node + " of=/dev/null bs=4096 count=1 iflag=direct 2>&1";

            Cmd.Result w = Cmd.sh(write);
            assertTrue(w.exit() != 0 && w.output().contains("Read-only file system"), w.output());
            Cmd.Result r = Cmd.sh(read);
            assertTrue(r.exit() != 0 && r.output().contains("Wrong medium type"), r.output());
            assertEquals("Secondary", role(drbd));

            drbd.setup("resource-options", "r0", "--auto-promote=yes").ok();
            Cmd.sh(read).ok();
            Cmd.sh(write).ok();
            assertEquals("Secondary", roleSettled(drbd, "Secondary"), "auto-demote after the writer closed");
            // a writer that stays open keeps the resource Primary, and demotion is refused meanwhile
            Process holder = new ProcessBuilder("bash", "-c", "exec 3<>" + node + "; sleep 30").start();
            try {
                assertEquals("Primary", roleSettled(drbd, "Primary"));
                Cmd.Result demote = drbd.adm("secondary", "r0");
                assertTrue(demote.exit() != 0 && demote.output().contains("(-12) Device is held open by someone"),
                        demote.output());
            } finally {
                holder.destroyForcibly().waitFor();
            }
            assertEquals("Secondary", roleSettled(drbd, "Secondary"));

            // Inconsistent data: auto-promote is not allowed, the writer gets EROFS
            drbd.adm("invalidate", "r0").ok();
            assertEquals("Inconsistent/DUnknown", drbd.adm("dstate", "r0").ok().output().strip());
            w = Cmd.sh(write);
            assertTrue(w.exit() != 0 && w.output().contains("Read-only file system"), w.output());
            assertEquals("Secondary", role(drbd));
            drbd.adm("down", "r0").ok();
            d.stop();
        }
    }
}
