package io.scstdrbd.drbd.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scstdrbd.drbd.netlink.DrbdConst;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MetaFormatTest {

    /** The create-md superblock of drbd.md §11.5 (1 GiB, 2 peers). */
    static Superblock createMd1G() {
        MdLayout l = MdLayout.createInternal(1L << 30, 2, 1, 8);
        Superblock.Builder b = new Superblock.Builder().currentUuid(4).flags(Superblock.MDF_AL_CLEAN)
                .mdSizeSect(l.mdSizeSect()).alOffset(l.alOffsetSect()).alNrExtents(257).bmOffset(l.bmOffsetSect())
                .bmMaxPeers(2);
        return b.build();
    }

    @Test
    void internalLayoutOfTheWorkedExample() {
        MdLayout l = MdLayout.createInternal(1L << 30, 2, 1, 8);
        assertEquals(200, l.mdSizeSect());
        assertEquals(1073737728L, l.superblockAt());
        assertEquals(-64, l.alOffsetSect());
        assertEquals(-192, l.bmOffsetSect());
        assertEquals(1073704960L, l.alStart());
        assertEquals(1073639424L, l.bmStart());
        assertEquals(2096952L, l.usableSectors());
        assertEquals(136, MdLayout.createInternal(1L << 30, 1, 1, 8).mdSizeSect());
        assertEquals(1352, MdLayout.createInternal(10L << 30, 2, 1, 8).mdSizeSect());
    }

    @Test
    void superblockFixedBytes() {
        byte[] b = SuperblockCodec.encode(createMd1G());
        HexFormat hex = HexFormat.of();
        assertArrayEquals(hex.parseHex("00000000000000000000000000000004"), Arrays.copyOfRange(b, 0, 16));
        assertArrayEquals(hex.parseHex("0000000000000000000000808374026d"), Arrays.copyOfRange(b, 0x30, 0x40));
        assertArrayEquals(hex.parseHex("000000c8ffffffc000000101ffffff40"), Arrays.copyOfRange(b, 0x40, 0x50));
        assertArrayEquals(hex.parseHex("000010000000000000000002ffffffff"), Arrays.copyOfRange(b, 0x50, 0x60));
        assertArrayEquals(hex.parseHex("00000001000000080000000000000000"), Arrays.copyOfRange(b, 0x60, 0x70));
        assertArrayEquals(hex.parseHex("00000000ffffffff"), Arrays.copyOfRange(b, 0x80, 0x88));
        for (int i = 0; i < 32; i++) {
            assertEquals(-1, SuperblockCodec.decode(b).peer(i).bitmapIndex());
        }
        assertEquals(createMd1G(), SuperblockCodec.decode(b));
    }

    @Test
    void superblockRoundTripWithEveryField() {
        Superblock.Builder b = createMd1G().toBuilder().effectiveSize(2096952).currentUuid(0x1234567890abcdefL)
                .members(3).deviceUuid(0xfeedL).nodeId(0).laPeerMaxBioSize(1 << 20)
                .peer(1, new PeerMd(0xabcL, 77, PeerMd.MDF_PEER_CONNECTED, 0));
        for (int i = 0; i < 32; i++) {
            b.history(i, i * 1000L + 1);
        }
        Superblock s = b.build();
        Superblock back = SuperblockCodec.decode(SuperblockCodec.encode(s));
        assertEquals(s, back);
        assertEquals(new PeerMd(0xabcL, 77, 1, 0), back.peer(1));
        assertEquals(31001L, back.historyUuids()[31]);
    }

    @Test
    void validatorAcceptsCreateMdAndRejectsDamage() throws Exception {
        Superblock s = createMd1G();
        MdLayout l = MdValidator.validate(s, MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0);
        assertEquals(2096952L, l.usableSectors());
        MdException unclean = assertThrows(MdException.class, () -> MdValidator.validate(
                s.toBuilder().flags(0).build(), MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0));
        assertEquals(DrbdConst.ERR_MD_UNCLEAN, unclean.retCode());
        assertEquals(DrbdConst.ERR_MD_INVALID, assertThrows(MdException.class, () -> MdValidator.validate(
                s.toBuilder().magic(0).build(), MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0)).retCode());
        assertEquals(DrbdConst.ERR_MD_INVALID, assertThrows(MdException.class, () -> MdValidator.validate(
                s.toBuilder().nodeId(1).build(), MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0)).retCode());
        assertEquals(DrbdConst.ERR_MD_INVALID, assertThrows(MdException.class, () -> MdValidator.validate(
                s.toBuilder().alOffset(-32).build(), MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0)).retCode());
        // the bitmap must cover the last agreed size
        assertEquals(DrbdConst.ERR_MD_INVALID, assertThrows(MdException.class, () -> MdValidator.validate(
                s.toBuilder().effectiveSize(1L << 40).build(), MdLayout.FLEX_INT, 1L << 30, 1L << 30, 0)).retCode());
    }

    @Test
    void alInitializedBlockHasTheKernelCrc() {
        byte[] b = AlTransactionCodec.encode(AlTransaction.initialized());
        assertArrayEquals(HexFormat.of().parseHex("69cb65a200000000709cc651ffff0000"), Arrays.copyOfRange(b, 0, 16));
        // java.util.zip.CRC32C would give 0xe86587d8 for the same block: the kernel variant differs
        byte[] z = b.clone();
        Arrays.fill(z, 8, 12, (byte) 0);
        java.util.zip.CRC32C std = new java.util.zip.CRC32C();
        std.update(z);
        assertEquals(0xe86587d8L, std.getValue());
    }

    @Test
    void alTransactionRoundTripAndCorruptionDetection() {
        ActivityLog al = new ActivityLog(1237, 1, 8);
        var changes = al.plan(5, 6);
        AlTransaction t = al.transaction(changes);
        assertEquals(2, t.nUpdates());
        assertEquals(1237, t.contextSize());
        byte[] b = AlTransactionCodec.encode(t);
        assertEquals(t, AlTransactionCodec.decode(b));
        b[500] ^= 1;
        assertNull(AlTransactionCodec.decode(b));
    }

    @Test
    void alRingPositionsFollowStripes() {
        ActivityLog one = new ActivityLog(1237, 1, 8);
        assertEquals(0, one.ringOffset(0));
        assertEquals(7 * 4096, one.ringOffset(7));
        assertEquals(0, one.ringOffset(8));
        ActivityLog striped = new ActivityLog(1237, 2, 4);
        // t = (t % stripes) * stripe_size + t / stripes
        assertEquals(0, striped.ringOffset(0));
        assertEquals(4 * 4096, striped.ringOffset(1));
        assertEquals(1 * 4096, striped.ringOffset(2));
        assertEquals(5 * 4096, striped.ringOffset(3));
    }
}
