package io.scstdrbd.drbd.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.drbd.model.AdmTarget;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.ModelEvents;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.testutil.ModelFixture;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device counters of status --statistics: read/written in sectors, al-writes and bm-writes as counts. */
class DeviceCountersTest {
    @TempDir
    Path tmp;

    /** Runs one bio through the replication code's local I/O entry and waits for it. */
    private static void local(DrbdBlockDevice dev, Function<io.scstdrbd.kernel.block.BioCallback, Bio> bio)
            throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        dev.submitLocal(bio.apply((b, e) -> done.complete(e)));
        assertEquals(0, done.get(10, TimeUnit.SECONDS));
    }

    @Test
    void localIoOfEveryOriginIsCountedUntilDetach() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", 256L << 20);
            Device d = f.up("r0", 1, "tcmu001", false, null);
            f.node.setRole(f.target(-1, "r0", null, null, AdmTarget.NEED_RESOURCE), Role.PRIMARY, true);
            DrbdBlockDevice dev = (DrbdBlockDevice) f.registry.lookup("drbd1").orElseThrow();
            try (DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test")) {
                BlockIo.writeFully(h, 0, ByteBuffer.allocate(12288), 0);
                BlockIo.writeFully(h, 100L << 20, ByteBuffer.allocate(4096), 0);
                BlockIo.readFully(h, 0, ByteBuffer.allocate(8192));
            }
            assertEquals(32, d.writtenSectors.get(), "application writes");
            assertEquals(16, d.readSectors.get(), "application reads");
            assertEquals(2, d.ldev().md().alWrites(), "one AL transaction per cold extent");
            // the replication code's own local I/O: a resync write, a peer's write, a resync or verify read
            local(dev, cb -> Bio.write(64, ByteBuffer.allocate(4096), DrbdBlockDevice.RESYNC, cb));
            local(dev, cb -> Bio.write(72, ByteBuffer.allocate(4096), 0, cb));
            local(dev, cb -> Bio.read(64, ByteBuffer.allocate(16384), cb));
            assertEquals(48, d.writtenSectors.get(), "resync and peer writes count as written");
            assertEquals(48, d.readSectors.get(), "resync-source and verify reads count as read");
            long before = d.ldev().md().bmWrites();
            d.ldev().md().writeBitmap(null);
            // the writes marked blocks out of sync for the absent peer in two bitmap pages (64 MiB each)
            assertEquals(before + 2, d.ldev().md().bmWrites(), "one per bitmap page written");
            f.node.setRole(f.target(-1, "r0", null, null, AdmTarget.NEED_RESOURCE), Role.SECONDARY, false);
            ModelFixture.check(f.node.detach(f.target(1, null, null, null, AdmTarget.NEED_MINOR), false));
            assertEquals(0, d.readSectors.get(), "a detach starts the counters again");
            assertEquals(0, d.writtenSectors.get());
        }
    }
}
