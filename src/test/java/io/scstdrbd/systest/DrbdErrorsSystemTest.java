package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.genl.GenlSocketPath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets the kernel's error code and message and the daemon keeps running: unknown
 * resource, wrong minor, attach of a missing device, a device held by someone else, a garbled
 * netlink message, promotion without --force on Inconsistent data, a bad resource name.
 */
class DrbdErrorsSystemTest {
    private static final Path WORK = DrbdTools.SCRATCH.resolve("errors");
    private static final Path ROOT = DrbdTools.SCRATCH.resolve("errors-root");

    private static void expect(Cmd.Result r, int exit, String... lines) {
        assertEquals(exit, r.exit(), r.output());
        for (String l : lines) {
            assertTrue(r.output().contains(l), "missing '" + l + "' in:\n" + r.output());
        }
    }

    @Test
    void badInputIsAnsweredAndTheDaemonCarriesOn() throws Exception {
        DrbdTools.require();
        Files.createDirectories(WORK);
        try (DaemonProcess d = DaemonProcess.builder("drbd-errors").fuseRoot(ROOT).fuseRootFromEnv()
                .backend("tcmu001:ram:@:64M").backend("tcmu002:ram:@:64M").start()) {
            Path conf = DrbdTools.writeResource(WORK.resolve("r0.res"), "r0", d.dev("tcmu001"), 1, 17790, "");
            DrbdTools drbd = new DrbdTools(d, conf);
            String dev = d.dev("tcmu001").toString();
            drbd.metaOn("tcmu001", "create-md", "2").ok();

            expect(drbd.setup("status", "nosuch"), 10, "nosuch: No such resource");
            expect(drbd.setup("primary", "nosuch"), 10, "nosuch: Failure: (158) Unknown resource");
            expect(drbd.setup("attach", "7", dev, dev, "internal"), 10, "7: Failure: (127) Device minor not allocated");
            expect(drbd.adm("primary", "nosuch"), 1, "'nosuch' not defined in your config (for this host).");
            expect(drbd.setup("new-resource", "bad/name", "0"), 10,
                    "bad/name: Failure: (162) Invalid configuration request",
                    "invalid name (strict_names=1 allows only [0-9A-Za-z+._-])");

            drbd.adm("up", "r0").ok();
            // promotion without --force on Inconsistent data
            expect(drbd.adm("primary", "r0"), 17, "r0: State change failed: (-2) Need access to UpToDate data");
            expect(drbd.setup("primary", "r0"), 17, "r0: State change failed: (-2) Need access to UpToDate data");
            // a missing device, a node that is no block device: drbdsetup's own checks, as with a kernel
            String missing = d.path("dev/nodev").toString();
            expect(drbd.setup("attach", "1", missing, missing, "internal"), 20, "Can not open device '" + missing + "'");
            String ctl = d.path("dev/tcmur").toString();
            expect(drbd.setup("attach", "1", ctl, ctl, "internal"), 20, ctl + " is not a block device!");
            // attach while attached: the daemon refuses with the kernel's code
            expect(drbd.setup("attach", "1", d.dev("tcmu002").toString(), d.dev("tcmu002").toString(), "internal"),
                    10, "1: Failure: (124) Device is attached to a disk (use detach first)");
            // the backing device is claimed: neither another minor nor a FUSE writer gets it
            drbd.setup("new-minor", "r0", "2", "1").ok();
            expect(drbd.setup("attach", "2", dev, dev, "internal"), 20, "Device or resource busy");
            Cmd.Result w = Cmd.sh("echo x | dd of=" + dev + " bs=512 count=1 conv=notrunc 2>&1");
            assertTrue(w.exit() != 0 && w.output().contains("busy"), w.output());
            expect(drbd.setup("connect", "r0", "5"), 10, "r0: Failure: (162) Invalid configuration request",
                    "unknown connection");
            expect(drbd.setup("detach", "9"), 10, "9: Failure: (127) Device minor not allocated");

            // garbled netlink: a header that lies about its length, then bytes that are no message
            Path sock = GenlSocketPath.forRoot(d.fuseRoot().toString());
            Cmd.Result py = Cmd.run("python3", "-c", String.join("\n",
                    "import socket, struct, sys",
                    "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                    "s.connect(sys.argv[1])",
                    "s.sendall(struct.pack('=IHHII', 3, 0x13, 1, 77, 1) + b'garbage!')",
                    "r = s.recv(4096)",
                    "print(len(r), struct.unpack_from('=IHHIIi', r))",
                    "try:",
                    "    print('closed' if s.recv(4096) == b'' else 'open')",
                    "except ConnectionResetError:",
                    "    print('closed')"), sock.toString());
            assertEquals(0, py.exit(), py.output());
            // NLMSG_ERROR (2), NLM_F_CAPPED (0x100), the request's seq and pid, -EINVAL
            assertTrue(py.output().contains(", 2, 256, 77, 1, -22)"), "expected NLMSG_ERROR -EINVAL: " + py.output());
            assertTrue(py.output().contains("closed"), py.output());
            assertTrue(d.logText().contains("netlink message declares length 3"), "no log line for the garbage");

            // still serving
            drbd.setup("del-minor", "2").ok();
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  vagrant connection:Connecting\n\n",
                    drbd.adm("status", "r0").ok().output());
            drbd.adm("down", "r0").ok();
            d.stop();
        }
    }
}
