package io.scstdrbd.drbd.netlink;

import static io.scstdrbd.drbd.netlink.DrbdConst.*;

import io.scstdrbd.drbd.events.Events2;
import io.scstdrbd.drbd.model.AdmResult;
import io.scstdrbd.drbd.model.AdmTarget;
import io.scstdrbd.drbd.model.Connection;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.DrbdNode;
import io.scstdrbd.drbd.model.LocalDisk;
import io.scstdrbd.drbd.model.Path;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.genl.GenlBus;
import io.scstdrbd.kernel.genl.GenlException;
import io.scstdrbd.kernel.genl.GenlFamily;
import io.scstdrbd.kernel.genl.GenlMessageBuilder;
import io.scstdrbd.kernel.genl.GenlOperation;
import io.scstdrbd.kernel.genl.GenlRequest;
import io.scstdrbd.kernel.genl.NlAttr;
import io.scstdrbd.kernel.genl.NlAttrs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic-netlink family "drbd" (version 2, 8-byte header, group "events"): parses each
 * request, resolves its target as the kernel does, runs the {@link DrbdNode} operation and
 * answers with the kernel's reply (the request's context echoed, ret_code, info texts); serves
 * the GET_* dumps and GET_INITIAL_STATE.
 */
public final class DrbdFamily {
    private static final Logger LOG = LoggerFactory.getLogger(DrbdFamily.class);

    private final DrbdNode node;
    private final GenlBus bus;
    private final Events2 events;
    private final GenlFamily family;

    /** One doit command: prepare flags plus the operation on the resolved target. */
    @FunctionalInterface
    private interface Op {
        AdmResult run(DrbdRequest r, AdmTarget t) throws AdmException;
    }

    public DrbdFamily(DrbdNode node, GenlBus bus, Events2 events) {
        this.node = node;
        this.bus = bus;
        this.events = events;
        GenlFamily.Builder b = GenlFamily.builder(FAMILY).version(GENL_VERSION).headerSize(USER_HEADER)
                .maxAttr(MAX_TLA).group(EVENTS_GROUP);
        doit(b, CMD_NEW_RESOURCE, 0, (r, t) -> node.newResource(r.resourceName(), r.tla(Tlas.RESOURCE_OPTS, false)));
        doit(b, CMD_DEL_RESOURCE, AdmTarget.NEED_RESOURCE, (r, t) -> node.delResource(t));
        doit(b, CMD_RESOURCE_OPTS, AdmTarget.NEED_RESOURCE,
                (r, t) -> node.resourceOptions(t, r.tla(Tlas.RESOURCE_OPTS, true), r.setDefaults()));
        doit(b, CMD_NEW_MINOR, AdmTarget.NEED_RESOURCE, (r, t) -> node.newMinor(t, r.tla(Tlas.DEVICE_CONF, false)));
        doit(b, CMD_DEL_MINOR, AdmTarget.NEED_MINOR, (r, t) -> node.delMinor(t));
        doit(b, CMD_NEW_PEER, AdmTarget.NEED_PEER_NODE, (r, t) -> node.newPeer(t, r.tla(Tlas.NET_CONF, false)));
        doit(b, CMD_DEL_PEER, AdmTarget.NEED_CONNECTION,
                (r, t) -> node.delPeer(t, r.parms(Tlas.DISCONNECT_PARMS).flag("force_disconnect")));
        doit(b, CMD_NEW_PATH, AdmTarget.NEED_CONNECTION, (r, t) -> {
            NlStruct p = r.tla(Tlas.PATH_PARMS, false);
            return node.newPath(t, p.bin("my_addr"), p.bin("peer_addr"));
        });
        doit(b, CMD_DEL_PATH, AdmTarget.NEED_CONNECTION, (r, t) -> {
            NlStruct p = r.tla(Tlas.PATH_PARMS, false);
            return node.delPath(t, p.bin("my_addr"), p.bin("peer_addr"));
        });
        doit(b, CMD_CONNECT, AdmTarget.NEED_CONNECTION, (r, t) -> {
            NlStruct p = r.parms(Tlas.CONNECT_PARMS);
            return node.connect(t, p.flag("discard_my_data"), p.flag("tentative"));
        });
        doit(b, CMD_DISCONNECT, AdmTarget.NEED_CONNECTION,
                (r, t) -> node.disconnect(t, r.parms(Tlas.DISCONNECT_PARMS).flag("force_disconnect")));
        doit(b, CMD_CHG_NET_OPTS, AdmTarget.NEED_CONNECTION,
                (r, t) -> node.netOptions(t, r.tla(Tlas.NET_CONF, true), r.setDefaults()));
        doit(b, CMD_CHG_PEER_DEVICE_OPTS, AdmTarget.NEED_PEER_DEVICE,
                (r, t) -> node.peerDeviceOptions(t, r.tla(Tlas.PEER_DEVICE_OPTS, true), r.setDefaults()));
        doit(b, CMD_ATTACH, AdmTarget.NEED_MINOR, (r, t) -> node.attach(t, r.tla(Tlas.DISK_CONF, false)));
        doit(b, CMD_DETACH, AdmTarget.NEED_MINOR,
                (r, t) -> node.detach(t, r.parms(Tlas.DETACH_PARMS).flag("force_detach")));
        doit(b, CMD_CHG_DISK_OPTS, AdmTarget.NEED_MINOR,
                (r, t) -> node.diskOptions(t, r.tla(Tlas.DISK_CONF, true), r.setDefaults()));
        doit(b, CMD_PRIMARY, AdmTarget.NEED_RESOURCE,
                (r, t) -> node.setRole(t, Role.PRIMARY, r.parms(Tlas.SET_ROLE_PARMS).flag("force")));
        doit(b, CMD_SECONDARY, AdmTarget.NEED_RESOURCE,
                (r, t) -> node.setRole(t, Role.SECONDARY, r.parms(Tlas.SET_ROLE_PARMS).flag("force")));
        doit(b, CMD_DOWN, AdmTarget.NEED_RESOURCE, (r, t) -> node.down(t));
        doit(b, CMD_OUTDATE, AdmTarget.NEED_MINOR, (r, t) -> node.outdate(t));
        doit(b, CMD_INVALIDATE, AdmTarget.NEED_MINOR, (r, t) -> node.invalidate(t, r.parms(Tlas.INVALIDATE_PARMS)));
        doit(b, CMD_INVAL_PEER, AdmTarget.NEED_PEER_DEVICE,
                (r, t) -> node.invalidatePeer(t, r.parms(Tlas.INVAL_PEER_PARAMS)));
        doit(b, CMD_NEW_C_UUID, AdmTarget.NEED_MINOR, (r, t) -> {
            NlStruct p = r.parms(Tlas.NEW_C_UUID_PARMS);
            return node.newCurrentUuidCommand(t, p.flag("clear_bm"), p.flag("force_resync"));
        });
        doit(b, CMD_RESIZE, AdmTarget.NEED_MINOR,
                (r, t) -> node.resize(t, r.tla(Tlas.RESIZE_PARMS, false)));
        doit(b, CMD_SUSPEND_IO, AdmTarget.NEED_MINOR, (r, t) -> node.suspendIo(t, true));
        doit(b, CMD_RESUME_IO, AdmTarget.NEED_MINOR, (r, t) -> node.suspendIo(t, false));
        doit(b, CMD_PAUSE_SYNC, AdmTarget.NEED_PEER_DEVICE, (r, t) -> node.pauseSync(t, true));
        doit(b, CMD_RESUME_SYNC, AdmTarget.NEED_PEER_DEVICE, (r, t) -> node.pauseSync(t, false));
        doit(b, CMD_START_OV, AdmTarget.NEED_PEER_DEVICE, (r, t) -> {
            r.parms(Tlas.START_OV_PARMS);
            PeerDevice pd = t.peerDevice();
            if (pd.repl().code() < ReplState.ESTABLISHED.code()) {
                return AdmResult.of(StateResult.NEED_CONNECTION);
            }
            if (pd.connection().netConf().str("verify_alg").isEmpty()) {
                return AdmResult.of(StateResult.NO_VERIFY_ALG);
            }
            return node.startVerify(pd);
        });
        doit(b, CMD_FORGET_PEER, AdmTarget.NEED_RESOURCE,
                (r, t) -> node.forgetPeer(t, (int) r.parms(Tlas.FORGET_PEER_PARMS).num("forget_peer_node_id")));
        doit(b, CMD_RENAME_RESOURCE, AdmTarget.NEED_RESOURCE,
                (r, t) -> AdmResult.of(ERR_INVALID_REQUEST, "renaming resources is not supported"));
        b.op(GenlOperation.doit(CMD_GET_TIMEOUT_TYPE, this::getTimeoutType));
        b.op(GenlOperation.dump(CMD_GET_RESOURCES, this::dumpResources));
        b.op(GenlOperation.dump(CMD_GET_DEVICES, this::dumpDevices));
        b.op(GenlOperation.dump(CMD_GET_CONNECTIONS, this::dumpConnections));
        b.op(GenlOperation.dump(CMD_GET_PEER_DEVICES, this::dumpPeerDevices));
        b.op(GenlOperation.dump(CMD_GET_INITIAL_STATE, this::initialState));
        this.family = b.build();
    }

    public GenlFamily family() {
        return family;
    }

    public void register() {
        bus.register(family);
        events.family(family);
    }

    public void unregister() {
        bus.unregister(family);
    }

    private void doit(GenlFamily.Builder b, int cmd, int need, Op op) {
        b.op(GenlOperation.doit(cmd, req -> handle(req, cmd, need, op)));
    }

    private ByteBuffer handle(GenlRequest req, int cmd, int need, Op op) throws GenlException {
        if (req.version() != GENL_VERSION && cmd != CMD_DOWN) {
            throw GenlException.invalid("Wrong API version, upgrade your drbd utils.");
        }
        DrbdRequest r;
        try {
            r = DrbdRequest.parse(req);
        } catch (AdmException e) {
            return reply(req, null, -1, new AdmResult(e.retCode(), info(e)));
        }
        AdmResult res;
        try {
            res = node.locked(() -> {
                AdmTarget t = node.prepare(r.minor, r.resourceName(), r.volume(), r.peerNodeId(), need);
                return op.run(r, t);
            });
        } catch (AdmException e) {
            res = new AdmResult(e.retCode(), info(e));
        } catch (RuntimeException e) {
            LOG.error("drbd command {} failed", cmd, e);
            throw new GenlException(Errno.EIO, "internal error: " + e);
        }
        if (res.retCode() != NO_ERROR && res.retCode() < 1) {
            LOG.info("drbd command {} (minor {}, resource {}): state change failed: {}", cmd, r.minor,
                    r.resourceName(), StateResult.of(res.retCode()));
        } else if (res.retCode() > NO_ERROR) {
            LOG.info("drbd command {} (minor {}, resource {}): error {} {}", cmd, r.minor, r.resourceName(),
                    res.retCode(), res.info());
        }
        return reply(req, r.contextAttr, r.minor, res);
    }

    private static List<String> info(AdmException e) {
        return e.info() == null ? List.of() : List.of(e.info());
    }

    /** The doit reply: header minor and ret_code, the request's context echoed, info texts. */
    private static ByteBuffer reply(GenlRequest req, NlAttr ctx, int minor, AdmResult res) {
        GenlMessageBuilder m = req.reply(req.cmd());
        m.userHeaderU32(0, minor == -1 ? req.userHeader().getInt(0) : minor);
        m.userHeaderU32(4, res.retCode());
        if (ctx != null) {
            byte[] payload = new byte[ctx.length()];
            ctx.payload().duplicate().get(payload);
            m.beginNested(ctx.rawType());
            m.raw(payload);
            m.endNested();
        }
        for (String line : res.info()) {
            Tlas.CFG_REPLY.empty().with("info_text", line.endsWith("\n") ? line.substring(0, line.length() - 1)
                    : line).encode(m, true);
        }
        return m.finish();
    }

    private ByteBuffer getTimeoutType(GenlRequest req) throws GenlException {
        DrbdRequest r;
        try {
            r = DrbdRequest.parse(req);
        } catch (AdmException e) {
            return reply(req, null, -1, new AdmResult(e.retCode(), info(e)));
        }
        try {
            return node.locked(() -> {
                AdmTarget t = node.prepare(r.minor, r.resourceName(), r.volume(), r.peerNodeId(),
                        AdmTarget.NEED_PEER_DEVICE);
                PeerDevice pd = t.peerDevice();
                LocalDisk l = pd.device().ldev();
                boolean degraded = r.peerNodeId() != null && l != null && pd.device().resource().role() != Role.PRIMARY
                        && l.md().superblock().hasFlag(io.scstdrbd.drbd.meta.Superblock.MDF_PRIMARY_IND)
                        && (l.md().superblock().peer(pd.peerNodeId()).flags()
                                & io.scstdrbd.drbd.meta.PeerMd.MDF_PEER_CONNECTED) == 0;
                int type = pd.peerDisk() == DiskState.OUTDATED ? UT_PEER_OUTDATED : degraded ? UT_DEGRADED : UT_DEFAULT;
                GenlMessageBuilder m = req.reply(req.cmd());
                m.userHeaderU32(0, r.minor);
                m.userHeaderU32(4, NO_ERROR);
                Tlas.TIMEOUT_PARMS.empty().with("timeout_type", (long) type).encode(m, true);
                return m.finish();
            });
        } catch (AdmException e) {
            return reply(req, r.contextAttr, r.minor, new AdmResult(e.retCode(), info(e)));
        }
    }

    // ---------------------------------------------------------------------------------------
    // dumps

    private static String filter(GenlRequest req) throws GenlException {
        NlAttrs a = req.attrs();
        NlAttr ctx = a.get(Tlas.CFG_CONTEXT.number()).orElse(null);
        if (ctx == null) {
            return null;
        }
        return ctx.nested().get(2).map(NlAttr::string).orElse(null);
    }

    private static GenlMessageBuilder part(GenlRequest req, int minor, int ret) {
        GenlMessageBuilder m = req.dumpPart(req.cmd());
        m.userHeaderU32(0, minor);
        m.userHeaderU32(4, ret);
        return m;
    }

    /** Resources to dump, or null after emitting the "unknown resource" message. */
    private List<Resource> filtered(GenlRequest req, Consumer<ByteBuffer> out) throws GenlException {
        String name = filter(req);
        if (name == null) {
            return node.resources();
        }
        Resource r = node.resource(name);
        if (r == null) {
            out.accept(part(req, NO_MINOR, ERR_RES_NOT_KNOWN).finish());
            return null;
        }
        return List.of(r);
    }

    /** Builds one filtered dump: its messages are made under the node's read lock, sent after it. */
    private interface DumpBody {
        void build(List<Resource> resources, List<ByteBuffer> msgs) throws GenlException;
    }

    private void dumpFiltered(GenlRequest req, Consumer<ByteBuffer> out, DumpBody body) throws GenlException {
        List<ByteBuffer> msgs = new ArrayList<>();
        GenlException[] err = new GenlException[1];
        node.read(() -> {
            try {
                List<Resource> rs = filtered(req, msgs::add);
                if (rs != null) {
                    body.build(rs, msgs);
                }
            } catch (GenlException e) {
                err[0] = e;
            }
            return null;
        });
        if (err[0] != null) {
            throw err[0];
        }
        msgs.forEach(out);
    }

    /** Every minor without a resource filter, else the filtered resource's devices. */
    private List<Device> devicesOf(GenlRequest req, List<Resource> rs) throws GenlException {
        return filter(req) == null ? new ArrayList<>(node.minors()) : new ArrayList<>(rs.get(0).devices());
    }

    private void dumpResources(GenlRequest req, Consumer<ByteBuffer> out) {
        List<ByteBuffer> msgs = node.read(() -> {
            List<ByteBuffer> l = new ArrayList<>();
            for (Resource r : node.resources()) {
                GenlMessageBuilder m = part(req, NO_MINOR, NO_ERROR);
                ObjectInfo.context(m, r, null, null, null);
                r.options().encode(m, req.client().privileged());
                ObjectInfo.resourceInfo(r).encode(m, true);
                ObjectInfo.resourceStatistics(r).encode(m, true);
                l.add(m.finish());
            }
            return l;
        });
        msgs.forEach(out);
    }

    private void dumpDevices(GenlRequest req, Consumer<ByteBuffer> out) throws GenlException {
        dumpFiltered(req, out, (rs, msgs) -> {
            for (Device d : devicesOf(req, rs)) {
                GenlMessageBuilder m = part(req, d.minor(), NO_ERROR);
                ObjectInfo.context(m, d.resource(), null, d, null);
                LocalDisk l = d.ldev();
                if (l != null) {
                    l.diskConf().encode(m, req.client().privileged());
                }
                d.deviceConf().encode(m, true);
                ObjectInfo.deviceInfo(d).encode(m, true);
                ObjectInfo.deviceStatistics(d).encode(m, true);
                msgs.add(m.finish());
            }
        });
    }

    private void dumpConnections(GenlRequest req, Consumer<ByteBuffer> out) throws GenlException {
        dumpFiltered(req, out, (rs, msgs) -> {
            for (Resource r : rs) {
                for (Connection c : r.connections()) {
                    GenlMessageBuilder m = part(req, NO_MINOR, NO_ERROR);
                    ObjectInfo.context(m, r, c, null, null);
                    c.netConf().encode(m, req.client().privileged());
                    ObjectInfo.paths(m, c);
                    ObjectInfo.connectionInfo(c).encode(m, true);
                    ObjectInfo.connectionStatistics(c).encode(m, true);
                    msgs.add(m.finish());
                }
            }
        });
    }

    private void dumpPeerDevices(GenlRequest req, Consumer<ByteBuffer> out) throws GenlException {
        dumpFiltered(req, out, (rs, msgs) -> {
            for (Device d : devicesOf(req, rs)) {
                for (PeerDevice pd : d.peerDevices()) {
                    GenlMessageBuilder m = part(req, d.minor(), NO_ERROR);
                    ObjectInfo.context(m, d.resource(), pd.connection(), d, null);
                    ObjectInfo.peerDeviceInfo(pd).encode(m, true);
                    ObjectInfo.peerDeviceStatistics(pd).encode(m, true);
                    pd.conf().encode(m, true);
                    msgs.add(m.finish());
                }
            }
        });
    }

    /**
     * GET_INITIAL_STATE: every object as NOTIFY_EXISTS, then INITIAL_STATE_DONE. Built and queued
     * under the node lock, so any later event reaches the listener after it.
     */
    private void initialState(GenlRequest req, Consumer<ByteBuffer> out) throws GenlException {
        GenlException[] err = new GenlException[1];
        node.read(() -> {
            try {
                // the kernel does not look the name up here (drbdsetup filters): an unknown resource
                // has no objects, and the dump ends as always ("exists -")
                String name = filter(req);
                Resource only = name == null ? null : node.resource(name);
                List<Resource> rs = name == null ? node.resources() : only == null ? List.of() : List.of(only);
                for (Resource r : rs) {
                    GenlMessageBuilder m = part(req, NO_MINOR, NO_ERROR);
                    m = retype(m, req, EVT_RESOURCE_STATE, NO_MINOR);
                    Events2.resourceBody(m, r, NOTIFY_EXISTS);
                    out.accept(m.finish());
                    for (Device d : r.devices()) {
                        GenlMessageBuilder dm = retype(null, req, EVT_DEVICE_STATE, d.minor());
                        Events2.deviceBody(dm, d, NOTIFY_EXISTS);
                        out.accept(dm.finish());
                    }
                    for (Connection c : r.connections()) {
                        GenlMessageBuilder cm = retype(null, req, EVT_CONNECTION_STATE, NO_MINOR);
                        Events2.connectionBody(cm, c, NOTIFY_EXISTS);
                        out.accept(cm.finish());
                        for (PeerDevice pd : c.peerDevices()) {
                            GenlMessageBuilder pm = retype(null, req, EVT_PEER_DEVICE_STATE, NO_MINOR);
                            Events2.peerDeviceBody(pm, pd, NOTIFY_EXISTS);
                            out.accept(pm.finish());
                        }
                        for (Path p : c.paths()) {
                            GenlMessageBuilder pm = retype(null, req, EVT_PATH_STATE, NO_MINOR);
                            Events2.pathBody(pm, c, p, NOTIFY_EXISTS);
                            out.accept(pm.finish());
                        }
                    }
                }
                GenlMessageBuilder done = retype(null, req, EVT_INITIAL_STATE_DONE, NO_MINOR);
                ObjectInfo.notification(done, NOTIFY_EXISTS);
                out.accept(done.finish());
            } catch (GenlException e) {
                err[0] = e;
            }
            return null;
        });
        if (err[0] != null) {
            throw err[0];
        }
    }

    /** A dump part with another command number (the initial state is made of event messages). */
    private GenlMessageBuilder retype(GenlMessageBuilder unused, GenlRequest req, int cmd, int minor) {
        GenlMessageBuilder m = new GenlMessageBuilder(family.id(), io.scstdrbd.kernel.genl.NetlinkHeader.NLM_F_MULTI,
                req.header().seq(), req.header().portId(), cmd, GENL_VERSION, USER_HEADER);
        m.userHeaderU32(0, minor);
        m.userHeaderU32(4, NO_ERROR);
        return m;
    }
}
