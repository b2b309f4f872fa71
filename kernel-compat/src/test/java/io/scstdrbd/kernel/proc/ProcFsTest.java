package io.scstdrbd.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void treeListsDirectoriesImpliedByNodes() throws Exception {
        ProcFs fs = new ProcFs();
        fs.register("proc/drbd", ProcNode.readOnly(() -> "version: 9\n"));
        fs.mkdir("sys/module/tcmur");
        ModuleParams mp = new ModuleParams(fs);
        mp.add("drbd", ModuleParam.ofLong("minor_count", 32, 1, 255, true));
        assertEquals(List.of("proc", "sys"), fs.children(""));
        assertEquals(List.of("drbd", "tcmur"), fs.children("sys/module"));
        assertTrue(fs.isDirectory("sys/module/drbd/parameters"));
        assertFalse(fs.isDirectory("proc/drbd"));
        assertEquals("version: 9\n", fs.lookup("proc/drbd").orElseThrow().read());
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> fs.register("proc/drbd", ProcNode.readOnly(() -> ""))).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> fs.register("proc/../x", ProcNode.readOnly(() -> ""))).errno());
        mp.removeModule("drbd");
        assertEquals(List.of("tcmur"), fs.children("sys/module"));
    }

    @Test
    void parametersValidateWrites() throws Exception {
        ModuleParam n = ModuleParam.ofLong("minor_count", 32, 1, 255, true);
        n.write("0x10\n");
        assertEquals(16, n.longValue());
        assertEquals("16\n", n.read());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> n.write("256")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> n.write("many")).errno());
        assertEquals(16, n.longValue());

        ModuleParam b = ModuleParam.ofBool("allow_oos", false, true);
        assertEquals("N\n", b.read());
        b.write("Y");
        assertTrue(b.boolValue());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> b.write("maybe")).errno());

        ModuleParam ro = ModuleParam.ofLong("x", 1, 0, 9, false);
        assertEquals(0444, ro.mode());
        assertEquals(Errno.EACCES, assertThrows(KernelException.class, () -> ro.write("2")).errno());
    }
}
