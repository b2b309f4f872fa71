package io.scstdrbd.drbd.netlink;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A top-level attribute of the drbd family: its number, name and fields (an immutable schema). */
public final class TlaSchema {
    private final int number;
    private final String name;
    private final Map<Integer, Field> fields;

    TlaSchema(int number, String name, Field... fields) {
        this.number = number;
        this.name = name;
        Map<Integer, Field> m = new LinkedHashMap<>();
        for (Field f : fields) {
            if (m.put(f.number(), f) != null) {
                throw new IllegalArgumentException(name + ": field " + f.number() + " twice");
            }
        }
        this.fields = Collections.unmodifiableMap(m);
    }

    public int number() {
        return number;
    }

    public String name() {
        return name;
    }

    public Field field(int n) {
        return fields.get(n);
    }

    public Field field(String fieldName) {
        for (Field f : fields.values()) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException(name + " has no field " + fieldName);
    }

    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /** The struct with every defaulted field at its default (set_*_defaults). */
    public NlStruct defaults() {
        return NlStruct.defaultsOf(this);
    }

    /** A struct with no fields set (for parameter TLAs without defaults). */
    public NlStruct empty() {
        return NlStruct.emptyOf(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
