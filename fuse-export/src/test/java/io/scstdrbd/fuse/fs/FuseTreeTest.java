package io.scstdrbd.fuse.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.fuse.TestDevice;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuseTreeTest {
    private final DeviceRegistry devices = new DeviceRegistry("/r");
    private final ProcFs procfs = new ProcFs();
    private final FuseTree tree = new FuseTree(devices, procfs);

    @Test
    void layoutComesFromTheRegistries() throws Exception {
        devices.register(new TestDevice("tcmu001", 4096));
        procfs.register("proc/drbd", ProcNode.readOnly(() -> "version\n"));
        procfs.mkdir("sys/module/tcmur");
        assertEquals(List.of("dev", "proc", "sys"), names(tree.list(tree.root())));
        FsNode.Dir dev = (FsNode.Dir) tree.lookup(tree.root(), "dev");
        assertEquals(List.of("tcmu001"), names(tree.list(dev)));
        assertTrue(tree.lookup(dev, "tcmu001") instanceof FsNode.Block);
        FsNode.Dir sys = (FsNode.Dir) tree.lookup(tree.root(), "sys");
        FsNode.Dir module = (FsNode.Dir) tree.lookup(sys, "module");
        assertEquals(List.of("tcmur"), names(tree.list(module)));
        assertTrue(tree.list(module).get(0).directory());
        assertNull(tree.lookup(tree.root(), ".."));
        assertNull(tree.lookup(tree.root(), "nothing"));
        assertEquals(4096, tree.totalCapacity());
    }

    @Test
    void replacedNodesAreStaleAndGetNewIds() throws Exception {
        TestDevice d = new TestDevice("tcmu001", 4096);
        devices.register(d);
        FsNode first = tree.resolve("dev/tcmu001");
        assertSame(first, tree.get(first.id()));
        devices.unregister("tcmu001");
        assertNull(tree.get(first.id()));
        devices.register(new TestDevice("tcmu001", 8192));
        FsNode second = tree.resolve("dev/tcmu001");
        assertNotEquals(first.id(), second.id());
        ProcNode a = ProcNode.readOnly(() -> "a");
        procfs.register("proc/x", a);
        FsNode px = tree.resolve("proc/x");
        procfs.unregister("proc/x");
        procfs.register("proc/x", ProcNode.readOnly(() -> "b"));
        assertNull(tree.get(px.id()), "a re-registered proc node is a new node");
    }

    @Test
    void deviceListenerTellsTheKernelAtOnce() throws Exception {
        List<String> told = new ArrayList<>();
        devices.addListener(new DeviceNodeListener(tree, new TreeNotifications() {
            @Override
            public void entryDeleted(long parent, long child, String name) {
                told.add("delete " + parent + " " + child + " " + name);
            }

            @Override
            public void entryChanged(long parent, String name) {
                told.add("changed " + parent + " " + name);
            }

            @Override
            public void attributesChanged(long id) {
                told.add("attr " + id);
            }
        }));
        TestDevice d = new TestDevice("tcmu005", 4096);
        devices.register(d);
        long dev = tree.resolve("dev").id();
        long node = tree.resolve("dev/tcmu005").id();
        devices.notifyResized(d, 2048);
        devices.unregister("tcmu005");
        assertEquals(List.of("changed " + dev + " tcmu005", "attr " + node, "delete " + dev + " " + node + " tcmu005"),
                told);
        assertTrue(tree.known("dev/tcmu005").isEmpty(), "the node is forgotten");
    }

    @Test
    void handleTableRejectsStaleHandles() {
        HandleTable<String> t = new HandleTable<>();
        List<Long> fhs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fhs.add(t.add("v" + i));
        }
        assertEquals("v150", t.get(fhs.get(150)));
        long old = fhs.get(3);
        assertEquals("v3", t.remove(old));
        assertNull(t.remove(old));
        long reused = t.add("new");
        assertNotEquals(old, reused);
        assertEquals(old & 0xffffff, reused & 0xffffff, "the slot is reused");
        assertNull(t.get(old), "the old handle does not reach the new file");
        assertNull(t.get(0));
        assertNull(t.get(-5));
        assertEquals(200, t.clear().size());
        assertNull(t.get(reused));
    }

    private static List<String> names(List<DirEntry> l) {
        List<String> out = new ArrayList<>();
        for (DirEntry e : l) {
            out.add(e.name());
        }
        return out;
    }
}
