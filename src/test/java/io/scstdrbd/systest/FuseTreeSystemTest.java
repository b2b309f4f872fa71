package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tree as an admin sees it with shell tools: nodes appearing and vanishing through
 * dev/tcmur, proc/partitions, module parameters with validation, permissions, and the
 * "only the daemon creates nodes" rule.
 */
class FuseTreeSystemTest {
    private static DaemonProcess daemon;

    @BeforeAll
    static void start() {
        DaemonProcess.requireRoot();
        daemon = DaemonProcess.builder("tree").backend("tcmu000:ram:@:64M").start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            try {
                daemon.stop();
            } finally {
                daemon.close();
            }
        }
    }

    private static Cmd.Result write(String relative, String text) {
        return Cmd.sh("echo '" + text + "' > " + daemon.path(relative));
    }

    private static String cat(String relative) {
        return Cmd.run("cat", daemon.path(relative).toString()).ok().output();
    }

    @Test
    void controlNodeAddsAndRemovesDevicesAndNodesFollow() throws Exception {
        Path ram2 = daemon.dev("ram002");
        assertFalse(Files.exists(ram2));
        write("dev/tcmur", "add 2 /ram/@ 64M").ok();
        assertTrue(Cmd.run("ls", daemon.path("dev").toString()).ok().output().contains("ram002"));
        assertEquals(64L << 20, Files.size(ram2));
        assertTrue(cat("proc/partitions").contains(" 65536 ram002\n"), cat("proc/partitions"));
        assertTrue(cat("dev/tcmur").contains("ram002"));

        Cmd.Result dup = write("dev/tcmur", "add 2 /ram/@ 64M");
        assertNotEquals(0, dup.exit());
        assertTrue(dup.output().contains("File exists"), dup.output());
        Cmd.Result bad = write("dev/tcmur", "add 256 /ram/@ 1M");
        assertTrue(bad.output().contains("Invalid argument"), bad.output());
        assertTrue(write("dev/tcmur", "frobnicate").output().contains("Invalid argument"));

        try (FileChannel open = FileChannel.open(ram2, StandardOpenOption.READ)) {
            Cmd.Result busy = write("dev/tcmur", "remove ram002");
            assertNotEquals(0, busy.exit());
            assertTrue(busy.output().contains("Device or resource busy"), busy.output());
            assertEquals(64L << 20, open.size());
        }
        // the reader's RELEASE may still be on its way: removal succeeds once it arrived
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Cmd.Result rm;
        do {
            rm = write("dev/tcmur", "remove ram002");
        } while (rm.exit() != 0 && System.nanoTime() < deadline);
        rm.ok();
        assertFalse(Files.exists(ram2), "the node vanished");
        assertFalse(Cmd.run("ls", daemon.path("dev").toString()).ok().output().contains("ram002"));
        assertFalse(cat("proc/partitions").contains("ram002"));
        assertTrue(cat("dev/tcmur").contains("last: remove ram002 -> OK"), cat("dev/tcmur"));
    }

    @Test
    void procAndModuleParametersReadAndValidateWrites() {
        String part = cat("proc/partitions");
        assertTrue(part.startsWith("major minor  #blocks  name\n\n"), part);
        assertTrue(part.contains(" 240        0      65536 tcmu000\n"), part);
        String p = "sys/module/fuse_tree/parameters/";
        assertEquals("2000\n", cat(p + "writer_grace_ms"));
        Cmd.Result garbage = write(p + "writer_grace_ms", "abc");
        assertNotEquals(0, garbage.exit());
        assertTrue(garbage.output().contains("Invalid argument"), garbage.output());
        assertTrue(write(p + "writer_grace_ms", "99999999").output().contains("Invalid argument"));
        write(p + "attr_timeout_ms", "0x3e8").ok();
        assertEquals("1000\n", cat(p + "attr_timeout_ms"));
        Cmd.Result ro = write(p + "max_write", "4096");
        assertTrue(ro.output().contains("Permission denied"), ro.output());
        assertEquals("1048576\n", cat(p + "max_write"));
        assertTrue(daemon.logText().contains("writer_grace_ms: not a number: 'abc'"), "failed writes are logged");
    }

    @Test
    void writerGraceParameterChangesTheOpenBehaviourAtRunTime() throws Exception {
        String p = "sys/module/fuse_tree/parameters/writer_grace_ms";
        Path node = daemon.dev("tcmu000");
        try (FileChannel holder = FileChannel.open(node, StandardOpenOption.WRITE)) {
            write(p, "0").ok();
            long t0 = System.nanoTime();
            Cmd.Result dd = Cmd.run("dd", "if=/dev/zero", "of=" + node, "bs=512", "count=1", "conv=notrunc");
            long fast = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(dd.output().contains("Device or resource busy"), dd.output());
            write(p, "1200").ok();
            t0 = System.nanoTime();
            dd = Cmd.run("dd", "if=/dev/zero", "of=" + node, "bs=512", "count=1", "conv=notrunc");
            long slow = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(dd.output().contains("Device or resource busy"), dd.output());
            assertTrue(slow >= 1100 && slow > fast + 700, "grace 0: " + fast + " ms, grace 1200: " + slow + " ms");
        } finally {
            write(p, "2000").ok();
        }
    }

    @Test
    void onlyTheDaemonCreatesNodesAndModesAreReal() {
        Cmd.Result create = write("dev/newfile", "x");
        assertTrue(create.output().contains("Operation not permitted"), create.output());
        assertTrue(Cmd.run("mkdir", daemon.path("dev/d").toString()).output().contains("Operation not permitted"));
        assertTrue(Cmd.run("rm", "-f", daemon.dev("tcmu000").toString()).output().contains("Operation not permitted"));
        assertTrue(Cmd.run("chmod", "777", daemon.dev("tcmu000").toString()).output()
                .contains("Operation not permitted"));
        Cmd.run("touch", daemon.dev("tcmu000").toString()).ok();
        String ls = Cmd.run("ls", "-l", daemon.path("dev").toString()).ok().output();
        assertTrue(ls.matches("(?s).*-rw-rw---- 1 root root\\s+67108864 .* tcmu000\n.*"), ls);
        assertTrue(ls.matches("(?s).*-rw-rw-r-- 1 root root\\s+0 .* tcmur\n.*"), ls);
        assertTrue(Cmd.run("ls", "-l", daemon.path("proc").toString()).ok().output().contains("-r--r--r-- 1 root root"));
        String df = Cmd.run("stat", "-f", "-c", "%S %b", daemon.fuseRoot().toString()).ok().output().strip();
        assertTrue(df.startsWith("4096 ") && Long.parseLong(df.substring(5)) >= 16384, df);
        assertEquals("fuse.scst-drbd", DaemonProcess.mountTypeAt(daemon.fuseRoot()));
    }
}
