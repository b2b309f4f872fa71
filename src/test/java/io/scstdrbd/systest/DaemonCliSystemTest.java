package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: help, version, bad input, mount failures, stale mounts, detaching. */
class DaemonCliSystemTest {
    private static final Path WORK = DaemonProcess.SCRATCH.resolve("cli");

    private static Cmd.Result jar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(DaemonProcess.javaBinary(), "-jar", DaemonProcess.jar().toString()));
        cmd.addAll(List.of(args));
        return Cmd.run(Duration.ofMinutes(2), Map.of("UMC_FS_ROOT", WORK.resolve("env-root").toString()),
                cmd.toArray(new String[0]));
    }

    @Test
    void helpAndVersion() {
        Cmd.Result help = jar("--help").ok();
        assertTrue(help.output().startsWith("Usage: java -jar scst-drbd.jar"), help.output());
        assertTrue(help.output().contains("--fuse-root DIR"));
        assertTrue(jar("-V").ok().output().matches("scst-drbd \\S+\\n"), jar("-V").output());
    }

    @Test
    void badInputGivesOneLineExitTwoAndCreatesNothing() throws Exception {
        Files.createDirectories(WORK);
        Path root = WORK.resolve("never-root");
        Path img = WORK.resolve("never.img");
        String r = "--fuse-root=" + root;
        String[][] cases = {
            {"--bogus"},
            {r, "--backend", "nocolons"},
            {r, "--backend", "x:tape:/tmp/x:1G"},
            {r, "--backend", "x:ram:" + img},
            {r, "--backend", "x:ram:" + WORK.resolve("no/such/dir/x.img") + ":1G"},
            {r, "--backend", "x:ram:@:12Q"},
            {r, "--backend", "a:ram:@:1M", "--backend", "a:ram:@:1M"},
            {r, "--fuse-threads", "0"},
            {"--fuse-root", "relative/path"},
            {r, "--iscsi-listen", "nohost"},
            {r, "--log-level", "LOUD"},
            {r, "--scst-conf", "/nonexistent/scst.conf"},
            {r, "--fuse-root"},
        };
        for (String[] c : cases) {
            Cmd.Result res = jar(c);
            String what = String.join(" ", c);
            assertEquals(2, res.exit(), what + " -> " + res.output());
            String out = res.output().strip();
            assertEquals(1, out.lines().count(), "one line for " + what + ":\n" + out);
            assertTrue(out.startsWith("scst-drbd: "), out);
        }
        assertFalse(Files.exists(root), "nothing was created");
        assertFalse(Files.exists(img));
        assertFalse(DaemonProcess.isMounted(root));
        assertTrue(jar("--bogus").output().contains("--bogus"), "the message names the problem");
        Files.writeString(WORK.resolve("a-file"), "x");
        Cmd.Result notDir = jar("--fuse-root", WORK.resolve("a-file").toString(), "--backend", "a:ram:@:1M");
        assertEquals(2, notDir.exit());
        assertTrue(notDir.output().contains("not a directory"), notDir.output());
    }

    @Test
    void mountFailuresAreOneClearLineAndExitOne() throws Exception {
        DaemonProcess.requireRoot();
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve("plain-file"), "x");
        Path under = WORK.resolve("plain-file/root");
        try (DaemonProcess d = DaemonProcess.builder("cli-mountfail").fuseRoot(under).backend("a:ram:@:1M")
                .noWait().start()) {
            Integer rc = d.awaitExit(Duration.ofSeconds(60));
            assertEquals(1, rc, d.tail());
            assertTrue(d.logText().contains("scst-drbd: start-up failed: cannot create mount point " + under),
                    d.tail());
        }
    }

    @Test
    void aStaleMountLeftByAKilledDaemonIsCleanedUp() {
        DaemonProcess.Builder spec = DaemonProcess.builder("cli-stale").backend("tcmu000:ram:@:16M");
        DaemonProcess killed = spec.start();
        try {
            killed.kill();
            assertTrue(DaemonProcess.isMounted(killed.fuseRoot()), "a dead mount is left behind");
            Cmd.Result ls = Cmd.run("ls", killed.fuseRoot().toString());
            assertTrue(ls.output().contains("Transport endpoint is not connected"), ls.output());
            try (DaemonProcess d = spec.start()) {
                assertTrue(d.logText().contains("removed a stale FUSE mount at " + d.fuseRoot()), d.tail());
                assertTrue(Cmd.run("ls", d.path("dev").toString()).ok().output().contains("tcmu000"));
                d.stop();
            }
        } finally {
            killed.close(); // unmounts the dead mount only if the test failed before the restart
        }
    }

    @Test
    void aSecondDaemonOnTheSameRootIsRefused() {
        try (DaemonProcess first = DaemonProcess.builder("cli-twice").backend("a:ram:@:1M").start();
                DaemonProcess second = DaemonProcess.builder("cli-twice").backend("b:ram:@:1M").noWait().start()) {
            assertEquals(1, second.awaitExit(Duration.ofSeconds(60)), second.tail());
            // refused by the FUSE mount or, as DRBD starts first, by the root's netlink socket
            assertTrue(second.logText().contains("is already a mounted FUSE file system")
                    || second.logText().contains("another daemon is serving /run/scst-drbd/"), second.tail());
            assertTrue(first.isAlive());
            first.stop();
        }
    }

    @Test
    void withoutDashFTheDaemonDetachesAndWritesAPidFile() throws Exception {
        DaemonProcess.requireRoot();
        Files.createDirectories(WORK);
        Path root = DaemonProcess.SCRATCH.resolve("cli-detach-root");
        Path pidFile = WORK.resolve("detach.pid");
        Path log = DaemonProcess.logDir().resolve("cli-detach.log");
        Files.deleteIfExists(pidFile);
        Cmd.Result start = jar("--fuse-root", root.toString(), "--backend", "tcmu000:ram:@:16M", "--pid-file",
                pidFile.toString(), "--log-file", log.toString());
        long pid = -1;
        try {
            assertEquals(0, start.exit(), start.output());
            assertTrue(start.output().contains("scst-drbd started (pid "), start.output());
            pid = Long.parseLong(Files.readString(pidFile).strip());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertTrue(DaemonProcess.isMounted(root));
            assertEquals(2, jar("--fuse-root", root.toString(), "--backend", "x:ram:@:1M", "--pid-file",
                    pidFile.toString()).exit(), "a second start with the same pid file is refused");
            Cmd.run("kill", "-TERM", Long.toString(pid)).ok();
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h != null) {
                h.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertFalse(DaemonProcess.isMounted(root));
            assertFalse(Files.exists(pidFile), "the pid file is removed at exit");
            assertTrue(Files.readString(log).contains("scst-drbd stopped"));
        } finally {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (DaemonProcess.isMounted(root)) {
                Cmd.run("umount", "-l", root.toString());
            }
        }
    }
}
