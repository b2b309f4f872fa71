package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The LD_PRELOAD shim and the wrappers change nothing without UMC_FS_ROOT (a host with kernel
 * DRBD sees its own DRBD), and with it {@code sudo -E drbdadm} reaches the daemon of that root.
 */
class DrbdShimSystemTest {
    private static final Path WORK = DrbdTools.SCRATCH.resolve("shim");
    private static final Path ROOT = DrbdTools.SCRATCH.resolve("shim-root");

    private static Cmd.Result run(Map<String, String> env, String... argv) {
        return Cmd.run(Duration.ofMinutes(1), env, argv);
    }

    private static Map<String, String> noRoot(boolean preload) {
        Map<String, String> e = new HashMap<>();
        e.put("UMC_FS_ROOT", "");
        if (preload) {
            e.put("LD_PRELOAD", DrbdTools.shim());
        }
        return e;
    }

    @Test
    void inertWithoutUmcFsRoot() {
        DrbdTools.require();
        // whatever the host's DRBD says (here: no module), the shim does not change it
        for (String[] cmd : new String[][] {{"/usr/sbin/drbdsetup", "status"}, {"/usr/sbin/drbdsetup", "events2", "--now"},
            {"cat", "/proc/drbd"}, {"/usr/sbin/drbdadm", "--version"}}) {
            Cmd.Result plain = run(noRoot(false), cmd);
            Cmd.Result shimmed = run(noRoot(true), cmd);
            assertEquals(plain.exit(), shimmed.exit(), String.join(" ", cmd));
            assertEquals(plain.output(), shimmed.output(), String.join(" ", cmd));
            if (Files.isExecutable(Path.of("/usr/local/sbin/drbdsetup")) && cmd[0].startsWith("/usr/sbin/")) {
                String[] wrapped = cmd.clone();
                wrapped[0] = "/usr/local/sbin/" + cmd[0].substring("/usr/sbin/".length());
                Cmd.Result w = run(noRoot(false), wrapped);
                assertEquals(plain.exit(), w.exit(), String.join(" ", wrapped));
                assertEquals(plain.output(), w.output(), String.join(" ", wrapped));
            }
        }
    }

    @Test
    void sudoDashEDrbdadmReachesTheDaemonOfItsRoot() throws Exception {
        DrbdTools.require();
        assumeTrue(Files.isExecutable(Path.of("/usr/local/sbin/drbdadm")), "wrappers not installed (tools/install-deps.sh)");
        assumeTrue(Cmd.available("sudo"), "sudo not installed");
        Files.createDirectories(WORK);
        try (DaemonProcess d = DaemonProcess.builder("drbd-shim").fuseRoot(ROOT).fuseRootFromEnv()
                .backend("tcmu001:ram:@:64M").start()) {
            Path conf = DrbdTools.writeResource(WORK.resolve("r0.res"), "r0", d.dev("tcmu001"), 1, 17792, "");
            Map<String, String> env = new HashMap<>();
            env.put("UMC_FS_ROOT", d.fuseRoot().toString());
            String c = conf.toString();
            run(env, "sudo", "-E", "drbdmeta", "1", "v09", d.dev("tcmu001").toString(), "internal", "create-md", "2").ok();
            run(env, "sudo", "-E", "drbdadm", "-c", c, "up", "r0").ok();
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  vagrant connection:Connecting\n\n",
                    run(env, "sudo", "-E", "drbdadm", "-c", c, "status", "r0").ok().output());
            assertTrue(run(env, "sudo", "-E", "drbdsetup", "status").ok().output().startsWith("r0 role:Secondary"));
            // only root may configure: the socket is 0600 root
            Cmd.Result nobody = run(Map.of(), "runuser", "-u", "nobody", "--", "env", "UMC_FS_ROOT=" + d.fuseRoot(),
                    "LD_PRELOAD=" + DrbdTools.shim(), "/usr/sbin/drbdsetup", "status");
            assertEquals(20, nobody.exit(), nobody.output());
            assertTrue(nobody.output().contains("Could not connect to 'drbd' generic netlink family"), nobody.output());
            // and the same command without UMC_FS_ROOT does not see the daemon's resource
            Cmd.Result host = run(noRoot(false), "sudo", "drbdsetup", "status", "r0");
            assertTrue(host.exit() != 0, host.output());
            run(env, "sudo", "-E", "drbdadm", "-c", c, "down", "r0").ok();
            d.stop();
        }
    }
}
