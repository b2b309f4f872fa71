package io.scstdrbd.drbd.events;

import io.scstdrbd.drbd.model.Connection;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.ModelEvents;
import io.scstdrbd.drbd.model.Notify;
import io.scstdrbd.drbd.model.Path;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.netlink.DrbdConst;
import io.scstdrbd.drbd.netlink.ObjectInfo;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.kernel.genl.GenlBus;
import io.scstdrbd.kernel.genl.GenlFamily;
import io.scstdrbd.kernel.genl.GenlMessageBuilder;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of the drbd family: every state change becomes a notification multicast to the
 * {@code events} group, numbered from one global counter that grows by exactly one per event
 * (drbd_genl_seq), so {@code drbdsetup events2} sees no "skipped" gaps. Called by the model with
 * its lock held, which keeps numbering and delivery in the order of the changes. Messages are
 * only built when somebody listens.
 */
public final class Events2 implements ModelEvents {
    private final GenlBus bus;
    private volatile GenlFamily family;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    public Events2(GenlBus bus) {
        this.bus = bus;
    }

    /** The registered drbd family (set once it has its id). */
    public void family(GenlFamily f) {
        this.family = f;
    }

    /** Events multicast so far (for tests). */
    public long sent() {
        return sent.get();
    }

    private GenlMessageBuilder start(int cmd, int minor) {
        GenlFamily f = family;
        int s = (int) seq.incrementAndGet();
        GenlMessageBuilder m = new GenlMessageBuilder(f.id(), 0, s, 0, cmd, DrbdConst.GENL_VERSION,
                DrbdConst.USER_HEADER);
        m.userHeaderU32(0, minor);
        m.userHeaderU32(4, DrbdConst.NO_ERROR);
        return m;
    }

    private boolean listening() {
        GenlFamily f = family;
        return f != null && f.id() != 0 && bus.hasListeners(f.groupId(DrbdConst.EVENTS_GROUP));
    }

    private void send(GenlMessageBuilder m) {
        ByteBuffer b = m.finish();
        bus.multicast(family.groupId(DrbdConst.EVENTS_GROUP), b);
        sent.incrementAndGet();
    }

    private static int nh(Notify what, boolean more) {
        return what.code() | (more ? DrbdConst.NOTIFY_CONTINUES : 0);
    }

    @Override
    public void resource(Resource r, Notify what, boolean more) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_RESOURCE_STATE, DrbdConst.NO_MINOR);
        resourceBody(m, r, nh(what, more));
        send(m);
    }

    @Override
    public void device(Device d, Notify what, boolean more) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_DEVICE_STATE, d.minor());
        deviceBody(m, d, nh(what, more));
        send(m);
    }

    @Override
    public void connection(Connection c, Notify what, boolean more) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_CONNECTION_STATE, DrbdConst.NO_MINOR);
        connectionBody(m, c, nh(what, more));
        send(m);
    }

    @Override
    public void peerDevice(PeerDevice pd, Notify what, boolean more) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_PEER_DEVICE_STATE, DrbdConst.NO_MINOR);
        peerDeviceBody(m, pd, nh(what, more));
        send(m);
    }

    @Override
    public void path(Connection c, Path p, Notify what, boolean more) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_PATH_STATE, DrbdConst.NO_MINOR);
        pathBody(m, c, p, nh(what, more));
        send(m);
    }

    @Override
    public void helper(Resource r, Device d, Connection c, String name, Notify what, int status) {
        if (!listening()) {
            return;
        }
        GenlMessageBuilder m = start(DrbdConst.EVT_HELPER, d == null ? DrbdConst.NO_MINOR : d.minor());
        ObjectInfo.context(m, r, c, d, null);
        ObjectInfo.notification(m, what.code());
        Tlas.HELPER.empty().with("helper_name", name).with("helper_status", (long) status).encode(m, true);
        send(m);
    }

    // the bodies are shared with GET_INITIAL_STATE

    public static void resourceBody(GenlMessageBuilder m, Resource r, int nhType) {
        ObjectInfo.context(m, r, null, null, null);
        ObjectInfo.notification(m, nhType);
        if ((nhType & ~DrbdConst.NOTIFY_CONTINUES) != DrbdConst.NOTIFY_DESTROY) {
            ObjectInfo.resourceInfo(r).encode(m, true);
        }
        ObjectInfo.resourceStatistics(r).encode(m, true);
    }

    public static void deviceBody(GenlMessageBuilder m, Device d, int nhType) {
        ObjectInfo.context(m, d.resource(), null, d, null);
        ObjectInfo.notification(m, nhType);
        if ((nhType & ~DrbdConst.NOTIFY_CONTINUES) != DrbdConst.NOTIFY_DESTROY) {
            ObjectInfo.deviceInfo(d).encode(m, true);
        }
        ObjectInfo.deviceStatistics(d).encode(m, true);
    }

    public static void connectionBody(GenlMessageBuilder m, Connection c, int nhType) {
        ObjectInfo.context(m, c.resource(), c, null, null);
        ObjectInfo.notification(m, nhType);
        if ((nhType & ~DrbdConst.NOTIFY_CONTINUES) != DrbdConst.NOTIFY_DESTROY) {
            ObjectInfo.connectionInfo(c).encode(m, true);
        }
        ObjectInfo.paths(m, c);
        ObjectInfo.connectionStatistics(c).encode(m, true);
    }

    public static void peerDeviceBody(GenlMessageBuilder m, PeerDevice pd, int nhType) {
        ObjectInfo.context(m, pd.device().resource(), pd.connection(), pd.device(), null);
        ObjectInfo.notification(m, nhType);
        if ((nhType & ~DrbdConst.NOTIFY_CONTINUES) != DrbdConst.NOTIFY_DESTROY) {
            ObjectInfo.peerDeviceInfo(pd).encode(m, true);
        }
        ObjectInfo.peerDeviceStatistics(pd).encode(m, true);
    }

    public static void pathBody(GenlMessageBuilder m, Connection c, Path p, int nhType) {
        ObjectInfo.context(m, c.resource(), c, null, p);
        ObjectInfo.notification(m, nhType);
        Tlas.PATH_INFO.empty().with("path_established", p.established()).encode(m, true);
    }
}
