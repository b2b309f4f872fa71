package io.scstdrbd.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.model.AdmTarget;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.genl.GenlSocketPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handler scripts run through the kernel-compat usermode helper as the kernel runs them:
 * {@code <usermode_helper> <handler> <resource>} with the kernel's environment plus UMC_FS_ROOT,
 * so the drbdadm they start reaches this daemon.
 */
class HelperTest {
    @TempDir
    Path tmp;

    @Test
    void handlerRunsWithTheKernelsArgumentsAndEnvironment() throws Exception {
        Path root = Files.createDirectories(Path.of("/tmp/drbd-h").resolve("helper-" + ProcessHandle.current().pid()));
        Path out = tmp.resolve("helper.out");
        Path script = tmp.resolve("fake-drbdadm");
        Files.writeString(script, "#!/bin/sh\necho \"args=$*\" > " + out + ".tmp\nenv | sort >> " + out
                + ".tmp\nmv " + out + ".tmp " + out + "\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        boolean rootUser = "root".equals(System.getProperty("user.name"));
        org.junit.jupiter.api.Assumptions.assumeTrue(rootUser && Files.isWritable(Path.of("/run")),
                "the module's netlink socket lives in /run/scst-drbd");
        try (Kernel k = new Kernel(root.toString())) {
            DrbdModule m = new DrbdModule(k, "othernode", ReplicationFactory.NONE);
            m.init();
            try {
                k.params().get("drbd", "usermode_helper").orElseThrow().write(script.toString());
                m.node().newResource("r7", Tlas.RESOURCE_OPTS.empty().with("node_id", 2L));
                Resource r = m.node().read(() -> m.node().resource("r7"));
                m.node().callHelper(r, null, null, "fence-peer");
                long deadline = System.currentTimeMillis() + 10_000;
                while (!Files.exists(out) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                String text = Files.readString(out);
                assertTrue(text.startsWith("args=fence-peer r7\n"), text);
                assertTrue(text.contains("\nUMC_FS_ROOT=" + root + "\n"), text);
                assertTrue(text.contains("\nPATH=/sbin:/usr/sbin:/bin:/usr/bin\n"), text);
                assertTrue(text.contains("\nHOME=/\n") && text.contains("\nTERM=linux\n"), text);
                assertTrue(text.contains("\n__DRBD_NODE__=othernode\n"), text);
                m.node().down(m.node().locked(() -> m.node().prepare(-1, "r7", null, null,
                        AdmTarget.NEED_RESOURCE)));
            } finally {
                m.exit();
                Files.deleteIfExists(GenlSocketPath.forRoot(root.toString()));
                Files.deleteIfExists(root);
            }
        }
        assertEquals(false, Files.exists(out.resolveSibling("helper.out.tmp")));
    }
}
