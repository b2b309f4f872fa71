package io.scstdrbd.drbd.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scstdrbd.drbd.testutil.Run;
import io.scstdrbd.drbd.testutil.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The real drbd-utils 9.22 against the in-process engine through the shim: {@code drbdsetup
 * show} round-trips through drbdadm's parser, so adjust issues nothing on an unchanged
 * configuration and exactly the changed options otherwise.
 */
class DrbdUtilsTest {

    @Test
    void adjustIssuesOnlyWhatChanged() throws Exception {
        assumeTrue(TestNode.toolsAvailable(), "needs root, drbd-utils and the shim");
        try (TestNode n = new TestNode("utils")) {
            n.addDisk("tcmu001", 64L << 20);
            Path conf = n.resourceFile("r0", 1, "tcmu001", 17793);
            String dev = n.root + "/dev/tcmu001";
            Run r = n.run("drbdmeta", "1", "v09", dev, "internal", "create-md", "2");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", conf.toString(), "up", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", conf.toString(), "-d", "adjust", "r0");
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.out, "adjust on an unchanged configuration");

            Files.writeString(conf, Files.readString(conf).replace("resync-rate 40000K;",
                    "resync-rate 30000K; al-extents 3001;").replace("  on " + n.host,
                    "  net { ping-int 7; }\n  on " + n.host));
            r = n.run("drbdadm", "-c", conf.toString(), "-d", "adjust", "r0");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.contains("drbdsetup disk-options 1 --set-defaults --al-extents=3001"), r.out);
            assertTrue(r.out.contains("drbdsetup net-options r0 1 --set-defaults --_name=peer-absent --ping-int=7"),
                    r.out);
            assertTrue(r.out.contains("--resync-rate=30000K"), r.out);
            r = n.run("drbdadm", "-c", conf.toString(), "adjust", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", conf.toString(), "-d", "adjust", "r0");
            assertEquals("", r.out, "adjust after applying the change");
            r = n.run("drbdsetup", "show", "r0");
            assertTrue(r.out.contains("al-extents      \t3001;"), r.out);
            assertTrue(r.out.contains("ping-int        \t7; # seconds"), r.out);

            // events2 of a resource that does not exist: no objects, the dump ends as always
            r = n.run("drbdsetup", "events2", "--now", "r9");
            assertEquals(0, r.exit, r.toString());
            assertEquals("exists -\n", r.out);

            // option combinations the kernel refuses (_check_net_options), and al-extents it clamps
            r = n.run("drbdsetup", "net-options", "r0", "1", "--allow-two-primaries=yes", "--protocol=A");
            assertEquals(10, r.exit, r.toString());
            assertTrue(r.toString().contains("(139)"), r.toString());
            r = n.run("drbdsetup", "net-options", "r0", "1", "--protocol=A", "--fencing=resource-and-stonith");
            assertEquals(10, r.exit, r.toString());
            assertTrue(r.toString().contains("(154)"), r.toString());
            r = n.run("drbdsetup", "net-options", "r0", "1", "--on-congestion=pull-ahead");
            assertEquals(10, r.exit, r.toString());
            assertTrue(r.toString().contains("(155)"), r.toString());
            r = n.run("drbdsetup", "net-options", "r0", "1", "--protocol=A", "--on-congestion=pull-ahead");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdsetup", "disk-options", "1", "--al-extents=5");
            assertEquals(0, r.exit, r.toString());
            assertTrue(n.run("drbdsetup", "show", "r0").out.contains("al-extents      \t67;"), "raised to the minimum");
            r = n.run("drbdsetup", "disk-options", "1", "--al-extents=65534");
            assertEquals(0, r.exit, r.toString());
            assertTrue(n.run("drbdsetup", "show", "r0").out.contains("al-extents      \t6433;"),
                    "cut to what 8 transaction blocks describe: 7 x 919");

            r = n.run("drbdadm", "-c", conf.toString(), "down", "r0");
            assertEquals(0, r.exit, r.toString());
        }
    }

    @Test
    void externalMetadataResizeAndDataGenerationCommands() throws Exception {
        assumeTrue(TestNode.toolsAvailable(), "needs root, drbd-utils and the shim");
        try (TestNode n = new TestNode("ext")) {
            n.addDisk("tcmu001", 64L << 20);
            n.addDisk("tcmu002", 16L << 20);
            String meta = n.root + "/dev/tcmu002";
            Path conf = n.resourceFile("r0", 1, "tcmu001", meta, 17794);
            String c = conf.toString();
            Run r = n.run("drbdadm", "-c", c, "create-md", "--max-peers=2", "--force", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", c, "up", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdsetup", "show", "r0");
            assertTrue(r.out.contains("meta-disk\t\t\t\"" + meta + "\";"), r.out);
            r = n.run("drbdadm", "-c", c, "-d", "adjust", "r0");
            assertEquals("", r.out, r.toString());
            // external metadata: the whole backing device is data
            r = n.run("drbdsetup", "status", "r0", "--verbose", "--statistics");
            assertTrue(r.out.contains("size:65536 "), r.out);
            r = n.run("drbdadm", "-c", c, "primary", "--force", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", c, "resize", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", c, "invalidate-remote", "r0");
            assertEquals(0, r.exit, "a Primary without connection marks the peer for a full sync: " + r);
            r = n.run("drbdsetup", "status", "r0", "--verbose", "--statistics");
            assertTrue(r.out.contains("out-of-sync:65536 "), r.out);
            String before = n.run("drbdadm", "-c", c, "get-gi", "r0").out.strip();
            r = n.run("drbdadm", "-c", c, "new-current-uuid", "--clear-bitmap", "r0/0");
            assertEquals(0, r.exit, r.toString());
            String after = n.run("drbdadm", "-c", c, "get-gi", "r0").out.strip();
            assertTrue(!before.split(":")[0].equals(after.split(":")[0]), before + " / " + after);
            r = n.run("drbdsetup", "status", "r0", "--verbose", "--statistics");
            assertTrue(r.out.contains("out-of-sync:0 "), r.out);
            r = n.run("drbdadm", "-c", c, "secondary", "r0");
            assertEquals(0, r.exit, r.toString());
            // bit 0 of the current UUID says "created while Primary" and is cleared by the demotion
            String secondary = n.run("drbdadm", "-c", c, "get-gi", "r0").out.strip().split(":")[0];
            assertEquals(Long.parseUnsignedLong(after.split(":")[0], 16) & ~1L, Long.parseUnsignedLong(secondary, 16));
            r = n.run("drbdadm", "-c", c, "down", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", c, "apply-al", "r0");
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", c, "dump-md", "r0");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.contains("current-uuid 0x" + secondary + ";"), r.out);
            assertTrue(r.out.contains("la-size-sect 131072;"), r.out);
        }
    }
}
