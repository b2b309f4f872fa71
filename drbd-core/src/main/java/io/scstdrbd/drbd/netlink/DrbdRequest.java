package io.scstdrbd.drbd.netlink;

import io.scstdrbd.kernel.genl.GenlException;
import io.scstdrbd.kernel.genl.GenlRequest;
import io.scstdrbd.kernel.genl.NlAttr;
import io.scstdrbd.kernel.genl.NlAttrs;
import java.nio.ByteBuffer;

/**
 * A parsed request of the drbd family: the drbd_genlmsghdr (minor, flags), the configuration
 * context, and access to the parameter TLAs with the kernel's decoding rules.
 */
final class DrbdRequest {
    final GenlRequest genl;
    final int minor;
    final int flags;
    final NlAttrs attrs;
    final NlAttr contextAttr;
    final NlStruct context;

    private DrbdRequest(GenlRequest genl, int minor, int flags, NlAttrs attrs, NlAttr contextAttr, NlStruct context) {
        this.genl = genl;
        this.minor = minor;
        this.flags = flags;
        this.attrs = attrs;
        this.contextAttr = contextAttr;
        this.context = context;
    }

    /**
     * @throws GenlException EINVAL for attributes that do not parse (answered with NLMSG_ERROR)
     * @throws AdmException  a context with an unknown mandatory field or a bad value
     */
    static DrbdRequest parse(GenlRequest g) throws GenlException, AdmException {
        ByteBuffer h = g.userHeader();
        int minor = h.getInt(0);
        int flags = h.getInt(4);
        NlAttrs attrs = g.attrs();
        NlAttr ctx = attrs.get(Tlas.CFG_CONTEXT.number()).orElse(null);
        NlStruct context = ctx == null ? Tlas.CFG_CONTEXT.empty() : NlStruct.decode(Tlas.CFG_CONTEXT, ctx, false);
        return new DrbdRequest(g, minor, flags, attrs, ctx, context);
    }

    String resourceName() {
        return context.has("ctx_resource_name") ? context.str("ctx_resource_name") : null;
    }

    Integer volume() {
        return context.has("ctx_volume") ? (int) context.num("ctx_volume") : null;
    }

    Integer peerNodeId() {
        return context.has("ctx_peer_node_id") ? (int) context.num("ctx_peer_node_id") : null;
    }

    boolean setDefaults() {
        return (flags & DrbdConst.F_SET_DEFAULTS) != 0;
    }

    boolean has(TlaSchema s) {
        return attrs.has(s.number());
    }

    /** The given fields of a parameter TLA (empty when the TLA is absent). */
    NlStruct tla(TlaSchema s, boolean forChange) throws AdmException {
        NlAttr a = attrs.get(s.number()).orElse(null);
        return a == null ? s.empty() : NlStruct.decode(s, a, forChange);
    }

    /** A parameter TLA's values over its defaults (for the *_parms structs). */
    NlStruct parms(TlaSchema s) throws AdmException {
        return s.defaults().merge(tla(s, false));
    }
}
