package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code quorum majority} on two daemons, driven by drbd-utils: a Primary whose peer crashes has 1
 * of 2 votes and suspends its I/O (on-no-quorum suspend-io) or fails it (io-error) until the peer is
 * back; a graceful disconnect outdates the Secondary, so the Primary keeps quorum; a node without
 * quorum is not promoted unless forced.
 */
class ReplicationQuorumSystemTest {

    /** One O_DIRECT 4 KiB write at block {@code block} of A's drbd1, given 20 s (exit 124: it hung). */
    private static Cmd.Result directWrite(TwoNodes n, int block) {
        return Cmd.run("timeout", "20", "dd", "if=/dev/urandom", "of=" + n.a.drbd1(), "bs=4k", "count=1",
                "seek=" + block, "oflag=direct", "conv=notrunc", "status=none");
    }

    @Test
    void twoNodeQuorumSuspendsOrFailsIoWhileThePeerIsGone() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("quorum", 17772, "64M")) {
            n.common = "    options { quorum majority; on-no-quorum suspend-io; }\n";
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            assertFalse(n.a.status().contains("quorum:no"), n.a.status());

            // a graceful disconnect of the Secondary outdates it: the Primary is the last man standing
            n.b.adm("disconnect", "r0").ok();
            String a = n.a.awaitStatus(s -> s.contains("beta connection:"), Duration.ofSeconds(20));
            assertFalse(a.contains("quorum:no") || a.contains("suspended"), a);
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
            assertTrue(n.b.status().contains("quorum:no"), n.b.status());
            Cmd.Result refused = n.b.adm("primary", "r0");
            assertEquals(17, refused.exit(), refused.output()); // an Outdated disk is refused before quorum counts
            assertTrue(refused.output().contains("(-2) Need access to UpToDate data"), refused.output());
            n.b.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            n.b.awaitStatus(s -> !s.contains("quorum:no"), Duration.ofSeconds(20));
            // the same when the Primary leaves: it outdates the peer in the same change
            n.a.adm("disconnect", "r0").ok();
            a = n.a.status();
            assertFalse(a.contains("quorum:no") || a.contains("suspended"), a);
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
            n.b.awaitStatus(s -> s.contains("disk:Outdated"), Duration.ofSeconds(20));
            n.a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            assertFalse(n.a.daemon.logText().contains("1 of 2 nodes visible"),
                    "a graceful disconnect cost the Primary its quorum, if only for a moment: " + n.a.daemon.tail());

            // a crashed Secondary takes the Primary's quorum: no write completes until it is back
            try (FsyncedWriter w = new FsyncedWriter(n, 11, "quorum-writer")) {
                w.awaitProgress(10);
                n.b.kill();
                String frozen = n.a.awaitStatus(s -> s.contains("suspended:quorum"), Duration.ofSeconds(20));
                assertTrue(frozen.startsWith("r0 role:Primary suspended:quorum\n"), frozen);
                assertTrue(frozen.contains("disk:UpToDate quorum:no"), frozen);
                long before = w.done.get();
                Thread.sleep(1500);
                assertEquals(before, w.done.get(), "a write completed without quorum");
                assertTrue(w.failed.get() == null, String.valueOf(w.failed.get()));
                // resume-io cannot resume without quorum
                n.a.adm("resume-io", "r0");
                Thread.sleep(300);
                assertEquals(before, w.done.get(), "resume-io let a write through without quorum");

                n.b.start();
                n.b.up();
                n.a.awaitStatus(s -> !s.contains("suspended") && !s.contains("quorum:no"), Duration.ofSeconds(30));
                w.awaitProgress(20);
            }
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after the Secondary came back");
            String log = n.a.daemon.logText();
            assertTrue(log.contains("quorum( yes -> no ): 1 of 2 nodes visible, need 2 for quorum; I/O suspended"),
                    n.a.daemon.tail());
            assertTrue(log.contains("quorum( no -> yes )"), n.a.daemon.tail());

            // a forced disconnect of the Primary gives its quorum up too (a hard change, as the kernel's)
            try (FsyncedWriter w = new FsyncedWriter(n, 13, "quorum-writer")) {
                w.awaitProgress(10);
                n.a.adm("disconnect", "--force", "r0").ok();
                String frozen = n.a.awaitStatus(s -> s.contains("suspended:quorum"), Duration.ofSeconds(20));
                assertTrue(frozen.contains("quorum:no"), frozen);
                long before = w.done.get();
                Thread.sleep(1000);
                assertEquals(before, w.done.get(), "a write completed after the forced disconnect");
                n.a.adm("connect", "r0").ok();
                n.a.awaitStatus(s -> !s.contains("suspended") && !s.contains("quorum:no"), Duration.ofSeconds(30));
                w.awaitProgress(20);
            }
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after the forced disconnect");

            // on-no-quorum io-error: writes fail instead of waiting
            n.a.adm("resource-options", "r0", "--on-no-quorum=io-error").ok();
            try (FsyncedWriter w = new FsyncedWriter(n, 17, "quorum-writer")) {
                // a buffered writer too: the write that missed the peer fails, nothing hangs
                w.awaitProgress(10);
                n.b.kill();
                for (int i = 0; i < 200 && w.isAlive(); i++) {
                    Thread.sleep(50);
                }
                assertFalse(w.isAlive(), "a buffered write hangs without quorum (on-no-quorum io-error)");
                assertTrue(String.valueOf(w.failed.get()).contains("Input/output error"), String.valueOf(w.failed.get()));
            }
            n.a.awaitStatus(s -> s.contains("quorum:no"), Duration.ofSeconds(20));
            String s1 = n.a.status();
            assertTrue(s1.startsWith("r0 role:Primary\n"), s1);
            Cmd.Result failed = directWrite(n, 7);
            assertEquals(1, failed.exit(), "dd without quorum (124: it hung): " + failed.output());
            assertTrue(failed.output().contains("Input/output error"), failed.output());
            n.b.start();
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(1));
            n.a.awaitStatus(st -> !st.contains("quorum:no"), Duration.ofSeconds(20));
            directWrite(n, 8).ok();
            n.assertSameData("after the second crash");

            // secondary --force is the way out of a quorum suspension: the held write fails
            n.a.adm("resource-options", "r0", "--on-no-quorum=suspend-io").ok();
            n.b.kill();
            n.a.awaitStatus(s -> s.contains("suspended:quorum"), Duration.ofSeconds(20));
            java.util.concurrent.CompletableFuture<Cmd.Result> held =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> directWrite(n, 9));
            Thread.sleep(1000);
            assertFalse(held.isDone(), "a write went through while suspended for quorum");
            n.a.adm("secondary", "--force", "r0").ok();
            Cmd.Result demoted = held.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, demoted.exit(), "the held write after secondary --force: " + demoted.output());
            n.a.awaitStatus(st -> st.startsWith("r0 role:Secondary"), Duration.ofSeconds(20));
            n.b.start();
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after the forced demotion");

            // the Primary is gone: the Secondary alone has no quorum and is promoted only by force
            n.a.kill();
            n.b.awaitStatus(s -> s.contains("alpha connection:Connecting"), Duration.ofSeconds(20));
            Cmd.Result noQuorum = n.b.adm("primary", "r0");
            assertEquals(11, noQuorum.exit(), noQuorum.output());
            assertTrue(noQuorum.output().contains("(-25) No quorum"), noQuorum.output());
            assertTrue(noQuorum.output().contains("1 of 2 nodes visible, need 2 for quorum"), noQuorum.output());
            n.b.adm("primary", "--force", "r0").ok();
            assertEquals("UpToDate/Outdated\n", n.b.adm("dstate", "r0").output());
            assertFalse(n.b.status().contains("quorum:no"), n.b.status());
        }
    }
}
