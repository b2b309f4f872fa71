package io.scstdrbd.scst.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/scst.conf as shipped: it parses, and applied to a daemon whose FUSE root stands in for
 * /UMCfuse it exports exactly the devices, groups and LUN numbers it describes, with drbd1 not
 * up yet.
 */
class ShippedConfigTest {
    @TempDir
    Path dir;

    static String shipped() throws Exception {
        Path p = Path.of(System.getProperty("user.dir")).resolve("../conf/scst.conf").normalize();
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void exportsWhatItDescribes() throws Exception {
        String text = shipped();
        ScstConfig c = ScstConfigParser.parse("conf/scst.conf", text);
        assertEquals(List.of("disk_ram000", "disk_drbd1"), c.devices().stream().map(d -> d.name()).toList());
        try (TestFabric f = new TestFabric(dir, text.replace("/UMCfuse", "@ROOT@"), new RamDisk("tcmu000", 4 << 20))) {
            assertEquals(List.of("Default", "blackbox", "libiscsi"), f.scst.accessControl().groupNames());
            TestFabric.Session blackbox = f.login("iqn.1993-08.org.debian:01:42f44c781338");
            assertEquals(List.of(0L, 1L), blackbox.session.luns());
            blackbox.clearUnitAttentions(0);
            blackbox.clearUnitAttentions(1);
            assertEquals(0, blackbox.in(0, Cdb.tur(), 0).status());
            assertEquals(0x3a00, blackbox.in(1, Cdb.tur(), 0).ascq(), "drbd1 is not up yet");
            assertEquals(4096, io.scstdrbd.kernel.bytes.BigEndian.u32(
                    blackbox.in(0, Cdb.readCapacity10(), 8).data(), 4));
            TestFabric.Session libiscsi = f.login("iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test");
            assertEquals(List.of(0L), libiscsi.session.luns());
            assertEquals(List.of(), f.login("iqn.2024-01.example:stranger").session.luns());
        }
    }
}
