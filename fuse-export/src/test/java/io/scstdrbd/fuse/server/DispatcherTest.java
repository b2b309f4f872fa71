package io.scstdrbd.fuse.server;

import static io.scstdrbd.fuse.server.DispatcherHarness.le;
import static io.scstdrbd.fuse.server.DispatcherHarness.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.fuse.TestDevice;
import io.scstdrbd.fuse.protocol.AttrOut;
import io.scstdrbd.fuse.protocol.Dirent;
import io.scstdrbd.fuse.protocol.EntryOut;
import io.scstdrbd.fuse.protocol.FallocateIn;
import io.scstdrbd.fuse.protocol.FsyncIn;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseOpcode;
import io.scstdrbd.fuse.protocol.GetattrIn;
import io.scstdrbd.fuse.protocol.InitOut;
import io.scstdrbd.fuse.protocol.OpenIn;
import io.scstdrbd.fuse.protocol.OpenOut;
import io.scstdrbd.fuse.protocol.ReadIn;
import io.scstdrbd.fuse.protocol.ReleaseIn;
import io.scstdrbd.fuse.protocol.SetattrIn;
import io.scstdrbd.fuse.protocol.StatfsOut;
import io.scstdrbd.fuse.protocol.StatxIn;
import io.scstdrbd.fuse.protocol.StatxOut;
import io.scstdrbd.fuse.protocol.WriteIn;
import io.scstdrbd.fuse.protocol.WriteOut;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.proc.ModuleParam;
import io.scstdrbd.kernel.proc.ProcNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private DispatcherHarness h;
    private TestDevice dev;

    @BeforeEach
    void setUp() throws Exception {
        h = new DispatcherHarness();
        dev = new TestDevice("tcmu000", 1 << 20);
        h.kernel.devices().register(dev);
        h.kernel.procfs().register("dev/tcmur", ProcNode.readOnly(() -> "devices\n"));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private long lookup(long parent, String n) throws Exception {
        Reply r = h.call(FuseOpcode.LOOKUP, parent, name(n));
        assertEquals(0, r.errno(), "lookup " + n);
        return EntryOut.decode(r.body(), 0).nodeid();
    }

    private long open(long node, int flags) throws Exception {
        return open(node, flags, 4242);
    }

    private long open(long node, int flags, int pid) throws Exception {
        Reply r = h.call(FuseOpcode.OPEN, node, pid, openIn(flags));
        assertEquals(0, r.errno(), "open");
        return OpenOut.decode(r.body(), 0).fh();
    }

    private static byte[] openIn(int flags) {
        ByteBuffer b = le(OpenIn.SIZE);
        new OpenIn(flags, 0).encode(b, 0);
        return b.array();
    }

    private static byte[] readIn(long fh, long off, int size) {
        ByteBuffer b = le(ReadIn.SIZE);
        new ReadIn(fh, off, size, 0, 0, 0).encode(b, 0);
        return b.array();
    }

    private static byte[] writeIn(long fh, long off, byte[] data) {
        ByteBuffer b = le(WriteIn.SIZE + data.length);
        new WriteIn(fh, off, data.length, 0, 0, 0).encode(b, 0);
        b.put(WriteIn.SIZE, data);
        return b.array();
    }

    private static byte[] fh(long fh, int size) {
        ByteBuffer b = le(size);
        b.putLong(0, fh);
        return b.array();
    }

    @Test
    void initNegotiatesTheSessionAndNothingRunsBeforeIt() throws Exception {
        assertEquals(Errno.EIO, h.call(FuseOpcode.GETATTR, 1, new byte[16]).errno(), "no request before INIT");
        Reply r = h.init();
        assertEquals(0, r.errno());
        InitOut o = InitOut.decode(r.body(), 0);
        assertEquals(7, o.major());
        assertEquals(31, o.minor());
        assertEquals(Dispatcher.WANTED_INIT_FLAGS, o.flags());
        assertTrue((o.flags() & Fuse.ASYNC_DIO) != 0 && (o.flags() & Fuse.MAX_PAGES) != 0);
        assertEquals(0, o.flags() & Fuse.WRITEBACK_CACHE, "no page cache games on block nodes");
        assertEquals(1 << 20, o.maxWrite());
        assertEquals(256, o.maxPages());
        assertEquals(64, o.maxBackground());
        assertEquals(InitOut.SIZE, r.body().remaining());
        assertEquals(SessionState.RUNNING, h.dispatcher.state());
        assertEquals(Errno.EIO, h.init().errno(), "a second INIT is refused");
    }

    @Test
    void lookupGetattrAndTheTreeLayout() throws Exception {
        h.init();
        long devDir = lookup(1, "dev");
        Reply r = h.call(FuseOpcode.LOOKUP, devDir, name("tcmu000"));
        EntryOut e = EntryOut.decode(r.body(), 0);
        assertEquals(Fuse.S_IFREG | 0660, e.attr().mode(), "block nodes are regular files with their real bits");
        assertEquals(1 << 20, e.attr().size());
        assertEquals(4096, e.attr().blksize());
        assertEquals(1, e.entryValid());
        assertEquals(500_000_000, e.entryValidNsec(), "attr_timeout_ms 1500");
        assertEquals(Errno.ENOENT, h.call(FuseOpcode.LOOKUP, devDir, name("tcmu999")).errno());
        assertEquals(Errno.ENOTDIR, h.call(FuseOpcode.LOOKUP, e.nodeid(), name("x")).errno());

        long proc = lookup(1, "proc");
        Reply p = h.call(FuseOpcode.LOOKUP, proc, name("partitions"));
        assertEquals(Fuse.S_IFREG | 0444, EntryOut.decode(p.body(), 0).attr().mode());
        assertEquals(0, EntryOut.decode(p.body(), 0).attr().size(), "proc nodes have size 0");

        Reply g = h.call(FuseOpcode.GETATTR, 1, new byte[GetattrIn.SIZE]);
        assertEquals(Fuse.S_IFDIR | 0555, AttrOut.decode(g.body(), 0).attr().mode());
        assertEquals(Errno.ENOENT, h.call(FuseOpcode.GETATTR, 9999, new byte[GetattrIn.SIZE]).errno());

        ByteBuffer sx = le(StatxIn.SIZE);
        new StatxIn(0, 0, 0, 0x7ff).encode(sx, 0);
        StatxOut x = StatxOut.decode(h.call(FuseOpcode.STATX, e.nodeid(), sx.array()).body(), 0);
        assertEquals(1 << 20, x.size());
        assertEquals(Fuse.S_IFREG | 0660, x.mode());
        assertEquals(1_700_000_000L, x.timeSec());
    }

    @Test
    void readdirListsDevicesAndProcNodes() throws Exception {
        h.init();
        long devDir = lookup(1, "dev");
        Reply o = h.call(FuseOpcode.OPENDIR, devDir, openIn(0));
        long fh = OpenOut.decode(o.body(), 0).fh();
        Reply r = h.call(FuseOpcode.READDIR, devDir, readIn(fh, 0, 4096));
        List<String> names = new ArrayList<>();
        List<Long> offs = new ArrayList<>();
        ByteBuffer b = r.body();
        for (int at = 0; at < b.remaining(); ) {
            Dirent d = Dirent.decode(b, at);
            names.add(d.name());
            offs.add(d.off());
            at += d.encodedSize();
        }
        assertEquals(List.of(".", "..", "tcmu000", "tcmur"), names);
        assertEquals(List.of(1L, 2L, 3L, 4L), offs);
        // continuing from the last offset gives the end
        assertEquals(0, h.call(FuseOpcode.READDIR, devDir, readIn(fh, 4, 4096)).body().remaining());
        // a small buffer gets whole entries only
        Reply small = h.call(FuseOpcode.READDIR, devDir, readIn(fh, 2, 40));
        assertEquals(32, small.body().remaining());
        assertEquals("tcmu000", Dirent.decode(small.body(), 0).name());
        assertEquals(0, h.call(FuseOpcode.RELEASEDIR, devDir, fh(fh, ReleaseIn.SIZE)).errno());
        assertEquals(Errno.EBADF, h.call(FuseOpcode.READDIR, devDir, readIn(fh, 0, 4096)).errno());
    }

    @Test
    void unalignedWriteAndReadThroughTheProtocol() throws Exception {
        h.init();
        long node = lookup(lookup(1, "dev"), "tcmu000");
        Reply or = h.call(FuseOpcode.OPEN, node, openIn(Fuse.O_RDWR));
        OpenOut oo = OpenOut.decode(or.body(), 0);
        assertEquals(Fuse.FOPEN_DIRECT_IO | Fuse.FOPEN_PARALLEL_DIRECT_WRITES, oo.openFlags());
        long fh = oo.fh();
        assertTrue(h.kernel.devices().writerOf("tcmu000").startsWith("fuse pid 4242 ("));
        byte[] data = new byte[3000];
        new Random(3).nextBytes(data);
        Reply w = h.call(FuseOpcode.WRITE, node, writeIn(fh, 1001, data));
        assertEquals(0, w.errno());
        assertEquals(3000, WriteOut.decode(w.body(), 0).size());
        assertArrayEquals(data, Arrays.copyOfRange(dev.data, 1001, 4001));
        Reply r = h.call(FuseOpcode.READ, node, readIn(fh, 1000, 3002));
        byte[] expect = Arrays.copyOfRange(dev.data, 1000, 4002);
        assertArrayEquals(expect, r.bytes());
        assertEquals(0, h.call(FuseOpcode.READ, node, readIn(fh, 1 << 20, 4096)).body().remaining(), "EOF");
        assertEquals(Errno.ENOSPC, h.call(FuseOpcode.WRITE, node, writeIn(fh, 1 << 20, data)).errno());

        assertEquals(0, h.call(FuseOpcode.FSYNC, node, fh(fh, FsyncIn.SIZE)).errno());
        assertEquals(BioOp.FLUSH, dev.seen.get(dev.seen.size() - 1).op());
        ByteBuffer fa = le(FallocateIn.SIZE);
        new FallocateIn(fh, 0, 4096, Fuse.FALLOC_FL_PUNCH_HOLE | Fuse.FALLOC_FL_KEEP_SIZE).encode(fa, 0);
        assertEquals(0, h.call(FuseOpcode.FALLOCATE, node, fa.array()).errno());
        assertEquals(BioOp.DISCARD, dev.seen.get(dev.seen.size() - 1).op());
        new FallocateIn(fh, 0, 4096, 0).encode(fa, 0);
        assertEquals(Errno.EOPNOTSUPP, h.call(FuseOpcode.FALLOCATE, node, fa.array()).errno());

        assertEquals(0, h.call(FuseOpcode.RELEASE, node, fh(fh, ReleaseIn.SIZE)).errno());
        assertNull(h.kernel.devices().writerOf("tcmu000"));
        assertEquals(0, h.kernel.devices().openCount("tcmu000"));
        assertEquals(Errno.EBADF, h.call(FuseOpcode.READ, node, readIn(fh, 0, 10)).errno(), "released fh");
        assertEquals(0, h.inflight.get(), "every async request finished");
        assertEquals(0, h.failedReplies.get());
    }

    @Test
    void oDsyncOpensWriteWithFua() throws Exception {
        h.init();
        long node = lookup(lookup(1, "dev"), "tcmu000");
        long fh = open(node, Fuse.O_WRONLY | Fuse.O_DSYNC);
        h.call(FuseOpcode.WRITE, node, writeIn(fh, 0, new byte[512]));
        assertTrue(dev.seen.get(dev.seen.size() - 1).hasFlag(io.scstdrbd.kernel.block.Bio.FUA));
    }

    @Test
    void secondWriterGetsEbusyAfterTheGraceReadersAreAllowed() throws Exception {
        h.init();
        h.graceMillis.set(200);
        long node = lookup(lookup(1, "dev"), "tcmu000");
        open(node, Fuse.O_RDWR, 100);
        long t0 = System.nanoTime();
        boolean async = h.send(h.request(FuseOpcode.OPEN, node, 200, openIn(Fuse.O_RDWR)));
        assertTrue(async, "the open waits without blocking the reader thread");
        Reply r = Reply.of(h.channel.next(5000));
        assertEquals(Errno.EBUSY, r.errno());
        assertTrue(System.nanoTime() - t0 >= 150_000_000L);
        long rfh = open(node, Fuse.O_RDONLY, 300);
        assertEquals(Errno.EBADF, h.call(FuseOpcode.WRITE, node, writeIn(rfh, 0, new byte[512])).errno());
    }

    @Test
    void writerReopeningRightAfterReleaseGetsTheDevice() throws Exception {
        h.init();
        long node = lookup(lookup(1, "dev"), "tcmu000");
        long first = open(node, Fuse.O_RDWR, 100);
        // the kernel sends RELEASE after close(2) returned: the next open may arrive first
        assertTrue(h.send(h.request(FuseOpcode.OPEN, node, 100, openIn(Fuse.O_RDWR))));
        assertNull(h.channel.next(100), "waiting for the previous writer's release");
        assertEquals(0, h.call(FuseOpcode.RELEASE, node, fh(first, ReleaseIn.SIZE)).errno());
        Reply opened = Reply.of(h.channel.next(5000));
        assertEquals(0, opened.errno());
        assertEquals(0, h.inflight.get());
    }

    @Test
    void procNodesReadRegeneratedTextAndValidateWrites() throws Exception {
        h.init();
        ModuleParam p = h.kernel.params().add("fuse_tree", ModuleParam.ofLong("writer_grace_ms", 2000, 0, 60000, true));
        h.kernel.params().add("fuse_tree", ModuleParam.ofLong("max_write", 1, 1, 1, false));
        long params = lookup(lookup(lookup(lookup(1, "sys"), "module"), "fuse_tree"), "parameters");
        long grace = lookup(params, "writer_grace_ms");
        long fh = open(grace, Fuse.O_RDWR | Fuse.O_TRUNC);
        Reply bad = h.call(FuseOpcode.WRITE, grace, writeIn(fh, 0, "abc\n".getBytes()));
        assertEquals(Errno.EINVAL, bad.errno());
        assertEquals(Errno.EINVAL, h.call(FuseOpcode.WRITE, grace, writeIn(fh, 0, "99999999\n".getBytes())).errno());
        Reply ok = h.call(FuseOpcode.WRITE, grace, writeIn(fh, 0, "500\n".getBytes()));
        assertEquals(4, WriteOut.decode(ok.body(), 0).size());
        assertEquals(500, p.longValue());
        assertEquals("500\n", new String(h.call(FuseOpcode.READ, grace, readIn(fh, 0, 4096)).bytes(),
                StandardCharsets.UTF_8));
        assertEquals("0\n", new String(h.call(FuseOpcode.READ, grace, readIn(fh, 2, 4096)).bytes(),
                StandardCharsets.UTF_8), "reads at an offset slice the regenerated text");
        long ro = lookup(params, "max_write");
        assertEquals(Errno.EACCES, h.call(FuseOpcode.OPEN, ro, openIn(Fuse.O_WRONLY)).errno());
        long rofh = open(ro, Fuse.O_RDONLY);
        assertEquals(Errno.EBADF, h.call(FuseOpcode.WRITE, ro, writeIn(rofh, 0, "2".getBytes())).errno());

        long part = lookup(lookup(1, "proc"), "partitions");
        long pfh = open(part, Fuse.O_RDONLY);
        String text = new String(h.call(FuseOpcode.READ, part, readIn(pfh, 0, 4096)).bytes(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("major minor  #blocks  name\n\n"), text);
        assertTrue(text.contains(" 240        0       1024 tcmu000\n"), text);
    }

    @Test
    void policyAnswers() throws Exception {
        h.init();
        long devDir = lookup(1, "dev");
        long node = lookup(devDir, "tcmu000");
        assertEquals(Errno.ENOSYS, h.call(FuseOpcode.GETXATTR, node, name("security.capability")).errno(),
                "ENOSYS, never ENODATA");
        assertEquals(Errno.ENOSYS, h.call(FuseOpcode.LISTXATTR, node, new byte[8]).errno());
        assertEquals(Errno.ENOSYS, h.call(FuseOpcode.SETXATTR, node, new byte[24]).errno());
        assertEquals(Errno.ENOTTY, h.call(FuseOpcode.IOCTL, node, new byte[32]).errno());
        assertEquals(Errno.EPERM, h.call(FuseOpcode.CREATE, devDir, new byte[24]).errno());
        assertEquals(Errno.EPERM, h.call(FuseOpcode.MKDIR, devDir, new byte[16]).errno());
        assertEquals(Errno.EPERM, h.call(FuseOpcode.UNLINK, devDir, name("tcmu000")).errno());
        assertEquals(Errno.EPERM, h.call(FuseOpcode.RENAME, devDir, new byte[16]).errno());
        assertEquals(Errno.ENOSYS, h.call(7777, node).errno(), "unknown opcode");

        assertEquals(Errno.EPERM, setattr(node, Fuse.FATTR_MODE, 0).errno());
        assertEquals(Errno.EPERM, setattr(node, Fuse.FATTR_SIZE, 0).errno(), "no truncation of a device");
        assertEquals(0, setattr(node, Fuse.FATTR_SIZE, 1 << 20).errno(), "its own size is fine");
        assertEquals(0, setattr(node, Fuse.FATTR_MTIME | Fuse.FATTR_ATIME, 0).errno(), "touch is accepted");

        Reply s = h.call(FuseOpcode.STATFS, 1, new byte[0]);
        StatfsOut st = StatfsOut.decode(s.body(), 0);
        assertEquals(256, st.blocks());
        assertEquals(4096, st.bsize());
    }

    private Reply setattr(long node, int valid, long size) throws Exception {
        ByteBuffer b = le(SetattrIn.SIZE);
        new SetattrIn(valid, 0, size, 0, 0, 0, 0, 0, 0, 0, 0644, 0, 0).encode(b, 0);
        return h.call(FuseOpcode.SETATTR, node, b.array());
    }

    @Test
    void noReplyForForgetInterruptAndBadRequestsGetErrors() throws Exception {
        h.init();
        assertFalse(h.send(h.request(FuseOpcode.FORGET, 1, 1, new byte[8])));
        assertFalse(h.send(h.request(FuseOpcode.BATCH_FORGET, 0, 1, new byte[8])));
        assertFalse(h.send(h.request(FuseOpcode.INTERRUPT, 0, 1, new byte[8])));
        assertNull(h.channel.next(100), "FORGET, BATCH_FORGET and INTERRUPT get no reply");

        byte[] req = h.request(FuseOpcode.GETATTR, 1, 1, new byte[16]);
        byte[] truncated = Arrays.copyOf(req, req.length - 8); // the header says 56 bytes, 48 arrive
        h.send(truncated);
        assertEquals(Errno.EIO, Reply.of(h.channel.next(1000)).errno());

        assertEquals(Errno.EINVAL, h.call(FuseOpcode.READ, 1, new byte[10]).errno(), "short body");
        long node = lookup(lookup(1, "dev"), "tcmu000");
        long fh = open(node, Fuse.O_RDWR);
        byte[] w = writeIn(fh, 0, new byte[512]);
        ByteBuffer.wrap(w).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16, 4096); // claims more than it carries
        assertEquals(Errno.EINVAL, h.call(FuseOpcode.WRITE, node, w).errno());
    }

    @Test
    void nodesVanishAndAppearWithTheRegistry() throws Exception {
        h.init();
        long devDir = lookup(1, "dev");
        long node = lookup(devDir, "tcmu000");
        h.kernel.devices().unregister("tcmu000");
        assertEquals(Errno.ENOENT, h.call(FuseOpcode.GETATTR, node, new byte[16]).errno());
        assertEquals(Errno.ENOENT, h.call(FuseOpcode.LOOKUP, devDir, name("tcmu000")).errno());
        h.kernel.devices().register(new TestDevice("tcmu000", 4096));
        long again = lookup(devDir, "tcmu000");
        assertTrue(again != node, "a new device gets a new node id");
        Reply g = h.call(FuseOpcode.GETATTR, again, new byte[16]);
        assertEquals(4096, AttrOut.decode(g.body(), 0).attr().size());
    }
}
