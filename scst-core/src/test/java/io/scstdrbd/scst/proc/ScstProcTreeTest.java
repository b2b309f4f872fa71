package io.scstdrbd.scst.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** proc/scsi_tgt as scstadmin (procfs) reads and writes it. */
class ScstProcTreeTest {
    @TempDir
    Path dir;
    TestFabric fabric;
    ProcFs proc;

    @BeforeEach
    void setUp() throws Exception {
        fabric = new TestFabric(dir, null, RamDisk.thin("tcmu000", 2 << 20), new RamDisk("tcmu001", 1 << 20),
                new RamDisk("tcmu002", 1 << 20));
        proc = fabric.kernel.procfs();
    }

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    String read(String path) throws KernelException {
        return proc.lookup(path).orElseThrow(() -> new AssertionError("no " + path)).read();
    }

    void write(String path, String cmd) throws KernelException {
        ProcNode n = proc.lookup(path).orElseThrow(() -> new AssertionError("no " + path));
        n.write(cmd + "\n\0");
    }

    @Test
    void listingsUseScstFormats() throws KernelException {
        String devs = read("proc/scsi_tgt/scsi_tgt");
        assertTrue(devs.startsWith(String.format("%-60s%s%n", "Device (host:ch:id:lun or name)", "Device handler")));
        assertTrue(devs.contains(String.format("%-60s%s%n", "disk_tcmu000", "vdisk")));
        String vdisk = read("proc/scsi_tgt/vdisk/vdisk");
        assertTrue(vdisk.startsWith(String.format("%-17s %-11s %-11s %-15s %-45s %-16s%n", "Name", "Size(MB)",
                "Block size", "Options", "File name", "T10 device id")));
        assertTrue(vdisk.contains(String.format("%-17s %-11d %-12d%-16s", "disk_tcmu000", 2, 512, "BIO RM ")), vdisk);
        String grp = read("proc/scsi_tgt/groups/Default/devices");
        assertTrue(grp.contains(String.format("%-60s%-13d%s%n", "disk_tcmu001", 1, "")));
        assertEquals("PERIPHERAL\n", read("proc/scsi_tgt/groups/Default/addr_method"));
        assertEquals("0 - Direct-access device (e.g., magnetic disk)\n", read("proc/scsi_tgt/vdisk/type"));
        assertTrue(read("proc/scsi_tgt/version").startsWith("3.3.0"));
        fabric.login("iqn.test:a");
        String sessions = read("proc/scsi_tgt/sessions");
        assertTrue(sessions.contains("iqn.test:a"));
        assertTrue(sessions.contains("Default"));
        assertEquals("0\n", proc.lookup("sys/module/scsi_tgt/parameters/forcibly_close_sessions").get().read());
    }

    @Test
    void scstadminStyleConfiguration() throws KernelException {
        write("proc/scsi_tgt/vdisk/vdisk", "open extra " + fabric.kernel.fsRoot() + "/dev/tcmu002 4096 BLOCKIO READ_ONLY");
        write("proc/scsi_tgt/vdisk/vdisk", "set_t10_dev_id extra t10extra");
        write("proc/scsi_tgt/scsi_tgt", "add_group hosts");
        write("proc/scsi_tgt/groups/hosts/names", "add iqn.test:host");
        write("proc/scsi_tgt/groups/hosts/devices", "add extra 0 READ_ONLY");
        assertEquals("iqn.test:host\n", read("proc/scsi_tgt/groups/hosts/names"));
        assertTrue(read("proc/scsi_tgt/groups/hosts/devices").contains(String.format("%-60s%-13d%s", "extra", 0, "RO")));
        TestFabric.Session s = fabric.login("iqn.test:host");
        assertEquals(java.util.List.of(0L), s.session.luns());
        assertEquals(4096, fabric.scst.vdisks().get("extra").blockSize());
        assertTrue(read("proc/scsi_tgt/vdisk/vdisk").contains("t10extra"));
        write("proc/scsi_tgt/scsi_tgt", "rename_group hosts servers");
        assertTrue(proc.lookup("proc/scsi_tgt/groups/servers/names").isPresent());
        assertFalse(proc.lookup("proc/scsi_tgt/groups/hosts/names").isPresent());
        // a mapped device cannot be closed
        KernelException e = assertThrows(KernelException.class, () -> write("proc/scsi_tgt/vdisk/vdisk", "close extra"));
        assertEquals(Errno.EBUSY, e.errno());
        write("proc/scsi_tgt/groups/servers/devices", "del extra 0");
        write("proc/scsi_tgt/vdisk/vdisk", "close extra");
        write("proc/scsi_tgt/scsi_tgt", "del_group servers");
        assertFalse(read("proc/scsi_tgt/scsi_tgt").contains("extra"));
        assertEquals("Default", fabric.scst.accessControl().groupFor("iqn.test:host").name());
    }

    @Test
    void badCommandsFailWithAnErrno() {
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/scsi_tgt", "frobnicate")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/vdisk/vdisk", "open x relative/path")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/vdisk/vdisk", "open x /tmp/f 1000")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/vdisk/vdisk", "open x /tmp/f FAST")).errno());
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/groups/Default/devices", "add disk_tcmu000 1")).errno());
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/groups/Default/devices", "add nodisk 5")).errno());
        assertEquals(Errno.ENODEV, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/scsi_tgt", "assign 0:0:0:0 disk")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> write("proc/scsi_tgt/threads", "many")).errno());
    }
}
