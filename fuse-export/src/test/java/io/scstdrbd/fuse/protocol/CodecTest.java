package io.scstdrbd.fuse.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Every struct: encode gives the bytes linux/fuse.h prescribes (fixed bytes), decode of those
 * bytes gives the record back (round trip). Structs are placed at a non-zero offset to check
 * that codecs use absolute indexes.
 */
class CodecTest {
    private static final int AT = 8;

    private static ByteBuffer buf(byte[] content) {
        ByteBuffer b = ByteBuffer.allocate(AT + content.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(AT, content);
        return b;
    }

    private static byte[] slice(ByteBuffer b, int len) {
        byte[] out = new byte[len];
        b.get(AT, out);
        return out;
    }

    @Test
    void inHeaderFixedBytes() {
        // a LOOKUP (opcode 1) of 46 bytes, unique 0x0102030405060708, nodeid 1, uid 0, gid 0, pid 4660
        byte[] wire = LeBytes.hex("2e000000 01000000 0807060504030201 0100000000000000"
                + "00000000 00000000 34120000 0000 0000");
        InHeader h = InHeader.decode(buf(wire), AT);
        assertEquals(new InHeader(46, FuseOpcode.LOOKUP.code(), 0x0102030405060708L, 1, 0, 0, 0x1234, 0), h);
        ByteBuffer b = buf(new byte[InHeader.SIZE]);
        h.encode(b, AT);
        assertArrayEquals(wire, slice(b, InHeader.SIZE));
        assertEquals(40, InHeader.SIZE);
    }

    @Test
    void outHeaderFixedBytes() {
        // an ENOENT (-2) error reply to request 7
        byte[] wire = LeBytes.hex("10000000 feffffff 0700000000000000");
        OutHeader h = new OutHeader(16, -2, 7);
        ByteBuffer b = buf(new byte[16]);
        h.encode(b, AT);
        assertArrayEquals(wire, slice(b, 16));
        assertEquals(h, OutHeader.decode(buf(wire), AT));
    }

    @Test
    void initInAndOut() {
        byte[] in = new LeBytes().u32(7).u32(45).u32(0x20000).u32(Fuse.INIT_EXT | Fuse.ASYNC_READ).u32(0x5)
                .zeros(44).get();
        assertEquals(new InitIn(7, 45, 0x20000, Fuse.INIT_EXT | Fuse.ASYNC_READ, 5), InitIn.decode(buf(in), AT, 64));
        // an old kernel's 16-byte body has no flags2
        assertEquals(0, InitIn.decode(buf(in), AT, 16).flags2());
        ByteBuffer bi = buf(new byte[64]);
        new InitIn(7, 45, 0x20000, Fuse.INIT_EXT | Fuse.ASYNC_READ, 5).encode(bi, AT);
        assertArrayEquals(in, slice(bi, 64));

        byte[] out = LeBytes.hex("07000000 1f000000 00000200 29804400 4000 3000 00001000 01000000 0001 0000"
                + "00000000" + "00".repeat(28));
        InitOut o = new InitOut(7, 31, 0x20000, 0x448029, 64, 48, 1 << 20, 1, 256, 0, 0);
        ByteBuffer b = buf(new byte[64]);
        o.encode(b, AT);
        assertArrayEquals(out, slice(b, 64));
        assertEquals(o, InitOut.decode(buf(out), AT));
        assertEquals(64, InitOut.SIZE);
    }

    private static FuseAttr sampleAttr() {
        return new FuseAttr(5, 1L << 30, 2097152, 1700000000L, 1700000001L, 1700000002L, 11, 12, 13,
                Fuse.S_IFREG | 0660, 1, 0, 6, 0, 4096, 0);
    }

    private static byte[] sampleAttrBytes() {
        return new LeBytes().u64(5).u64(1L << 30).u64(2097152).u64(1700000000L).u64(1700000001L).u64(1700000002L)
                .u32(11).u32(12).u32(13).u32(Fuse.S_IFREG | 0660).u32(1).u32(0).u32(6).u32(0).u32(4096).u32(0).get();
    }

    @Test
    void attrEntryOutAttrOut() {
        byte[] attr = sampleAttrBytes();
        assertEquals(88, attr.length);
        ByteBuffer b = buf(new byte[88]);
        sampleAttr().encode(b, AT);
        assertArrayEquals(attr, slice(b, 88));
        assertEquals(sampleAttr(), FuseAttr.decode(buf(attr), AT));

        byte[] entry = new LeBytes().u64(5).u64(0).u64(1).u64(2).u32(3).u32(4).get();
        byte[] entryWire = concat(entry, attr);
        EntryOut e = new EntryOut(5, 0, 1, 2, 3, 4, sampleAttr());
        ByteBuffer be = buf(new byte[EntryOut.SIZE]);
        e.encode(be, AT);
        assertArrayEquals(entryWire, slice(be, EntryOut.SIZE));
        assertEquals(e, EntryOut.decode(buf(entryWire), AT));
        assertEquals(128, EntryOut.SIZE);

        byte[] attrOutWire = concat(new LeBytes().u64(1).u32(500_000_000).u32(0).get(), attr);
        AttrOut a = new AttrOut(1, 500_000_000, sampleAttr());
        ByteBuffer ba = buf(new byte[AttrOut.SIZE]);
        a.encode(ba, AT);
        assertArrayEquals(attrOutWire, slice(ba, AttrOut.SIZE));
        assertEquals(a, AttrOut.decode(buf(attrOutWire), AT));
        assertEquals(104, AttrOut.SIZE);
    }

    @Test
    void requestStructs() {
        roundTrip(new LeBytes().u32(Fuse.GETATTR_FH).u32(0).u64(99).get(),
                new GetattrIn(Fuse.GETATTR_FH, 99), GetattrIn::decode, GetattrIn::encode);
        roundTrip(new LeBytes().u32(Fuse.O_RDWR | Fuse.O_DSYNC).u32(0).get(),
                new OpenIn(Fuse.O_RDWR | Fuse.O_DSYNC, 0), OpenIn::decode, OpenIn::encode);
        roundTrip(new LeBytes().u64(3).u32(Fuse.FOPEN_DIRECT_IO).u32(0).get(),
                new OpenOut(3, Fuse.FOPEN_DIRECT_IO), OpenOut::decode, OpenOut::encode);
        roundTrip(new LeBytes().u64(3).u32(2).u32(1).u64(0xabcdL).get(),
                new ReleaseIn(3, 2, 1, 0xabcd), ReleaseIn::decode, ReleaseIn::encode);
        roundTrip(new LeBytes().u64(3).u32(0).u32(0).u64(0x77).get(),
                new FlushIn(3, 0x77), FlushIn::decode, FlushIn::encode);
        // READ of 4096 bytes at 1 MiB + 1 on fh 9
        byte[] read = LeBytes.hex("0900000000000000 0100100000000000 00100000 00000000 0000000000000000"
                + "02800000 00000000");
        roundTrip(read, new ReadIn(9, (1 << 20) + 1, 4096, 0, 0, 0x8002), ReadIn::decode, ReadIn::encode);
        byte[] write = LeBytes.hex("0900000000000000 ff01000000000000 00000100 02000000 2a00000000000000"
                + "02000000 00000000");
        roundTrip(write, new WriteIn(9, 511, 65536, 2, 42, 2), WriteIn::decode, WriteIn::encode);
        roundTrip(LeBytes.hex("00000100 00000000"), new WriteOut(65536), WriteOut::decode, WriteOut::encode);
        roundTrip(new LeBytes().u64(9).u32(Fuse.FSYNC_FDATASYNC).u32(0).get(),
                new FsyncIn(9, Fuse.FSYNC_FDATASYNC), FsyncIn::decode, FsyncIn::encode);
        roundTrip(new LeBytes().u64(9).u64(4096).u64(8192).u32(3).u32(0).get(),
                new FallocateIn(9, 4096, 8192, 3), FallocateIn::decode, FallocateIn::encode);
        roundTrip(new LeBytes().u64(9).u32(0).u32(0x1268).u64(0x7ffd0000L).u32(0).u32(4).get(),
                new IoctlIn(9, 0, 0x1268, 0x7ffd0000L, 0, 4), IoctlIn::decode, IoctlIn::encode);
        roundTrip(new LeBytes().u64(17).u64(3).get(), new ForgetOne(17, 3), ForgetOne::decode, ForgetOne::encode);
        roundTrip(new LeBytes().u32(0).u32(0).u64(9).u32(0).u32(0xfff).get(),
                new StatxIn(0, 9, 0, 0xfff), StatxIn::decode, StatxIn::encode);
        byte[] setattr = new LeBytes().u32(Fuse.FATTR_SIZE | Fuse.FATTR_MTIME).u32(0).u64(9).u64(4096).u64(1)
                .u64(100).u64(200).u64(300).u32(1).u32(2).u32(3).u32(0644).u32(0).u32(1000).u32(1001).u32(0).get();
        roundTrip(setattr, new SetattrIn(Fuse.FATTR_SIZE | Fuse.FATTR_MTIME, 9, 4096, 1, 100, 200, 300, 1, 2, 3, 0644,
                1000, 1001), SetattrIn::decode, SetattrIn::encode);
    }

    @Test
    void statfsAndStatx() {
        byte[] statfs = new LeBytes().u64(262144).u64(0).u64(0).u64(12).u64(0).u32(4096).u32(255).u32(4096).u32(0)
                .zeros(24).get();
        roundTrip(statfs, new StatfsOut(262144, 0, 0, 12, 0, 4096, 255, 4096), StatfsOut::decode, StatfsOut::encode);

        LeBytes x = new LeBytes().u64(1).u32(0).u32(0).u64(0).u64(0) // fuse_statx_out head
                .u32(StatxOut.STATX_BASIC_STATS).u32(4096).u64(0).u32(1).u32(0).u32(0).u16(Fuse.S_IFREG | 0660).u16(0)
                .u64(5).u64(1L << 20).u64(2048).u64(0);
        for (int i = 0; i < 4; i++) {
            x.u64(1700000000L).u32(7).u32(0);
        }
        byte[] statx = x.zeros(16 + 112).get();
        assertEquals(StatxOut.SIZE, statx.length);
        roundTrip(statx, new StatxOut(1, 0, StatxOut.STATX_BASIC_STATS, 4096, 1, 0, 0, Fuse.S_IFREG | 0660, 5,
                1L << 20, 2048, 1700000000L, 7), StatxOut::decode, StatxOut::encode);
    }

    @Test
    void variableLengthRecords() {
        // "tcmu000" (7 bytes): 24 + 7 = 31, padded to 32
        byte[] dirent = concat(new LeBytes().u64(5).u64(3).u32(7).u32(Fuse.DT_REG).get(),
                new LeBytes().bytes("tcmu000").zeros(1).get());
        Dirent d = new Dirent(5, 3, Fuse.DT_REG, "tcmu000");
        assertEquals(32, d.encodedSize());
        ByteBuffer b = buf(new byte[32]);
        assertEquals(32, d.encode(b, AT));
        assertArrayEquals(dirent, slice(b, 32));
        assertEquals(d, Dirent.decode(buf(dirent), AT));

        byte[] del = new LeBytes().u64(2).u64(5).u32(7).u32(0).bytes("tcmu000").zeros(1).get();
        NotifyDelete nd = new NotifyDelete(2, 5, "tcmu000");
        ByteBuffer bd = buf(new byte[del.length]);
        assertEquals(del.length, nd.encode(bd, AT));
        assertArrayEquals(del, slice(bd, del.length));
        assertEquals(nd, NotifyDelete.decode(buf(del), AT));

        byte[] inval = new LeBytes().u64(2).u32(7).u32(0).bytes("tcmu002").zeros(1).get();
        NotifyInvalEntry ne = new NotifyInvalEntry(2, 0, "tcmu002");
        ByteBuffer bn = buf(new byte[inval.length]);
        assertEquals(inval.length, ne.encode(bn, AT));
        assertArrayEquals(inval, slice(bn, inval.length));
        assertEquals(ne, NotifyInvalEntry.decode(buf(inval), AT));

        roundTrip(new LeBytes().u64(5).u64(-1L).u64(0).get(), new NotifyInvalInode(5, -1, 0),
                NotifyInvalInode::decode, NotifyInvalInode::encode);
    }

    @Test
    void namesAndByteOrder() {
        ByteBuffer b = buf(new LeBytes().bytes("dev").zeros(1).get());
        assertEquals("dev", Wire.cString(b, AT, 4));
        assertNull(Wire.cString(b, AT, 3), "no NUL within the body");
        ByteBuffer big = ByteBuffer.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> InHeader.decode(big, 0));
    }

    @Test
    void opcodes() {
        assertEquals(FuseOpcode.GETXATTR, FuseOpcode.of(22));
        assertEquals(FuseOpcode.STATX, FuseOpcode.of(52));
        assertNull(FuseOpcode.of(7));
        assertNull(FuseOpcode.of(4096));
        assertEquals(true, FuseOpcode.FORGET.hasNoReply());
        assertEquals(false, FuseOpcode.READ.hasNoReply());
    }

    interface Decoder<T> {
        T decode(ByteBuffer b, int at);
    }

    interface Encoder<T> {
        void encode(T value, ByteBuffer b, int at);
    }

    private static <T> void roundTrip(byte[] wire, T value, Decoder<T> dec, Encoder<T> enc) {
        ByteBuffer b = buf(new byte[wire.length]);
        enc.encode(value, b, AT);
        assertArrayEquals(wire, slice(b, wire.length), value.getClass().getSimpleName() + " bytes");
        assertEquals(value, dec.decode(buf(wire), AT), value.getClass().getSimpleName() + " decode");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
