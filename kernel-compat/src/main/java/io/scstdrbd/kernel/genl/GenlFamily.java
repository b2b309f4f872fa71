package io.scstdrbd.kernel.genl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generic-netlink family: name, version, fixed header size, operations and multicast groups.
 * Built once with {@link #builder}; the {@link GenlBus} assigns the family id and group ids
 * when it is registered. Immutable apart from those ids.
 */
public final class GenlFamily {
    private final String name;
    private final int version;
    private final int headerSize;
    private final int maxAttr;
    private final Map<Integer, GenlOperation> ops;
    private final List<String> groups;
    private volatile int id;
    private volatile Map<String, Integer> groupIds = Map.of();

    private GenlFamily(Builder b) {
        this.name = b.name;
        this.version = b.version;
        this.headerSize = b.headerSize;
        this.maxAttr = b.maxAttr;
        this.ops = Collections.unmodifiableMap(new TreeMap<>(b.ops));
        this.groups = List.copyOf(b.groups);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /** Size of the family's fixed header after genlmsghdr (DRBD: 8). */
    public int headerSize() {
        return headerSize;
    }

    public int maxAttr() {
        return maxAttr;
    }

    /** The id assigned at registration (nlmsg_type of the family's messages); 0 before. */
    public int id() {
        return id;
    }

    public GenlOperation op(int cmd) {
        return ops.get(cmd);
    }

    public Map<Integer, GenlOperation> ops() {
        return ops;
    }

    public List<String> groups() {
        return groups;
    }

    /** The id of a multicast group; IllegalArgumentException for an unknown name or before registration. */
    public int groupId(String group) {
        Integer g = groupIds.get(group);
        if (g == null) {
            throw new IllegalArgumentException("family " + name + " has no registered group " + group);
        }
        return g;
    }

    Map<String, Integer> groupIds() {
        return groupIds;
    }

    void assign(int familyId, Map<String, Integer> groupIdMap) {
        this.groupIds = Collections.unmodifiableMap(new LinkedHashMap<>(groupIdMap));
        this.id = familyId;
    }

    @Override
    public String toString() {
        return "genl family " + name + " (id " + id + ")";
    }

    /** Collects the family's definition. */
    public static final class Builder {
        private final String name;
        private int version = 1;
        private int headerSize;
        private int maxAttr;
        private final Map<Integer, GenlOperation> ops = new LinkedHashMap<>();
        private final List<String> groups = new ArrayList<>();

        private Builder(String name) {
            if (name == null || name.isEmpty() || name.length() > 15) {
                throw new IllegalArgumentException("family name '" + name + "' (1-15 characters)");
            }
            this.name = name;
        }

        public Builder version(int v) {
            this.version = v;
            return this;
        }

        public Builder headerSize(int n) {
            this.headerSize = n;
            return this;
        }

        public Builder maxAttr(int n) {
            this.maxAttr = n;
            return this;
        }

        public Builder op(GenlOperation op) {
            if (ops.putIfAbsent(op.cmd(), op) != null) {
                throw new IllegalArgumentException("command " + op.cmd() + " defined twice");
            }
            return this;
        }

        public Builder group(String g) {
            groups.add(g);
            return this;
        }

        public GenlFamily build() {
            return new GenlFamily(this);
        }
    }
}
