package io.scstdrbd.iscsi.config;

import java.util.EnumMap;
import java.util.Map;

/** The target's local values of the session keys (what it offers and accepts). Immutable. */
public final class KeySettings {
    private final EnumMap<NegotiationKey, Long> values;

    private KeySettings(EnumMap<NegotiationKey, Long> values) {
        this.values = values;
    }

    /** The local defaults of reference 8.2. */
    public static KeySettings defaults() {
        EnumMap<NegotiationKey, Long> m = new EnumMap<>(NegotiationKey.class);
        for (NegotiationKey k : NegotiationKey.values()) {
            m.put(k, k.localDefault());
        }
        return new KeySettings(m);
    }

    public long get(NegotiationKey key) {
        return values.get(key);
    }

    public KeySettings with(NegotiationKey key, long value) {
        EnumMap<NegotiationKey, Long> m = new EnumMap<>(values);
        m.put(key, value);
        return new KeySettings(m);
    }

    public Map<NegotiationKey, Long> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeySettings k && k.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k.wireName()).append('=')
                .append(k.format(v)));
        return sb.toString();
    }
}
