package io.scstdrbd.drbd.netlink;

import io.scstdrbd.kernel.genl.GenlException;
import io.scstdrbd.kernel.genl.NlAttr;
import io.scstdrbd.kernel.genl.NlAttrWriter;
import io.scstdrbd.kernel.genl.NlAttrs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The values of one DRBD netlink struct (disk_conf, net_conf, res_opts, ...), immutable.
 * Values are {@code Boolean} (flags), {@code Long} (u32/s32/u64; s32 sign-extended) or
 * {@code String}/{@code byte[]}. Decoding applies the kernel's rules (unknown mandatory field,
 * invariant field in a change, over-long value); encoding writes every field that has a value,
 * which is what {@code drbdsetup show} needs to print exactly the configured options.
 */
public final class NlStruct {
    private final TlaSchema schema;
    private final Map<Integer, Object> values;

    private NlStruct(TlaSchema schema, Map<Integer, Object> values) {
        this.schema = schema;
        this.values = Collections.unmodifiableMap(values);
    }

    static NlStruct defaultsOf(TlaSchema s) {
        Map<Integer, Object> m = new TreeMap<>();
        for (Field f : s.fields()) {
            if (f.defaultValue() != null) {
                m.put(f.number(), f.defaultValue());
            }
        }
        return new NlStruct(s, m);
    }

    static NlStruct emptyOf(TlaSchema s) {
        return new NlStruct(s, new TreeMap<>());
    }

    public TlaSchema schema() {
        return schema;
    }

    public boolean has(String name) {
        return values.containsKey(schema.field(name).number());
    }

    public Object get(String name) {
        return values.get(schema.field(name).number());
    }

    /** A numeric field (0 when unset). */
    public long num(String name) {
        Object v = get(name);
        return v == null ? 0 : (Long) v;
    }

    public boolean flag(String name) {
        Object v = get(name);
        return v != null && (Boolean) v;
    }

    /** A string field ("" when unset). */
    public String str(String name) {
        Object v = get(name);
        return v == null ? "" : (String) v;
    }

    public byte[] bin(String name) {
        Object v = get(name);
        return v == null ? null : ((byte[]) v).clone();
    }

    public NlStruct with(String name, Object value) {
        Field f = schema.field(name);
        Map<Integer, Object> m = new TreeMap<>(values);
        if (value == null) {
            m.remove(f.number());
        } else {
            m.put(f.number(), check(f, value));
        }
        return new NlStruct(schema, m);
    }

    private static Object check(Field f, Object v) {
        switch (f.type()) {
            case FLAG:
                if (!(v instanceof Boolean)) {
                    throw new IllegalArgumentException(f.name() + " wants a Boolean");
                }
                return v;
            case STRING:
                if (!(v instanceof String)) {
                    throw new IllegalArgumentException(f.name() + " wants a String");
                }
                return v;
            case BINARY:
                if (!(v instanceof byte[])) {
                    throw new IllegalArgumentException(f.name() + " wants bytes");
                }
                return ((byte[]) v).clone();
            default:
                if (v instanceof Integer) {
                    return ((Integer) v).longValue();
                }
                if (!(v instanceof Long)) {
                    throw new IllegalArgumentException(f.name() + " wants a number");
                }
                return v;
        }
    }

    /** The fields of {@code given} applied over this struct (a CHG_* or a create with defaults). */
    public NlStruct merge(NlStruct given) {
        if (given.schema != schema) {
            throw new IllegalArgumentException("schema mismatch");
        }
        Map<Integer, Object> m = new TreeMap<>(values);
        m.putAll(given.values);
        return new NlStruct(schema, m);
    }

    /** Names of REQUIRED fields this struct lacks. */
    public String missingRequired() {
        for (Field f : schema.fields()) {
            if (f.has(Field.REQUIRED) && !values.containsKey(f.number())) {
                return f.name();
            }
        }
        return null;
    }

    /**
     * Parses a TLA of this schema from a request.
     *
     * @param forChange true for CHG_* commands: an INVARIANT field is refused
     * @throws AdmException ERR_MANDATORY_TAG with the kernel's texts for bad input
     */
    public static NlStruct decode(TlaSchema schema, NlAttr tla, boolean forChange) throws AdmException {
        NlAttrs attrs;
        try {
            attrs = tla.nested();
        } catch (GenlException e) {
            throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "invalid attribute value");
        }
        Map<Integer, Object> m = new TreeMap<>();
        for (NlAttr a : attrs.all()) {
            Field f = schema.field(a.type());
            if (f == null) {
                if ((a.rawType() & NlAttr.F_NET_BYTEORDER) != 0) {
                    throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "unknown mandatory attribute");
                }
                continue;
            }
            if (forChange && f.has(Field.INVARIANT)) {
                throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "can not change invariant setting");
            }
            m.put(f.number(), decodeValue(f, a));
        }
        return new NlStruct(schema, m);
    }

    private static Object decodeValue(Field f, NlAttr a) throws AdmException {
        try {
            switch (f.type()) {
                case FLAG:
                    return a.flag();
                case U32:
                    return a.u32();
                case S32:
                    return (long) a.s32();
                case U64:
                    return a.u64();
                case STRING: {
                    String s = a.string();
                    if (s.getBytes(StandardCharsets.UTF_8).length >= f.maxLength() + 1) {
                        throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "invalid attribute value");
                    }
                    return s;
                }
                default: {
                    byte[] b = a.bytes();
                    if (b.length > f.maxLength()) {
                        throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "invalid attribute value");
                    }
                    return b;
                }
            }
        } catch (GenlException e) {
            throw new AdmException(DrbdConst.ERR_MANDATORY_TAG, "invalid attribute value");
        }
    }

    /** Writes the struct as a TLA with every field that has a value (sensitive ones only if allowed). */
    public void encode(NlAttrWriter w, boolean includeSensitive) {
        w.beginNested(schema.number());
        for (Map.Entry<Integer, Object> e : values.entrySet()) {
            Field f = schema.field(e.getKey());
            if (f.has(Field.SENSITIVE) && !includeSensitive) {
                continue;
            }
            putValue(w, f.number(), f, e.getValue());
        }
        w.endNested();
    }

    static void putValue(NlAttrWriter w, int type, Field f, Object v) {
        switch (f.type()) {
            case FLAG -> w.flagByte(type, (Boolean) v);
            case U32, S32 -> w.u32(type, (Long) v);
            case U64 -> w.u64(type, (Long) v);
            case STRING -> w.string(type, (String) v);
            default -> w.bytes(type, (byte[]) v);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NlStruct other) || other.schema != schema || other.values.size() != values.size()) {
            return false;
        }
        for (Map.Entry<Integer, Object> e : values.entrySet()) {
            Object x = other.values.get(e.getKey());
            Object y = e.getValue();
            if (x instanceof byte[] bx && y instanceof byte[] by) {
                if (!Arrays.equals(bx, by)) {
                    return false;
                }
            } else if (!Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema.number(), values.keySet());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(schema.name()).append('{');
        boolean first = true;
        for (Map.Entry<Integer, Object> e : values.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            Field f = schema.field(e.getKey());
            Object v = e.getValue();
            sb.append(f.name()).append('=').append(v instanceof byte[] b ? Arrays.toString(b) : v);
        }
        return sb.append('}').toString();
    }
}
