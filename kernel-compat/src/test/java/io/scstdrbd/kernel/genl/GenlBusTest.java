package io.scstdrbd.kernel.genl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenlBusTest {
    static final int CMD_ECHO = 5;
    static final int CMD_LIST = 30;
    static final int CMD_FAIL = 6;

    static GenlFamily drbdLike(int dumpSize) {
        return GenlFamily.builder("drbd").version(2).headerSize(8).maxAttr(33)
                .op(GenlOperation.doit(CMD_ECHO, req -> {
                    GenlMessageBuilder m = req.reply(CMD_ECHO);
                    m.userHeaderU32(0, req.userHeader().getInt(0));
                    m.userHeaderU32(4, 101);
                    m.string(1, req.attrs().get(2).orElseThrow().string());
                    return m.finish();
                }))
                .op(new GenlOperation(CMD_FAIL, false, req -> {
                    throw new GenlException(Errno.EBUSY, "busy");
                }, null))
                .op(GenlOperation.dump(CMD_LIST, (req, out) -> {
                    for (int i = 0; i < dumpSize; i++) {
                        GenlMessageBuilder m = req.dumpPart(CMD_LIST);
                        m.u32(1, i);
                        out.accept(m.finish());
                    }
                }))
                .group("events").build();
    }

    /** The CTRL_CMD_GETFAMILY request drbdsetup 9.22 sends (drbd.md §15.2), seq 0x1234, pid 0x4321. */
    static final String GETFAMILY_DRBD =
            "20000000" + "1000" + "0100" + "34120000" + "21430000" + "03020000" + "0900" + "0200" + "6472626400000000";

    static ByteBuffer hex(String h) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(h)).order(NetlinkHeader.ORDER);
    }

    @Test
    void getFamilyAnswersWhatDrbdsetupChecks() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily fam = bus.register(drbdLike(0));
        TestClient c = new TestClient(true);
        bus.receive(c, hex(GETFAMILY_DRBD));
        List<ByteBuffer> r = c.take();
        assertEquals(1, r.size());
        NetlinkHeader h = TestClient.header(r.get(0));
        assertEquals(0x10, h.type());
        assertEquals(0, h.flags());
        assertEquals(0x1234, h.seq());
        assertEquals(0x4321, h.portId());
        assertEquals(GenlController.CTRL_CMD_NEWFAMILY, r.get(0).get(16));
        assertEquals(2, r.get(0).get(17));
        NlAttrs a = TestClient.attrs(r.get(0), 0);
        assertEquals(fam.id(), a.get(GenlController.CTRL_ATTR_FAMILY_ID).orElseThrow().u16());
        assertTrue(fam.id() >= 0x11);
        assertEquals("drbd", a.get(GenlController.CTRL_ATTR_FAMILY_NAME).orElseThrow().string());
        assertEquals(2, a.get(GenlController.CTRL_ATTR_VERSION).orElseThrow().u32());
        assertEquals(8, a.get(GenlController.CTRL_ATTR_HDRSIZE).orElseThrow().u32());
        NlAttrs groups = a.get(GenlController.CTRL_ATTR_MCAST_GROUPS).orElseThrow().nested();
        assertEquals(1, groups.size());
        NlAttrs g = groups.all().get(0).nested();
        assertEquals("events", g.get(GenlController.CTRL_ATTR_MCAST_GRP_NAME).orElseThrow().string());
        assertEquals(fam.groupId("events"), g.get(GenlController.CTRL_ATTR_MCAST_GRP_ID).orElseThrow().u32());
        NlAttrs ops = a.get(GenlController.CTRL_ATTR_OPS).orElseThrow().nested();
        assertEquals(3, ops.size());
    }

    @Test
    void unknownFamilyIsEnoent() {
        GenlBus bus = new GenlBus();
        TestClient c = new TestClient(true);
        bus.receive(c, hex(GETFAMILY_DRBD));
        ByteBuffer r = c.take().get(0);
        assertEquals(NetlinkHeader.NLMSG_ERROR, TestClient.header(r).type());
        assertEquals(-Errno.ENOENT, TestClient.errorCode(r));
        // the whole request is echoed after the error code
        assertEquals(32, TestClient.header(r).length() - 20);
        assertEquals(0x1234, NetlinkHeader.read(r, 20).seq());
    }

    static ByteBuffer request(GenlFamily f, int flags, int cmd, int seq, byte[] attrs) {
        GenlMessageBuilder m = new GenlMessageBuilder(f.id(), NetlinkHeader.NLM_F_REQUEST | flags, seq, 77, cmd, 2, 8);
        m.userHeaderU32(0, 1);
        m.raw(attrs);
        return m.finish();
    }

    @Test
    void doitReplyEchoesSeqAndAcksOnlyWhenAsked() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(drbdLike(0));
        TestClient c = new TestClient(true);
        byte[] attrs = new NlAttrWriter().string(2, "r0").toByteArray();
        bus.receive(c, request(f, 0, CMD_ECHO, 9, attrs));
        List<ByteBuffer> r = c.take();
        assertEquals(1, r.size());
        assertEquals(9, TestClient.header(r.get(0)).seq());
        assertEquals(77, TestClient.header(r.get(0)).portId());
        assertEquals("r0", TestClient.attrs(r.get(0), 8).get(1).orElseThrow().string());
        assertEquals(101, r.get(0).getInt(24));
        bus.receive(c, request(f, NetlinkHeader.NLM_F_ACK, CMD_ECHO, 10, attrs));
        r = c.take();
        assertEquals(2, r.size());
        assertEquals(NetlinkHeader.NLMSG_ERROR, TestClient.header(r.get(1)).type());
        assertEquals(0, TestClient.errorCode(r.get(1)));
    }

    @Test
    void dumpOfAnySizeIsCompleteAndEndsWithDone() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(drbdLike(5000));
        TestClient c = new TestClient(true);
        bus.receive(c, request(f, NetlinkHeader.NLM_F_DUMP, CMD_LIST, 3, new byte[0]));
        List<ByteBuffer> r = c.take();
        assertEquals(5001, r.size());
        for (int i = 0; i < 5000; i++) {
            NetlinkHeader h = TestClient.header(r.get(i));
            assertEquals(f.id(), h.type());
            assertEquals(NetlinkHeader.NLM_F_MULTI, h.flags());
            assertEquals(3, h.seq());
            assertEquals(i, TestClient.attrs(r.get(i), 8).get(1).orElseThrow().u32());
        }
        NetlinkHeader done = TestClient.header(r.get(5000));
        assertEquals(NetlinkHeader.NLMSG_DONE, done.type());
        assertEquals(NetlinkHeader.NLM_F_MULTI, done.flags());
        assertEquals(3, done.seq());
        assertEquals(0, TestClient.errorCode(r.get(5000)));
    }

    @Test
    void errorsAndPermissions() {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(drbdLike(1));
        TestClient user = new TestClient(false);
        bus.receive(user, request(f, 0, CMD_ECHO, 1, new byte[0]));
        assertEquals(-Errno.EPERM, TestClient.errorCode(user.take().get(0)));
        // not admin-only: the handler's own errno
        bus.receive(user, request(f, 0, CMD_FAIL, 2, new byte[0]));
        assertEquals(-Errno.EBUSY, TestClient.errorCode(user.take().get(0)));
        TestClient root = new TestClient(true);
        bus.receive(root, request(f, 0, 99, 3, new byte[0]));
        assertEquals(-Errno.EOPNOTSUPP, TestClient.errorCode(root.take().get(0)));
        bus.receive(root, request(f, NetlinkHeader.NLM_F_DUMP, CMD_ECHO, 4, new byte[0]));
        assertEquals(-Errno.EOPNOTSUPP, TestClient.errorCode(root.take().get(0)));
        // an attribute whose length runs past the message
        byte[] bad = {(byte) 0x40, 0, 2, 0, 'x', 0, 0, 0};
        bus.receive(root, request(f, 0, CMD_ECHO, 5, bad));
        assertEquals(-Errno.EINVAL, TestClient.errorCode(root.take().get(0)));
        // nlmsg_len disagreeing with the bytes
        ByteBuffer m = request(f, 0, CMD_ECHO, 6, new byte[0]);
        m.putInt(0, 999);
        bus.receive(root, m);
        assertEquals(-Errno.EINVAL, TestClient.errorCode(root.take().get(0)));
        // a message shorter than the genl + family headers
        ByteBuffer shortMsg = ByteBuffer.allocate(20).order(NetlinkHeader.ORDER);
        new NetlinkHeader(20, f.id(), NetlinkHeader.NLM_F_REQUEST, 7, 1).write(shortMsg, 0);
        bus.receive(root, shortMsg);
        assertEquals(-Errno.EINVAL, TestClient.errorCode(root.take().get(0)));
        // a non-request is ignored
        bus.receive(root, request(f, 0, CMD_ECHO, 8, new byte[0]).putShort(6, (short) 0));
        assertTrue(root.take().isEmpty());
    }

    @Test
    void multicastReachesOnlyMembersInOrder() {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(drbdLike(0));
        int g = f.groupId("events");
        TestClient a = new TestClient(true);
        TestClient b = new TestClient(true);
        ByteBuffer join = ByteBuffer.allocate(20).order(NetlinkHeader.ORDER);
        new NetlinkHeader(20, GenlBus.MSG_JOIN_GROUP, 0, 0, 0).write(join, 0);
        join.putInt(16, g);
        bus.receive(a, join);
        assertTrue(a.take().isEmpty(), "membership messages are not answered");
        assertTrue(bus.hasListeners(g));
        for (int i = 1; i <= 3; i++) {
            GenlMessageBuilder m = new GenlMessageBuilder(f.id(), 0, i, 0, 34, 2, 8);
            assertEquals(1, bus.multicast(g, m.finish()));
        }
        List<ByteBuffer> r = a.take();
        assertEquals(3, r.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, TestClient.header(r.get(i)).seq());
        }
        assertTrue(b.take().isEmpty());
        bus.disconnected(a);
        assertFalse(bus.hasListeners(g));
    }

    @Test
    void unregisterTellsControllerListeners() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(drbdLike(0));
        TestClient c = new TestClient(true);
        bus.join(c, 0x10);
        bus.join(c, f.groupId("events"));
        bus.unregister(f);
        List<ByteBuffer> r = c.take();
        assertEquals(2, r.size());
        assertEquals(0x10, TestClient.header(r.get(0)).type());
        assertEquals(GenlController.CTRL_CMD_DELMCAST_GRP, r.get(0).get(16));
        assertEquals(f.id(), TestClient.attrs(r.get(0), 0).get(GenlController.CTRL_ATTR_FAMILY_ID).orElseThrow().u16());
        assertEquals(GenlController.CTRL_CMD_DELFAMILY, r.get(1).get(16));
        assertFalse(bus.family("drbd").isPresent());
    }

    @Test
    void attributeWriterFixedBytesAndRoundTrip() throws Exception {
        NlAttrWriter w = new NlAttrWriter();
        w.beginNested(2 | NlAttr.F_NESTED).string(2 | NlAttr.F_NET_BYTEORDER, "r0").u32(1, 7).endNested();
        w.u64(3, 0x0102030405060708L).flagByte(4, true);
        byte[] b = w.toByteArray();
        assertArrayEquals(HexFormat.of().parseHex(
                "14000280" + "07000240" + "72300000" + "08000100" + "07000000"
                        + "0c000300" + "0807060504030201" + "05000400" + "01000000"), b);
        NlAttrs a = NlAttrs.parse(ByteBuffer.wrap(b));
        assertEquals(3, a.size());
        NlAttrs ctx = a.get(2).orElseThrow().nested();
        assertEquals("r0", ctx.get(2).orElseThrow().string());
        assertEquals(0x4002, ctx.get(2).orElseThrow().rawType());
        assertEquals(7, ctx.get(1).orElseThrow().u32());
        assertEquals(0x0102030405060708L, a.get(3).orElseThrow().u64());
        assertTrue(a.get(4).orElseThrow().flag());
    }

    @Test
    void socketPathFollowsFromTheRoot() {
        assertEquals("/run/scst-drbd/UMCfuse.genl", GenlSocketPath.name("/UMCfuse"));
        assertEquals("/run/scst-drbd/UMCfuse.genl", GenlSocketPath.name("//UMCfuse///"));
        assertEquals("/run/scst-drbd/tmp-drbd\\x2dh-root1.genl", GenlSocketPath.name("/tmp/drbd-h/root1"));
        assertEquals("/run/scst-drbd/-.genl", GenlSocketPath.name("/"));
        assertEquals("/run/scst-drbd/a-\\x2ehidden.genl", GenlSocketPath.name("/a/.hidden"));
        String longRoot = "/" + "x".repeat(120);
        String p = GenlSocketPath.name(longRoot);
        assertTrue(p.matches("/run/scst-drbd/h-[0-9a-f]{16}\\.genl"), p);
        assertEquals(String.format("%016x", GenlSocketPath.fnv1a64("x".repeat(120))), p.substring(17, 33));
    }
}
