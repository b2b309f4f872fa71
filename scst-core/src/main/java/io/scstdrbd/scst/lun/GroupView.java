package io.scstdrbd.scst.lun;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of an initiator group (SCST "security group"): its initiator names, its
 * LUN map and its LUN addressing method.
 */
public record GroupView(String name, List<String> initiators, NavigableMap<Long, LunMapping> luns,
                        AddressMethod addressMethod) {

    public GroupView {
        initiators = List.copyOf(initiators);
        luns = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(luns));
    }

    public static GroupView empty(String name) {
        return new GroupView(name, List.of(), new TreeMap<>(Map.of()), AddressMethod.PERIPHERAL);
    }
}
