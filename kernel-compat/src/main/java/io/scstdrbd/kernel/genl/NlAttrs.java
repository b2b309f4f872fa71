package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A parsed list of netlink attributes. Parsing checks every declared length against the bytes
 * that are really there; a truncated or overlong attribute is EINVAL, never a read past the end.
 */
public final class NlAttrs {
    private final List<NlAttr> attrs;

    private NlAttrs(List<NlAttr> attrs) {
        this.attrs = attrs;
    }

    public static NlAttrs empty() {
        return new NlAttrs(List.of());
    }

    /** Parses the attributes between {@code buf}'s position and limit (the buffer is not moved). */
    public static NlAttrs parse(ByteBuffer buf) throws GenlException {
        ByteBuffer b = buf.slice().order(NetlinkHeader.ORDER);
        List<NlAttr> out = new ArrayList<>();
        int pos = 0;
        int end = b.limit();
        while (end - pos >= NlAttr.HEADER) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & 0xffff;
            if (len < NlAttr.HEADER || len > end - pos) {
                throw GenlException.invalid("attribute type " + (type & NlAttr.TYPE_MASK) + " declares length "
                        + len + " with " + (end - pos) + " bytes left");
            }
            ByteBuffer payload = b.slice(pos + NlAttr.HEADER, len - NlAttr.HEADER).order(NetlinkHeader.ORDER)
                    .asReadOnlyBuffer().order(NetlinkHeader.ORDER);
            out.add(new NlAttr(type, payload));
            pos += NetlinkHeader.align(len);
        }
        // up to 3 bytes of trailing padding are normal; anything else is garbage
        if (pos < end && end - pos >= NlAttr.HEADER) {
            throw GenlException.invalid("trailing bytes after attributes");
        }
        return new NlAttrs(Collections.unmodifiableList(out));
    }

    public List<NlAttr> all() {
        return attrs;
    }

    /** The first attribute of this type (flags masked off). */
    public Optional<NlAttr> get(int type) {
        for (NlAttr a : attrs) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public boolean has(int type) {
        return get(type).isPresent();
    }

    public int size() {
        return attrs.size();
    }
}
