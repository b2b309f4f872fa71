package io.scstdrbd.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.backend.control.BackendManager;
import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendsTest {
    @TempDir
    Path dir;
    private Kernel kernel;
    private BackendManager mgr;

    @BeforeEach
    void setUp() throws Exception {
        kernel = new Kernel("/UMCfuse-test");
        mgr = new BackendManager(kernel, BackendManager.installedHandlers(), null);
        mgr.init();
    }

    @AfterEach
    void tearDown() {
        mgr.exit();
        kernel.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ram-file", "ram-anon", "file"})
    void dataRoundTripsAndDiscardReadsZero(String kind) throws Exception {
        String spec = switch (kind) {
            case "ram-file" -> "d0:ram:" + dir.resolve("cfg") + ":16M";
            case "ram-anon" -> "d0:ram:@:16M";
            default -> "d0:file:" + dir.resolve("img") + ":16M";
        };
        mgr.add(BackendSpec.parse(spec));
        try (DeviceHandle h = kernel.devices().open("d0", OpenMode.READ_WRITE, "test")) {
            assertEquals(16 << 20, h.device().capacity());
            byte[] data = random(3 << 20, 1);
            // crosses no chunk, but spans several maxTransfer pieces
            BlockIo.writeFully(h, 4096, ByteBuffer.wrap(data), Bio.FUA);
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            BlockIo.readFully(h, 4096, back);
            byte[] got = new byte[data.length];
            back.get(0, got);
            assertArrayEquals(data, got);
            BlockIo.flush(h);
            assertTrue(h.device().hasCapability(DeviceCapability.DISCARD));
            BlockIo.await(BlockIo.submit(h, cb -> Bio.discard(8, 1 << 20, cb)), "discard");
            ByteBuffer z = ByteBuffer.allocate(1 << 20);
            BlockIo.readFully(h, 4096, z);
            assertArrayEquals(new byte[1 << 20], z.array());
            BlockIo.await(BlockIo.submit(h, cb -> Bio.writeZeroes(8 + 2048, 4096, 0, cb)), "write zeroes");
            ByteBuffer z2 = ByteBuffer.allocate(4096);
            BlockIo.readFully(h, 4096 + (1 << 20), z2);
            assertArrayEquals(new byte[4096], z2.array());
        }
    }

    @Test
    void ramFileKeepsDataAcrossReopen() throws Exception {
        Path cfg = dir.resolve("cfg1");
        BackendSpec spec = BackendSpec.parse("tcmu000:ram:" + cfg + ":8M");
        byte[] data = random(65536, 2);
        mgr.add(spec);
        try (DeviceHandle h = kernel.devices().open("tcmu000", OpenMode.READ_WRITE, "t")) {
            BlockIo.writeFully(h, 1 << 20, ByteBuffer.wrap(data), 0);
        }
        mgr.remove("tcmu000");
        assertEquals(8 << 20, Files.size(cfg));
        mgr.add(BackendSpec.parse("tcmu000:ram:" + cfg)); // size from the file now
        try (DeviceHandle h = kernel.devices().open("tcmu000", OpenMode.READ, "t")) {
            ByteBuffer back = ByteBuffer.allocate(data.length);
            BlockIo.readFully(h, 1 << 20, back);
            assertArrayEquals(data, back.array());
        }
    }

    @Test
    void badConfigurationsAreRefusedWithReasons() throws Exception {
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> mgr.add(BackendSpec.parse("a:ram:@"))).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> mgr.add(BackendSpec.parse("a:ram:relative/path:1M"))).errno());
        Path empty = Files.createFile(dir.resolve("empty"));
        KernelException e = assertThrows(KernelException.class, () -> mgr.add(BackendSpec.parse("a:ram:" + empty)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertEquals(Errno.ENXIO, assertThrows(KernelException.class,
                () -> mgr.add(BackendSpec.parse("a:tape:/x:1M"))).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> BackendSpec.parse("a:ram")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> BackendSpec.parse("a:ram:@:12Q")).errno());
        assertEquals(256L << 20, BackendSpec.parse("r2:ram:@:256M").sizeBytes());
        mgr.add(BackendSpec.parse("a:ram:@:1M"));
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> mgr.add(BackendSpec.parse("a:ram:@:1M"))).errno());
        Path big = dir.resolve("big");
        mgr.add(BackendSpec.parse("b:ram:" + big + ":1M"));
        assertEquals(Errno.EBUSY, assertThrows(KernelException.class,
                () -> mgr.add(BackendSpec.parse("c:ram:" + big + ":1M"))).errno(), "same backing twice");
    }

    @Test
    void controlNodeAddsListsAndRemoves() throws Exception {
        ProcNode node = kernel.procfs().lookup("dev/tcmur").orElseThrow();
        node.write("load ram\nadd 3 /ram/@ 4M\n# comment\n");
        assertTrue(kernel.devices().lookup("ram003").isPresent());
        node.write("a x1:ram:" + dir.resolve("x1") + ":1M\n");
        String listing = node.read();
        assertTrue(listing.contains("ram003"), listing);
        assertTrue(listing.contains("x1"), listing);
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> node.write("add 256 /ram/@ 1M")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> node.write("frobnicate")).errno());
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> node.write("load tape")).errno());
        assertEquals(Errno.EBUSY, assertThrows(KernelException.class, () -> node.write("unload ram")).errno());
        DeviceHandle h = kernel.devices().open("ram003", OpenMode.READ, "reader");
        assertEquals(Errno.EBUSY, assertThrows(KernelException.class, () -> node.write("remove 3")).errno());
        assertTrue(node.read().contains("EBUSY"));
        h.close();
        node.write("remove 3\nremove x1");
        assertTrue(kernel.devices().list().isEmpty());
        Path script = dir.resolve("cmds");
        Files.writeString(script, "add 7 /ram/@ 1M\n");
        node.write("source " + script);
        assertTrue(kernel.devices().lookup("ram007").isPresent());
        assertTrue(kernel.procfs().isDirectory("sys/module/ram"));
    }
}
