package io.scstdrbd.scst.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.scst.device.VdiskOptions;
import org.junit.jupiter.api.Test;

/** The procfs-era scst.conf format, with the seed's sample. */
class ScstConfigParserTest {
    static final String SEED = String.join("\n",
            "# /etc/scst.conf",
            "# Comments must start a line (no comments at end of line after commands)",
            "",
            "[OPTIONS]",
            "KEEP_CONFIG TRUE",
            "ISSUE_LIP FALSE",
            "",
            "[HANDLER vdisk]",
            "#DEVICE <vdisk name>,<device path>,<options>,<block size>,<t10 device id>",
            "",
            "DEVICE disk_ram000,/UMCfuse/dev/tcmu000,BLOCKIO,4096,tcmu000",
            "DEVICE disk_drbd1,/UMCfuse/dev/drbd1,BLOCKIO,4096,drbd1",
            "",
            "[GROUP Default]",
            "",
            "[GROUP blackbox]",
            "USER iqn.1993-08.org.debian:01:42f44c781338",
            "",
            "[ASSIGNMENT blackbox]",
            "DEVICE disk_ram000,0",
            "DEVICE disk_drbd1,1",
            "",
            "[TARGETS enable]",
            "#HOST <wwn identifier>",
            "",
            "[TARGETS disable]",
            "#HOST <wwn identifier>",
            "");

    @Test
    void seedConfiguration() throws ConfigException {
        ScstConfig c = ScstConfigParser.parse("scst.conf", SEED);
        assertTrue(c.keepConfig());
        assertEquals(2, c.devices().size());
        VdiskOptions d = c.devices().get(1);
        assertEquals("disk_drbd1", d.name());
        assertEquals("/UMCfuse/dev/drbd1", d.filename());
        assertEquals(4096, d.blockSize());
        assertTrue(d.blockio());
        assertEquals("drbd1", d.t10DevId());
        assertEquals(2, c.groups().size());
        assertEquals(java.util.List.of("iqn.1993-08.org.debian:01:42f44c781338"), c.groups().get(1).users());
        assertEquals(new ScstConfig.Assignment("blackbox", "disk_drbd1", 1, false), c.assignments().get(1));
    }

    @Test
    void optionsSeparatedByBarsOrSpacesAndShortForms() throws ConfigException {
        ScstConfig c = ScstConfigParser.parse("f", "[HANDLER vdisk]\nDEVICE a,/x/y,BIO|RO RM,0x200\n"
                + "DEVICE n,,NULLIO\n[ASSIGNMENT Default]\nDEVICE a,5,READ_ONLY\n");
        VdiskOptions a = c.devices().get(0);
        assertTrue(a.blockio() && a.readOnly() && a.removable());
        assertEquals(512, a.blockSize());
        assertTrue(c.devices().get(1).nullio());
        assertTrue(c.assignments().get(0).readOnly());
    }

    static String error(String text) {
        return assertThrows(ConfigException.class, () -> ScstConfigParser.parse("scst.conf", text)).getMessage();
    }

    @Test
    void errorsNameFileAndLine() {
        assertEquals("scst.conf:2: unknown vdisk option 'FAST'".replace("unknown", "device a: unknown"),
                error("[HANDLER vdisk]\nDEVICE a,/x,FAST\n"));
        assertTrue(error("[HANDLER vdisk]\nDEVICE a,/x\n[ASSIGNMENT g]\n").startsWith("scst.conf:3: assignment to group g"));
        assertTrue(error("[HANDLER vdisk]\nDEVICE a,/x\n[ASSIGNMENT Default]\nDEVICE b,0\n")
                .startsWith("scst.conf:4: device b is not defined"));
        assertTrue(error("[HANDLER vdisk]\nDEVICE a,/x\nDEVICE b,/y\n[ASSIGNMENT Default]\nDEVICE a,0\nDEVICE b,0\n")
                .startsWith("scst.conf:6: LUN 0 of group Default is already assigned on line 5"));
        assertTrue(error("[HANDLER vdisk]\nDEVICE a,/x,BLOCKIO,1024\n").contains("block size 1024"));
        assertTrue(error("KEEP_CONFIG TRUE\n").startsWith("scst.conf:1: 'KEEP_CONFIG TRUE' outside any section"));
        assertTrue(error("[HANDLER vdisk]\nDEVICE a,relative/path\n").contains("not an absolute path"));
        assertTrue(error("[GROUP g]\nUSER x\n[GROUP h]\nUSER x\n").startsWith("scst.conf:4: initiator x is already"));
        assertTrue(error("[HANDLER vcdrom]\nDEVICE cd,/x.iso\n").contains("vcdrom"));
        assertTrue(error("[WHATEVER]\n").contains("unknown section"));
    }

    @Test
    void emptyFileIsValid() throws ConfigException {
        ScstConfig c = ScstConfigParser.parse("f", "");
        assertFalse(c.keepConfig());
        assertTrue(c.devices().isEmpty());
    }
}
