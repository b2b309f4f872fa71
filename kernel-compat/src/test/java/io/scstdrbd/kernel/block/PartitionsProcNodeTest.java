package io.scstdrbd.kernel.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.errno.Errno;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PartitionsProcNodeTest {

    @Test
    void listsDevicesInKernelFormatAndFollowsTheRegistry() throws Exception {
        try (Kernel k = new Kernel("/UMCfuse")) {
            k.devices().register(new MemoryDevice("tcmu001", 64 << 10));
            k.devices().register(new MemoryDevice("drbd1", 32 << 10));
            k.devices().register(new MemoryDevice("ram001", 8 << 10));
            String text = k.procfs().lookup("proc/partitions").orElseThrow().read();
            assertEquals("major minor  #blocks  name\n\n"
                    + " 147        1         32 drbd1\n"
                    + " 240      256          8 ram001\n"
                    + " 240        1         64 tcmu001\n", text);
            k.devices().unregister("tcmu001");
            k.devices().register(new MemoryDevice("tcmu002", 4 << 10));
            text = k.procfs().lookup("proc/partitions").orElseThrow().read();
            assertTrue(text.contains(" 240        2          4 tcmu002\n"), text);
            assertTrue(!text.contains("tcmu001"), text);
            assertEquals(new DeviceNumbers.DevT(147, 1), k.deviceNumbers().lookup("drbd1").orElseThrow());
        }
    }

    @Test
    void numbersAreReleasedAndReused() {
        DeviceNumbers n = new DeviceNumbers();
        MemoryDevice a = new MemoryDevice("x", 512);
        MemoryDevice b = new MemoryDevice("y", 512);
        assertEquals(new DeviceNumbers.DevT(240, 256), n.of(a));
        assertEquals(new DeviceNumbers.DevT(240, 257), n.of(b));
        n.removed(a);
        assertEquals(new DeviceNumbers.DevT(240, 256), n.of(new MemoryDevice("z", 512)));
        assertEquals(-1, DeviceNumbers.trailingNumber("tcmu"));
        assertEquals(7, DeviceNumbers.trailingNumber("tcmu007"));
    }

    @Test
    void readersMayFlushButNotWrite() throws Exception {
        DeviceRegistry reg = new DeviceRegistry("/UMCfuse");
        reg.register(new MemoryDevice("d", 4096));
        DeviceHandle r = reg.open("d", OpenMode.READ, "test");
        assertEquals(0, BlockIo.submit(r, Bio::flush).get());
        CompletableFuture<Integer> w = BlockIo.submit(r,
                cb -> Bio.write(0, java.nio.ByteBuffer.allocate(512), 0, cb));
        assertEquals(Errno.EBADF, w.get());
        r.close();
    }
}
