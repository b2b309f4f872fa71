package io.scstdrbd.iscsi.config;

import java.util.EnumMap;

/** A target's values of the {@link TargetParam} keys. Immutable. */
public final class TargetSettings {
    private final EnumMap<TargetParam, Long> values;

    private TargetSettings(EnumMap<TargetParam, Long> values) {
        this.values = values;
    }

    public static TargetSettings defaults() {
        EnumMap<TargetParam, Long> m = new EnumMap<>(TargetParam.class);
        for (TargetParam p : TargetParam.values()) {
            m.put(p, p.defaultValue());
        }
        return new TargetSettings(m);
    }

    public long get(TargetParam p) {
        return values.get(p);
    }

    public int queuedCommands() {
        return (int) get(TargetParam.QUEUED_COMMANDS);
    }

    public TargetSettings with(TargetParam p, long v) {
        EnumMap<TargetParam, Long> m = new EnumMap<>(values);
        m.put(p, v);
        return new TargetSettings(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetSettings t && t.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k.confName()).append('=').append(v));
        return sb.toString();
    }
}
