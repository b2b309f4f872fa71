package io.scstdrbd.fuse.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
    private static final String SAMPLE = String.join("\n",
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "42 27 0:39 / /tmp/fuse-h/root1 rw,nosuid,nodev,relatime shared:20 - fuse.scst-drbd scst-drbd rw,user_id=0",
            "43 22 7:3 / /tmp/fuse-h/mnt\\0401 rw,relatime - ext4 /dev/loop3 rw",
            "44 42 0:40 / /tmp/fuse-h/root1 rw - tmpfs tmpfs rw",
            "garbage line",
            "");

    @Test
    void parsesMountinfoWithOptionalFieldsAndEscapes() {
        MountTable t = MountTable.parse(SAMPLE);
        assertEquals(4, t.mounts().size());
        assertEquals(new MountTable.Mount("/tmp/fuse-h/mnt 1", "ext4", "/dev/loop3"), t.mounts().get(2));
        assertEquals(List.of("/tmp/fuse-h/mnt 1"), t.mountPointsOf("/dev/loop3"));
        assertEquals("tmpfs", t.at("/tmp/fuse-h/root1").orElseThrow().fsType(), "the topmost mount wins");
        assertTrue(t.mounts().get(1).isFuse());
        assertFalse(t.mounts().get(0).isFuse());
        assertTrue(t.at("/nowhere").isEmpty());
    }

    @Test
    void loopDevicesFromSysfs(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("loop3/loop"));
        Files.writeString(sys.resolve("loop3/loop/backing_file"), "/tmp/fuse-h/root1/dev/tcmu001\n");
        Files.createDirectories(sys.resolve("loop0")); // unused: no loop/ directory
        Files.createDirectories(sys.resolve("vda"));
        assertEquals(List.of(new LoopDevices.Loop("/dev/loop3", "/tmp/fuse-h/root1/dev/tcmu001")),
                LoopDevices.list(sys));
    }
}
