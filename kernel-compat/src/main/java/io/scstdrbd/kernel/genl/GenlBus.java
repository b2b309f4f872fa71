package io.scstdrbd.kernel.genl;

import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's generic-netlink bus: the registry of families (with the controller family
 * {@code nlctrl} at id 0x10), request dispatch, dumps, acks and error codes, and multicast
 * groups with their members. Transports (the Unix socket server, in-process test clients) hand
 * it complete messages with {@link #receive}; replies and events go back through
 * {@link GenlClient#deliver}.
 *
 * <p>Threading: thread-safe. {@link #receive} runs the handler on the caller's thread.
 */
public final class GenlBus {
    private static final Logger LOG = LoggerFactory.getLogger(GenlBus.class);

    /** nlmsg_type of the private "join multicast group" message the LD_PRELOAD shim sends. */
    public static final int MSG_JOIN_GROUP = 0x7ffe;
    /** nlmsg_type of the private "leave multicast group" message. */
    public static final int MSG_LEAVE_GROUP = 0x7ffd;

    static final int FIRST_DYNAMIC_FAMILY_ID = 0x13;
    static final int FIRST_DYNAMIC_GROUP_ID = 0x11;

    private final Map<String, GenlFamily> byName = new ConcurrentHashMap<>();
    private final Map<Integer, GenlFamily> byId = new ConcurrentHashMap<>();
    private final Map<Integer, Set<GenlClient>> members = new ConcurrentHashMap<>();
    private final GenlController controller;
    private int nextFamilyId = FIRST_DYNAMIC_FAMILY_ID;
    private int nextGroupId = FIRST_DYNAMIC_GROUP_ID;

    public GenlBus() {
        controller = new GenlController(this);
        GenlFamily ctrl = controller.family();
        ctrl.assign(GenlController.GENL_ID_CTRL, Map.of(GenlController.NOTIFY_GROUP, GenlController.GENL_ID_CTRL));
        byName.put(ctrl.name(), ctrl);
        byId.put(ctrl.id(), ctrl);
    }

    /** Registers a family, assigns its id and group ids, and announces it on the controller group. */
    public synchronized GenlFamily register(GenlFamily family) {
        if (byName.containsKey(family.name())) {
            throw new IllegalStateException("genl family " + family.name() + " already registered");
        }
        Map<String, Integer> groups = new LinkedHashMap<>();
        for (String g : family.groups()) {
            groups.put(g, nextGroupId++);
        }
        int id = nextFamilyId++;
        family.assign(id, groups);
        byId.put(id, family);
        byName.put(family.name(), family);
        LOG.info("generic netlink family {} registered as id {} (groups {})", family.name(), id, groups);
        controller.announce(GenlController.CTRL_CMD_NEWFAMILY, family, null);
        for (String g : family.groups()) {
            controller.announce(GenlController.CTRL_CMD_NEWMCAST_GRP, family, g);
        }
        return family;
    }

    /**
     * Removes a family. Listeners of its groups get CTRL_CMD_DELMCAST_GRP on the controller
     * group (which ends drbdsetup's events2 and wait-* cleanly), then CTRL_CMD_DELFAMILY.
     */
    public synchronized void unregister(GenlFamily family) {
        if (byName.get(family.name()) != family) {
            return;
        }
        for (String g : family.groups()) {
            controller.announce(GenlController.CTRL_CMD_DELMCAST_GRP, family, g);
        }
        controller.announce(GenlController.CTRL_CMD_DELFAMILY, family, null);
        byName.remove(family.name());
        byId.remove(family.id());
        for (int gid : family.groupIds().values()) {
            members.remove(gid);
        }
        LOG.info("generic netlink family {} unregistered", family.name());
    }

    public Optional<GenlFamily> family(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Optional<GenlFamily> family(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    Collection<GenlFamily> families() {
        List<GenlFamily> l = new ArrayList<>(byId.values());
        l.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return l;
    }

    /** Adds a client to a multicast group (NETLINK_ADD_MEMBERSHIP). Unknown groups are accepted, as the kernel does. */
    public void join(GenlClient client, int groupId) {
        members.computeIfAbsent(groupId, g -> new CopyOnWriteArraySet<>()).add(client);
        LOG.debug("{} joined multicast group {}", client.describe(), groupId);
    }

    public void leave(GenlClient client, int groupId) {
        Set<GenlClient> s = members.get(groupId);
        if (s != null) {
            s.remove(client);
        }
    }

    /** Forgets a client that went away (all its memberships). */
    public void disconnected(GenlClient client) {
        for (Set<GenlClient> s : members.values()) {
            s.remove(client);
        }
    }

    /** True if at least one client listens on the group (netlink_has_listeners). */
    public boolean hasListeners(int groupId) {
        Set<GenlClient> s = members.get(groupId);
        return s != null && !s.isEmpty();
    }

    /**
     * Sends a message to every member of a group, each getting its own copy. Callers that need
     * events in sequence order call this under the lock that assigns the sequence numbers.
     *
     * @return the number of clients that took the message
     */
    public int multicast(int groupId, ByteBuffer message) {
        Set<GenlClient> s = members.get(groupId);
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (GenlClient c : s) {
            if (c.deliver(copy(message), true)) {
                n++;
            }
        }
        return n;
    }

    private static ByteBuffer copy(ByteBuffer m) {
        ByteBuffer c = ByteBuffer.allocate(m.remaining()).order(NetlinkHeader.ORDER);
        c.put(m.duplicate());
        c.flip();
        return c;
    }

    /**
     * Processes one complete netlink message from a client: membership messages, requests to a
     * family (doit or dump), and anything malformed, which is answered with NLMSG_ERROR and
     * logged. Never throws.
     */
    public void receive(GenlClient client, ByteBuffer message) {
        ByteBuffer msg = message.slice().order(NetlinkHeader.ORDER);
        if (msg.remaining() < NetlinkHeader.SIZE) {
            LOG.warn("{}: netlink message of {} bytes is shorter than its header; dropped", client.describe(),
                    msg.remaining());
            return;
        }
        NetlinkHeader h = NetlinkHeader.read(msg, 0);
        if (h.length() != msg.remaining()) {
            reject(client, h, msg, Errno.EINVAL, "nlmsg_len " + h.length() + " but " + msg.remaining() + " bytes");
            return;
        }
        if (h.type() == MSG_JOIN_GROUP || h.type() == MSG_LEAVE_GROUP) {
            if (h.length() < NetlinkHeader.SIZE + 4) {
                LOG.warn("{}: group membership message without a group id; dropped", client.describe());
                return;
            }
            int group = msg.getInt(NetlinkHeader.SIZE);
            if (h.type() == MSG_JOIN_GROUP) {
                join(client, group);
            } else {
                leave(client, group);
            }
            return;
        }
        if (!h.isRequest()) {
            LOG.debug("{}: ignoring non-request message type {}", client.describe(), h.type());
            return;
        }
        if (h.type() < NetlinkHeader.NLMSG_MIN_TYPE) {
            if (h.wantsAck()) {
                client.deliver(errorMessage(h, msg, 0), false);
            }
            return;
        }
        try {
            dispatch(client, h, msg);
        } catch (GenlException e) {
            reject(client, h, msg, e.errno(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{}: handler for message type {} failed", client.describe(), h.type(), e);
            client.deliver(errorMessage(h, msg, -Errno.EIO), false);
        }
    }

    private void reject(GenlClient client, NetlinkHeader h, ByteBuffer msg, int errno, String why) {
        LOG.warn("{}: netlink request type {} seq {} rejected with {}: {}", client.describe(), h.type(), h.seq(),
                Errno.name(errno), why);
        client.deliver(errorMessage(h, msg, -errno), false);
    }

    private void dispatch(GenlClient client, NetlinkHeader h, ByteBuffer msg) throws GenlException {
        GenlFamily family = byId.get(h.type());
        if (family == null) {
            throw new GenlException(Errno.ENOENT, "no generic netlink family with id " + h.type());
        }
        int fixed = NetlinkHeader.SIZE + GenlMessageBuilder.GENL_HDRLEN + family.headerSize();
        if (h.length() < fixed) {
            throw GenlException.invalid("message of " + h.length() + " bytes is shorter than the "
                    + family.name() + " headers (" + fixed + ")");
        }
        int cmd = msg.get(NetlinkHeader.SIZE) & 0xff;
        int version = msg.get(NetlinkHeader.SIZE + 1) & 0xff;
        GenlOperation op = family.op(cmd);
        if (op == null) {
            throw new GenlException(Errno.EOPNOTSUPP, family.name() + " has no command " + cmd);
        }
        if (op.adminOnly() && !client.privileged()) {
            throw new GenlException(Errno.EPERM, family.name() + " command " + cmd + " needs a privileged caller");
        }
        int uh = NetlinkHeader.SIZE + GenlMessageBuilder.GENL_HDRLEN;
        ByteBuffer userHeader = msg.slice(uh, family.headerSize()).asReadOnlyBuffer().order(NetlinkHeader.ORDER);
        int attrsAt = NetlinkHeader.align(uh + family.headerSize());
        ByteBuffer attrs = attrsAt <= msg.limit()
                ? msg.slice(attrsAt, msg.limit() - attrsAt).asReadOnlyBuffer().order(NetlinkHeader.ORDER)
                : ByteBuffer.allocate(0);
        GenlRequest req = new GenlRequest(family, h, cmd, version, userHeader, attrs, client);
        if (h.isDump()) {
            if (op.dumpit() == null) {
                throw new GenlException(Errno.EOPNOTSUPP, family.name() + " command " + cmd + " cannot dump");
            }
            runDump(client, h, op, req);
            return;
        }
        if (op.doit() == null) {
            throw new GenlException(Errno.EOPNOTSUPP, family.name() + " command " + cmd + " is dump-only");
        }
        ByteBuffer reply = op.doit().doit(req);
        if (reply != null) {
            client.deliver(reply, false);
        }
        if (h.wantsAck()) {
            client.deliver(errorMessage(h, msg, 0), false);
        }
    }

    private void runDump(GenlClient client, NetlinkHeader h, GenlOperation op, GenlRequest req) {
        int status = 0;
        try {
            op.dumpit().dumpit(req, part -> client.deliver(part, false));
        } catch (GenlException e) {
            LOG.warn("{}: dump of command {} failed with {}: {}", client.describe(), req.cmd(), Errno.name(e.errno()),
                    e.getMessage());
            status = -e.errno();
        }
        client.deliver(doneMessage(h, status), false);
    }

    /** NLMSG_DONE ending a dump: flags NLM_F_MULTI, payload int status (0 or -errno). */
    static ByteBuffer doneMessage(NetlinkHeader req, int status) {
        ByteBuffer b = ByteBuffer.allocate(NetlinkHeader.SIZE + 4).order(NetlinkHeader.ORDER);
        new NetlinkHeader(b.capacity(), NetlinkHeader.NLMSG_DONE, NetlinkHeader.NLM_F_MULTI, req.seq(),
                req.portId()).write(b, 0);
        b.putInt(NetlinkHeader.SIZE, status);
        return b;
    }

    /**
     * NLMSG_ERROR: status 0 (an ack) echoes only the request's header (NLM_F_CAPPED); an error
     * echoes the whole request, as the kernel does without NETLINK_CAP_ACK.
     */
    static ByteBuffer errorMessage(NetlinkHeader req, ByteBuffer request, int status) {
        boolean capped = status == 0 || request.remaining() < req.length() || req.length() < NetlinkHeader.SIZE;
        int echo = capped ? NetlinkHeader.SIZE : req.length();
        ByteBuffer b = ByteBuffer.allocate(NetlinkHeader.SIZE + 4 + echo).order(NetlinkHeader.ORDER);
        new NetlinkHeader(b.capacity(), NetlinkHeader.NLMSG_ERROR, capped ? NetlinkHeader.NLM_F_CAPPED : 0,
                req.seq(), req.portId()).write(b, 0);
        b.putInt(NetlinkHeader.SIZE, status);
        ByteBuffer src = request.duplicate();
        src.limit(src.position() + Math.min(echo, src.remaining()));
        b.position(NetlinkHeader.SIZE + 4);
        b.put(src);
        // a capped echo of a short message still carries a well-formed header
        if (capped) {
            req.write(b, NetlinkHeader.SIZE + 4);
        }
        b.clear();
        return b;
    }
}
