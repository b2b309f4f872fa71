package io.scstdrbd.drbd.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.device.DrbdBlockDevice;
import io.scstdrbd.drbd.events.Events2;
import io.scstdrbd.drbd.model.DrbdNode;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.genl.GenlBus;
import io.scstdrbd.kernel.genl.GenlClient;
import io.scstdrbd.kernel.genl.GenlMessageBuilder;
import io.scstdrbd.kernel.genl.NetlinkHeader;
import io.scstdrbd.kernel.genl.NlAttr;
import io.scstdrbd.kernel.genl.NlAttrWriter;
import io.scstdrbd.kernel.genl.NlAttrs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drbd family over the bus, with messages built as drbdsetup builds them. */
class DrbdFamilyTest {
    @TempDir
    Path tmp;

    GenlBus bus;
    DrbdFamily family;
    Client client;

    static final class Client implements GenlClient {
        final List<ByteBuffer> got = new ArrayList<>();

        @Override
        public boolean privileged() {
            return true;
        }

        @Override
        public synchronized boolean deliver(ByteBuffer message, boolean multicast) {
            got.add(message);
            return true;
        }

        @Override
        public String describe() {
            return "test";
        }

        synchronized List<ByteBuffer> take() {
            List<ByteBuffer> l = new ArrayList<>(got);
            got.clear();
            return l;
        }
    }

    @BeforeEach
    void setUp() {
        bus = new GenlBus();
        Events2 events = new Events2(bus);
        DrbdNode node = new DrbdNode(new DeviceRegistry(tmp.toString()), events, ReplicationFactory.NONE,
                (n, d) -> new DrbdBlockDevice(n, d, Runnable::run), (c, r, e) -> CompletableFuture.completedFuture(0),
                new SplittableRandom(1));
        family = new DrbdFamily(node, bus, events);
        family.register();
        client = new Client();
    }

    /** A request as libgenl sends it: NLM_F_REQUEST (| DUMP), drbd_genlmsghdr, attributes. */
    ByteBuffer request(int cmd, int flags, int seq, int minor, byte[] attrs) {
        GenlMessageBuilder m = new GenlMessageBuilder(family.family().id(), NetlinkHeader.NLM_F_REQUEST | flags, seq,
                4242, cmd, 2, 8);
        m.userHeaderU32(0, minor);
        m.raw(attrs);
        return m.finish();
    }

    /** ctx{res!: name} with drbd-utils' flag bits. */
    static NlAttrWriter ctx(NlAttrWriter w, String res, Integer vol, Integer peer) {
        w.beginNested(2 | NlAttr.F_NESTED);
        if (vol != null) {
            w.u32(1 | NlAttr.F_NET_BYTEORDER, vol);
        }
        w.string(2 | NlAttr.F_NET_BYTEORDER, res);
        if (peer != null) {
            w.u32(6 | NlAttr.F_NET_BYTEORDER, peer);
        }
        return w.endNested();
    }

    List<ByteBuffer> send(ByteBuffer req) {
        bus.receive(client, req);
        return client.take();
    }

    static int retCode(ByteBuffer m) {
        return m.duplicate().order(NetlinkHeader.ORDER).getInt(NetlinkHeader.SIZE + 4 + 4);
    }

    static int minorOf(ByteBuffer m) {
        return m.duplicate().order(NetlinkHeader.ORDER).getInt(NetlinkHeader.SIZE + 4);
    }

    static NlAttrs attrs(ByteBuffer m) throws Exception {
        ByteBuffer b = m.duplicate();
        b.position(NetlinkHeader.SIZE + 4 + 8);
        return NlAttrs.parse(b);
    }

    static int cmd(ByteBuffer m) {
        return m.get(NetlinkHeader.SIZE) & 0xff;
    }

    byte[] newResource(String name, int nodeId) {
        NlAttrWriter w = ctx(new NlAttrWriter(), name, null, null);
        w.beginNested(4 | NlAttr.F_NESTED).u32(4, nodeId).endNested();
        return w.toByteArray();
    }

    @Test
    void newResourceReplyFixedBytes() {
        List<ByteBuffer> r = send(request(DrbdConst.CMD_NEW_RESOURCE, 0, 7, -1, newResource("r0", 0)));
        assertEquals(1, r.size());
        byte[] b = new byte[r.get(0).remaining()];
        r.get(0).duplicate().get(b);
        // nlmsghdr{len 40, family 0x13, flags 0, seq 7, pid 4242}, genlmsghdr{NEW_RESOURCE, 2},
        // drbd_genlmsghdr{minor -1, ret_code 101}, the request's context echoed verbatim
        assertEquals("28000000" + "1300" + "0000" + "07000000" + "92100000" + "07020000" + "ffffffff" + "65000000"
                + "0c000280" + "07000240" + "72300000", HexFormat.of().formatHex(b));
        // again: the kernel answers NO_ERROR for an existing resource
        assertEquals(DrbdConst.NO_ERROR, retCode(send(request(DrbdConst.CMD_NEW_RESOURCE, 0, 8, -1,
                newResource("r0", 0))).get(0)));
    }

    @Test
    void kernelErrorsForBadRequests() throws Exception {
        // an unknown field with the mandatory bit inside the context
        NlAttrWriter w = new NlAttrWriter();
        w.beginNested(2 | NlAttr.F_NESTED).string(2 | NlAttr.F_NET_BYTEORDER, "r0").u32(9 | NlAttr.F_NET_BYTEORDER, 1)
                .endNested();
        ByteBuffer r = send(request(DrbdConst.CMD_NEW_RESOURCE, 0, 1, -1, w.toByteArray())).get(0);
        assertEquals(DrbdConst.ERR_MANDATORY_TAG, retCode(r));
        assertEquals("unknown mandatory attribute",
                attrs(r).get(1).orElseThrow().nested().get(1).orElseThrow().string());
        // no node id
        r = send(request(DrbdConst.CMD_NEW_RESOURCE, 0, 2, -1, ctx(new NlAttrWriter(), "r0", null, null)
                .toByteArray())).get(0);
        assertEquals(DrbdConst.ERR_MANDATORY_TAG, retCode(r));
        // a command for an unknown resource and an unknown minor
        r = send(request(DrbdConst.CMD_PRIMARY, 0, 3, -1, ctx(new NlAttrWriter(), "nosuch", null, null)
                .toByteArray())).get(0);
        assertEquals(DrbdConst.ERR_RES_NOT_KNOWN, retCode(r));
        r = send(request(DrbdConst.CMD_DETACH, 0, 4, 9, new byte[0])).get(0);
        assertEquals(DrbdConst.ERR_MINOR_INVALID, retCode(r));
        assertEquals(9, minorOf(r));
        // a wrong genl version is a netlink error
        GenlMessageBuilder m = new GenlMessageBuilder(family.family().id(), NetlinkHeader.NLM_F_REQUEST, 5, 1,
                DrbdConst.CMD_PRIMARY, 1, 8);
        m.raw(ctx(new NlAttrWriter(), "r0", null, null).toByteArray());
        r = send(m.finish()).get(0);
        assertEquals(NetlinkHeader.NLMSG_ERROR, NetlinkHeader.read(r, 0).type());
        // a dump with an unknown resource filter: one message with 158, then DONE
        List<ByteBuffer> d = send(request(DrbdConst.CMD_GET_DEVICES, NetlinkHeader.NLM_F_DUMP, 6, -1,
                ctx(new NlAttrWriter(), "nosuch", null, null).toByteArray()));
        assertEquals(2, d.size());
        assertEquals(DrbdConst.ERR_RES_NOT_KNOWN, retCode(d.get(0)));
        assertEquals(NetlinkHeader.NLMSG_DONE, NetlinkHeader.read(d.get(1), 0).type());
    }

    byte[] path() {
        NlAttrWriter w = ctx(new NlAttrWriter(), "r0", null, 1);
        w.beginNested(28 | NlAttr.F_NESTED)
                .bytes(1 | NlAttr.F_NET_BYTEORDER, HexFormat.of().parseHex("02001e6c7f0000010000000000000000"))
                .bytes(2 | NlAttr.F_NET_BYTEORDER, HexFormat.of().parseHex("02001e6c7f0000020000000000000000"))
                .endNested();
        return w.toByteArray();
    }

    void upWithoutDisk() {
        send(request(DrbdConst.CMD_NEW_RESOURCE, 0, 1, -1, newResource("r0", 0)));
        send(request(DrbdConst.CMD_NEW_MINOR, 0, 2, 1, ctx(new NlAttrWriter(), "r0", 0, null).toByteArray()));
        NlAttrWriter peer = ctx(new NlAttrWriter(), "r0", null, 1);
        peer.beginNested(5 | NlAttr.F_NESTED).string(31 | NlAttr.F_NET_BYTEORDER, "vagrant").endNested();
        assertEquals(DrbdConst.NO_ERROR, retCode(send(request(DrbdConst.CMD_NEW_PEER, 0, 3, -1,
                peer.toByteArray())).get(0)));
        assertEquals(DrbdConst.NO_ERROR, retCode(send(request(DrbdConst.CMD_NEW_PATH, 0, 4, -1, path())).get(0)));
        assertEquals(1, retCode(send(request(DrbdConst.CMD_CONNECT, 0, 5, -1,
                ctx(new NlAttrWriter(), "r0", null, 1).toByteArray())).get(0)));
    }

    @Test
    void dumpsCarryWhatShowAndStatusNeed() throws Exception {
        upWithoutDisk();
        List<ByteBuffer> c = send(request(DrbdConst.CMD_GET_CONNECTIONS, NetlinkHeader.NLM_F_DUMP, 9, -1,
                ctx(new NlAttrWriter(), "r0", null, null).toByteArray()));
        assertEquals(2, c.size());
        NlAttrs a = attrs(c.get(0));
        NlAttrs paths = a.get(28).orElseThrow().nested();
        assertEquals(0x4001, paths.all().get(0).rawType(), "drbdsetup 9.22 matches the flagged type");
        assertEquals(0x4002, paths.all().get(1).rawType());
        NlAttrs net = a.get(5).orElseThrow().nested();
        assertEquals("vagrant", net.get(31).orElseThrow().string());
        assertEquals(3, net.get(6).orElseThrow().u32(), "every field with its value: protocol C");
        assertFalse(net.has(35) && !net.get(35).orElseThrow().string().isEmpty(), "no transport unless configured");
        NlAttrs info = a.get(17).orElseThrow().nested();
        assertEquals(8, info.get(1).orElseThrow().u32(), "Connecting");

        List<ByteBuffer> devs = send(request(DrbdConst.CMD_GET_DEVICES, NetlinkHeader.NLM_F_DUMP, 10, -1, new byte[0]));
        assertEquals(2, devs.size());
        assertEquals(1, minorOf(devs.get(0)));
        assertFalse(attrs(devs.get(0)).has(3), "no disk_conf while diskless");
        assertEquals(0, attrs(devs.get(0)).get(16).orElseThrow().nested().get(1).orElseThrow().u32(), "Diskless");
    }

    @Test
    void eventsAreGapFreeAndTheInitialStateIsOrdered() throws Exception {
        Client listener = new Client();
        bus.join(listener, family.family().groupId(DrbdConst.EVENTS_GROUP));
        upWithoutDisk();
        send(request(DrbdConst.CMD_DOWN, 0, 11, -1, ctx(new NlAttrWriter(), "r0", null, null).toByteArray()));
        List<ByteBuffer> ev = listener.take();
        assertTrue(ev.size() >= 10, "events: " + ev.size());
        int seq = NetlinkHeader.read(ev.get(0), 0).seq();
        for (ByteBuffer e : ev) {
            NetlinkHeader h = NetlinkHeader.read(e, 0);
            assertEquals(seq++, h.seq(), "one global counter, +1 per event");
            assertEquals(0, h.portId());
            assertEquals(DrbdConst.NO_ERROR, retCode(e));
        }
        ByteBuffer last = ev.get(ev.size() - 1);
        assertEquals(DrbdConst.EVT_RESOURCE_STATE, cmd(last));
        NlAttrs la = attrs(last);
        assertEquals(DrbdConst.NOTIFY_DESTROY, la.get(23).orElseThrow().nested().get(1).orElseThrow().u32());
        assertFalse(la.has(15), "a destroy carries no info");

        upWithoutDisk();
        List<ByteBuffer> init = send(request(DrbdConst.CMD_GET_INITIAL_STATE, NetlinkHeader.NLM_F_DUMP, 12, -1,
                new byte[0]));
        List<Integer> cmds = new ArrayList<>();
        for (ByteBuffer m : init) {
            cmds.add(NetlinkHeader.read(m, 0).type() == NetlinkHeader.NLMSG_DONE ? -1 : cmd(m));
        }
        assertEquals(List.of(DrbdConst.EVT_RESOURCE_STATE, DrbdConst.EVT_DEVICE_STATE, DrbdConst.EVT_CONNECTION_STATE,
                DrbdConst.EVT_PEER_DEVICE_STATE, DrbdConst.EVT_PATH_STATE, DrbdConst.EVT_INITIAL_STATE_DONE, -1), cmds);
        for (ByteBuffer m : init.subList(0, 6)) {
            assertEquals(12, NetlinkHeader.read(m, 0).seq());
            assertEquals(NetlinkHeader.NLM_F_MULTI, NetlinkHeader.read(m, 0).flags());
        }
    }
}
