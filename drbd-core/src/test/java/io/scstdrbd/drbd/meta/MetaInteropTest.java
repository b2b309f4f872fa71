package io.scstdrbd.drbd.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scstdrbd.drbd.testutil.FileBlockDevice;
import io.scstdrbd.drbd.testutil.Run;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.OpenMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata written by the real drbdmeta 9.22 is read here, and what is written here drbdmeta reads. */
class MetaInteropTest {
    static final long SIZE = 64L << 20;

    @TempDir
    Path tmp;

    @Test
    void createMdApplyAlAndDumpAgree() throws Exception {
        assumeTrue(Run.available("drbdmeta"), "drbd-utils not installed");
        Path file = tmp.resolve("disk");
        String f = file.toString();
        try (FileBlockDevice dev = new FileBlockDevice("tcmu009", file, SIZE)) {
            Run r = Run.of("drbdmeta", "--force", "1", "v09", f, "internal", "create-md", "2");
            assertEquals(0, r.exit, r.toString());
            DeviceRegistry reg = new DeviceRegistry("/nonexistent");
            reg.register(dev);
            MdLayout expect = MdLayout.createInternal(SIZE, 2, 1, 8);
            try (DeviceHandle h = reg.open("tcmu009", OpenMode.READ_WRITE, "test")) {
                MetaData md = MetaData.open(h, MdLayout.FLEX_INT, SIZE, 0, 1237, true);
                Superblock sb = md.superblock();
                assertEquals(Superblock.UUID_JUST_CREATED, sb.currentUuid());
                assertEquals(expect.mdSizeSect(), sb.mdSizeSect());
                assertEquals(expect.usableSectors(), md.layout().usableSectors());
                assertEquals(0, md.bitmap().count(0));
                // what an attached Primary leaves behind after a crash: node id, slot of peer 1, a new
                // generation, bits for the peer, two hot AL extents, AL not clean
                md.update(b -> {
                    b.nodeId(0).effectiveSize(expect.usableSectors())
                            .flags((b.build().flags() | Superblock.MDF_PRIMARY_IND | Superblock.MDF_CONSISTENT
                                    | Superblock.MDF_WAS_UP_TO_DATE) & ~Superblock.MDF_AL_CLEAN)
                            .peer(1, b.build().peer(1).withBitmapIndex(0));
                    UuidOps.newCurrent(b, Map.of(1, true), 0, 0, true, new SplittableRandom(7));
                });
                md.bitmap().set(0, 0, 9);
                md.writeBitmap(null);
                md.commitAl(md.activityLog().plan(3, 3));
                md.commitAl(md.activityLog().plan(10, 10));
                md.sync();
            }
            Run dump1 = Run.of("drbdmeta", "--force", "1", "v09", f, "internal", "dump-md");
            assertTrue(dump1.out.contains("node-id 0;"), dump1.toString());
            assertTrue(dump1.out.contains("unclean_meta_data_dump"), dump1.toString());
            assertTrue(dump1.out.contains("0x00000000000003FF;"), dump1.toString());
            Run apply = Run.of("drbdmeta", "--force", "1", "v09", f, "internal", "apply-al");
            assertEquals(0, apply.exit, apply.toString());
            assertTrue(apply.err.contains("Marked additional"), apply.toString());
            Run dump2 = Run.of("drbdmeta", "--force", "1", "v09", f, "internal", "dump-md");
            // drbdmeta prints "bits-set" of the last slot: extents 3 and 10
            assertTrue(dump2.out.contains("# bits-set " + (2 * 1024) + ";"), dump2.toString());
            String slot0 = dump2.out.substring(dump2.out.indexOf("bitmap[0]"), dump2.out.indexOf("bitmap[1]"));
            assertTrue(slot0.contains("0x00000000000003FF;"), slot0);
            assertEquals(2, slot0.split("16 times 0xFFFFFFFFFFFFFFFF").length - 1, slot0);
            try (DeviceHandle h = reg.open("tcmu009", OpenMode.READ_WRITE, "test")) {
                MetaData md = MetaData.open(h, MdLayout.FLEX_INT, SIZE, 0, 1237, true);
                assertTrue(md.superblock().hasFlag(Superblock.MDF_AL_CLEAN));
                assertEquals(2048 + 10, md.bitmap().count(0));
                assertEquals(2048, md.bitmap().count(1));
                for (long bit : List.of(3L * 1024, 3L * 1024 + 1023, 10L * 1024, 10L * 1024 + 1023)) {
                    assertTrue(md.bitmap().test(0, bit) && md.bitmap().test(1, bit), "bit " + bit);
                }
                assertEquals(0, md.superblock().peer(1).bitmapIndex());
                assertTrue(md.superblock().peer(1).bitmapUuid() != 0);
            }
        }
    }
}
