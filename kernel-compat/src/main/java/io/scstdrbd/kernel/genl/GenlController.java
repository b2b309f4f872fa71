package io.scstdrbd.kernel.genl;

import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The controller family {@code nlctrl} (id 0x10): answers CTRL_CMD_GETFAMILY by name or id, as a
 * doit or a dump, with the family id, version, header size, maximum attribute, operations and
 * multicast groups; and announces families and groups appearing and vanishing on its
 * {@code notify} group (id 0x10), which drbdsetup joins to learn that the drbd family is gone.
 */
final class GenlController {
    static final int GENL_ID_CTRL = 0x10;
    static final String NOTIFY_GROUP = "notify";
    static final int CTRL_VERSION = 2;

    static final int CTRL_CMD_NEWFAMILY = 1;
    static final int CTRL_CMD_DELFAMILY = 2;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_CMD_NEWMCAST_GRP = 7;
    static final int CTRL_CMD_DELMCAST_GRP = 8;

    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    static final int CTRL_ATTR_VERSION = 3;
    static final int CTRL_ATTR_HDRSIZE = 4;
    static final int CTRL_ATTR_MAXATTR = 5;
    static final int CTRL_ATTR_OPS = 6;
    static final int CTRL_ATTR_MCAST_GROUPS = 7;

    static final int CTRL_ATTR_OP_ID = 1;
    static final int CTRL_ATTR_OP_FLAGS = 2;
    static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    static final int CTRL_ATTR_MCAST_GRP_ID = 2;

    private final GenlBus bus;
    private final GenlFamily family;

    GenlController(GenlBus bus) {
        this.bus = bus;
        this.family = GenlFamily.builder("nlctrl").version(CTRL_VERSION).headerSize(0).maxAttr(10)
                .op(new GenlOperation(CTRL_CMD_GETFAMILY, false, this::getFamily, this::dumpFamilies))
                .group(NOTIFY_GROUP).build();
    }

    GenlFamily family() {
        return family;
    }

    private ByteBuffer getFamily(GenlRequest req) throws GenlException {
        NlAttrs a = req.attrs();
        Optional<GenlFamily> f = Optional.empty();
        if (a.has(CTRL_ATTR_FAMILY_ID)) {
            f = bus.family(a.get(CTRL_ATTR_FAMILY_ID).orElseThrow().u16());
        } else if (a.has(CTRL_ATTR_FAMILY_NAME)) {
            f = bus.family(a.get(CTRL_ATTR_FAMILY_NAME).orElseThrow().string());
        } else {
            throw GenlException.invalid("CTRL_CMD_GETFAMILY without a family name or id");
        }
        GenlFamily fam = f.orElseThrow(() -> new GenlException(Errno.ENOENT, "no such generic netlink family"));
        GenlMessageBuilder m = req.reply(CTRL_CMD_NEWFAMILY);
        fill(m, fam);
        return m.finish();
    }

    private void dumpFamilies(GenlRequest req, Consumer<ByteBuffer> out) {
        for (GenlFamily fam : bus.families()) {
            GenlMessageBuilder m = req.dumpPart(CTRL_CMD_NEWFAMILY);
            fill(m, fam);
            out.accept(m.finish());
        }
    }

    /** The attributes of a NEWFAMILY message (ctrl_fill_info). */
    static void fill(NlAttrWriter m, GenlFamily fam) {
        m.u16(CTRL_ATTR_FAMILY_ID, fam.id());
        m.string(CTRL_ATTR_FAMILY_NAME, fam.name());
        m.u32(CTRL_ATTR_VERSION, fam.version());
        m.u32(CTRL_ATTR_HDRSIZE, fam.headerSize());
        m.u32(CTRL_ATTR_MAXATTR, fam.maxAttr());
        if (!fam.ops().isEmpty()) {
            m.beginNested(CTRL_ATTR_OPS);
            int i = 1;
            for (GenlOperation op : fam.ops().values()) {
                m.beginNested(i++);
                m.u32(CTRL_ATTR_OP_ID, op.cmd());
                m.u32(CTRL_ATTR_OP_FLAGS, op.ctrlFlags());
                m.endNested();
            }
            m.endNested();
        }
        if (!fam.groupIds().isEmpty()) {
            m.beginNested(CTRL_ATTR_MCAST_GROUPS);
            int i = 1;
            for (Map.Entry<String, Integer> g : fam.groupIds().entrySet()) {
                m.beginNested(i++);
                m.string(CTRL_ATTR_MCAST_GRP_NAME, g.getKey());
                m.u32(CTRL_ATTR_MCAST_GRP_ID, g.getValue());
                m.endNested();
            }
            m.endNested();
        }
    }

    /** Multicasts a family or group change on the controller's notify group (seq 0, pid 0). */
    void announce(int cmd, GenlFamily fam, String group) {
        if (!bus.hasListeners(GENL_ID_CTRL)) {
            return;
        }
        GenlMessageBuilder m = new GenlMessageBuilder(GENL_ID_CTRL, 0, 0, 0, cmd, CTRL_VERSION, 0);
        if (group == null) {
            fill(m, fam);
        } else {
            m.string(CTRL_ATTR_FAMILY_NAME, fam.name());
            m.u16(CTRL_ATTR_FAMILY_ID, fam.id());
            m.beginNested(CTRL_ATTR_MCAST_GROUPS);
            m.beginNested(1);
            m.u32(CTRL_ATTR_MCAST_GRP_ID, fam.groupIds().get(group));
            m.string(CTRL_ATTR_MCAST_GRP_NAME, group);
            m.endNested();
            m.endNested();
        }
        bus.multicast(GENL_ID_CTRL, m.finish());
    }
}
