package io.scstdrbd.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.fuse.block.RangeLock;
import io.scstdrbd.fuse.fs.FsNode;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.transport.LoopDevices;
import io.scstdrbd.fuse.transport.MountTable;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.OpenMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class HolderReportTest {

    @Test
    void namesLoopDevicesTheirMountsAndOtherOpeners() throws Exception {
        DeviceRegistry reg = new DeviceRegistry("/r");
        TestDevice a = new TestDevice("tcmu000", 4096);
        TestDevice b = new TestDevice("tcmu001", 4096);
        reg.register(a);
        reg.register(b);
        DeviceHandle ha = reg.open("tcmu000", OpenMode.READ_WRITE, "fuse pid 7 (dd)");
        DeviceHandle hb = reg.open("tcmu001", OpenMode.READ_WRITE, "fuse pid 8 (losetup)");
        List<OpenFile> open = List.of(
                new OpenFile.BlockFile(new FsNode.Block(5, "dev/tcmu000", a), ha, new RangeLock(), false),
                new OpenFile.BlockFile(new FsNode.Block(6, "dev/tcmu001", b), hb, new RangeLock(), false));
        MountTable mounts = MountTable.parse("43 22 7:3 / /tmp/fuse-h/mnt1 rw - ext4 /dev/loop3 rw\n");
        List<LoopDevices.Loop> loops = List.of(new LoopDevices.Loop("/dev/loop3", "/r/dev/tcmu001"),
                new LoopDevices.Loop("/dev/loop4", "/elsewhere/img"));
        assertEquals(List.of("tcmu001 is held open by a mount or loop device (/dev/loop3 → /tmp/fuse-h/mnt1)",
                "tcmu000 is held open by fuse pid 7 (dd)"), HolderReport.describe("/r", open, loops, mounts));
        assertEquals(List.of("a process has a file or its working directory under /r"),
                HolderReport.describe("/r", List.of(), List.of(), mounts));
    }
}
