package io.scstdrbd.drbd.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scstdrbd.drbd.testutil.Run;
import io.scstdrbd.drbd.testutil.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real drbd-utils 9.22 drive the in-process engine through the shim. */
class DrbdUtilsTest {

    @Test
    void upStatusPrimaryDown() throws Exception {
        assumeTrue(TestNode.toolsAvailable(), "needs root, drbd-utils and the shim");
        try (TestNode n = new TestNode("utils")) {
            n.addDisk("tcmu001", 64L << 20);
            Path conf = n.resourceFile("r0", 1, "tcmu001", 17790);
            String dev = n.root + "/dev/tcmu001";
            Run r = n.run("drbdmeta", "1", "v09", dev, "internal", "create-md", "2");
            System.out.println(r);
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", conf.toString(), "up", "r0");
            System.out.println(r);
            assertEquals(0, r.exit, r.toString());
            r = n.run("drbdadm", "-c", conf.toString(), "status", "r0");
            System.out.println(r);
            r = n.run("drbdsetup", "show", "r0");
            System.out.println(r);
            r = n.run("drbdadm", "-c", conf.toString(), "-d", "adjust", "r0");
            System.out.println(r);
            r = n.run("drbdadm", "-c", conf.toString(), "primary", "r0");
            System.out.println(r);
            r = n.run("drbdadm", "-c", conf.toString(), "primary", "--force", "r0");
            System.out.println(r);
            r = n.run("drbdsetup", "events2", "--now");
            System.out.println(r);
            r = n.run("drbdsetup", "status", "r0", "--verbose", "--statistics");
            System.out.println(r);
            r = n.run("drbdadm", "-c", conf.toString(), "secondary", "r0");
            System.out.println(r);
            r = n.run("drbdadm", "-c", conf.toString(), "down", "r0");
            System.out.println(r);
            r = n.run("drbdmeta", "1", "v09", dev, "internal", "dump-md");
            System.out.println(r);
        }
    }
}
