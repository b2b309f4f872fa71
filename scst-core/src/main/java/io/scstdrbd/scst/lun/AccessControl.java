package io.scstdrbd.scst.lun;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.scst.device.VirtualDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Initiator groups and their LUN maps (SCST's access control groups, procfs flavour). The group
 * {@code Default} always exists: initiators not named in any group use it. An initiator name
 * may be in one group only. Names may contain the wildcards {@code *} and {@code ?}; an exact
 * name wins over a pattern.
 *
 * <p>Threading: changes are serialised on this object and publish a new immutable snapshot;
 * {@link #groupFor} reads the snapshot without locking. Listeners run after each change, on the
 * changing thread, outside the lock.
 */
public final class AccessControl {
    public static final String DEFAULT_GROUP = "Default";
    public static final int MAX_LUN = 16383;

    /** Learns that the groups changed (sessions must re-evaluate their LUN maps). */
    public interface Listener {
        void groupsChanged();
    }

    private final Map<String, GroupView> groups = new LinkedHashMap<>();
    private volatile Map<String, GroupView> snapshot;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public AccessControl() {
        groups.put(DEFAULT_GROUP, GroupView.empty(DEFAULT_GROUP));
        snapshot = Map.copyOf(groups);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The group an initiator belongs to. */
    public GroupView groupFor(String initiatorName) {
        Map<String, GroupView> s = snapshot;
        GroupView byPattern = null;
        for (GroupView g : s.values()) {
            for (String n : g.initiators()) {
                if (n.equals(initiatorName)) {
                    return g;
                }
                if (byPattern == null && isPattern(n) && matches(n, initiatorName)) {
                    byPattern = g;
                }
            }
        }
        return byPattern != null ? byPattern : s.get(DEFAULT_GROUP);
    }

    public GroupView group(String name) {
        return snapshot.get(name);
    }

    /** Group names in creation order. */
    public List<String> groupNames() {
        synchronized (this) {
            return new ArrayList<>(groups.keySet());
        }
    }

    public List<GroupView> groups() {
        synchronized (this) {
            return new ArrayList<>(groups.values());
        }
    }

    public void addGroup(String name, AddressMethod method) throws KernelException {
        checkName(name, "group");
        synchronized (this) {
            if (groups.containsKey(name)) {
                throw new KernelException(Errno.EEXIST, "group " + name + " already exists");
            }
            groups.put(name, new GroupView(name, List.of(), new TreeMap<>(),
                    method == null ? AddressMethod.PERIPHERAL : method));
            publish();
        }
        fire();
    }

    public void deleteGroup(String name) throws KernelException {
        synchronized (this) {
            if (DEFAULT_GROUP.equals(name)) {
                throw new KernelException(Errno.EINVAL, "the Default group cannot be deleted");
            }
            if (groups.remove(name) == null) {
                throw new KernelException(Errno.ENOENT, "no group " + name);
            }
            publish();
        }
        fire();
    }

    public void renameGroup(String oldName, String newName) throws KernelException {
        checkName(newName, "group");
        synchronized (this) {
            if (DEFAULT_GROUP.equals(oldName) || DEFAULT_GROUP.equals(newName)) {
                throw new KernelException(Errno.EINVAL, "the Default group cannot be renamed");
            }
            GroupView g = groups.get(oldName);
            if (g == null) {
                throw new KernelException(Errno.ENOENT, "no group " + oldName);
            }
            if (groups.containsKey(newName)) {
                throw new KernelException(Errno.EEXIST, "group " + newName + " already exists");
            }
            Map<String, GroupView> next = new LinkedHashMap<>();
            for (Map.Entry<String, GroupView> e : groups.entrySet()) {
                if (e.getKey().equals(oldName)) {
                    next.put(newName, new GroupView(newName, g.initiators(), g.luns(), g.addressMethod()));
                } else {
                    next.put(e.getKey(), e.getValue());
                }
            }
            groups.clear();
            groups.putAll(next);
            publish();
        }
        fire();
    }

    public void addInitiator(String group, String initiator) throws KernelException {
        checkName(initiator, "initiator");
        synchronized (this) {
            GroupView g = require(group);
            for (GroupView other : groups.values()) {
                if (other.initiators().contains(initiator)) {
                    throw new KernelException(Errno.EEXIST,
                            "initiator " + initiator + " is already in group " + other.name());
                }
            }
            List<String> names = new ArrayList<>(g.initiators());
            names.add(initiator);
            groups.put(group, new GroupView(group, names, g.luns(), g.addressMethod()));
            publish();
        }
        fire();
    }

    public void deleteInitiator(String group, String initiator) throws KernelException {
        synchronized (this) {
            GroupView g = require(group);
            List<String> names = new ArrayList<>(g.initiators());
            if (!names.remove(initiator)) {
                throw new KernelException(Errno.ENOENT, "initiator " + initiator + " is not in group " + group);
            }
            groups.put(group, new GroupView(group, names, g.luns(), g.addressMethod()));
            publish();
        }
        fire();
    }

    public void moveInitiator(String group, String initiator, String toGroup) throws KernelException {
        synchronized (this) {
            GroupView from = require(group);
            GroupView to = require(toGroup);
            if (!from.initiators().contains(initiator)) {
                throw new KernelException(Errno.ENOENT, "initiator " + initiator + " is not in group " + group);
            }
            List<String> a = new ArrayList<>(from.initiators());
            a.remove(initiator);
            groups.put(group, new GroupView(group, a, from.luns(), from.addressMethod()));
            List<String> b = new ArrayList<>(to.initiators());
            b.add(initiator);
            groups.put(toGroup, new GroupView(toGroup, b, to.luns(), to.addressMethod()));
            publish();
        }
        fire();
    }

    public void clearInitiators(String group) throws KernelException {
        synchronized (this) {
            GroupView g = require(group);
            groups.put(group, new GroupView(group, List.of(), g.luns(), g.addressMethod()));
            publish();
        }
        fire();
    }

    /** Maps {@code device} at {@code lun}; EEXIST if the LUN is taken or the device already mapped in the group. */
    public void addLun(String group, VirtualDevice device, long lun, boolean readOnly, boolean replace)
            throws KernelException {
        if (lun < 0 || lun > MAX_LUN) {
            throw new KernelException(Errno.EINVAL, "LUN " + lun + " is outside 0.." + MAX_LUN);
        }
        synchronized (this) {
            GroupView g = require(group);
            TreeMap<Long, LunMapping> m = new TreeMap<>(g.luns());
            if (!replace && m.containsKey(lun)) {
                throw new KernelException(Errno.EEXIST, "LUN " + lun + " of group " + group + " is already used by "
                        + m.get(lun).device().name());
            }
            for (LunMapping x : m.values()) {
                if (x.device() == device && x.lun() != lun) {
                    throw new KernelException(Errno.EEXIST, "device " + device.name() + " is already LUN " + x.lun()
                            + " of group " + group);
                }
            }
            m.put(lun, new LunMapping(lun, device, readOnly));
            groups.put(group, new GroupView(group, g.initiators(), m, g.addressMethod()));
            publish();
        }
        fire();
    }

    public void deleteLun(String group, String deviceName, long lun) throws KernelException {
        synchronized (this) {
            GroupView g = require(group);
            LunMapping x = g.luns().get(lun);
            if (x == null || !x.device().name().equals(deviceName)) {
                throw new KernelException(Errno.ENOENT, "device " + deviceName + " is not LUN " + lun + " of group "
                        + group);
            }
            TreeMap<Long, LunMapping> m = new TreeMap<>(g.luns());
            m.remove(lun);
            groups.put(group, new GroupView(group, g.initiators(), m, g.addressMethod()));
            publish();
        }
        fire();
    }

    public void clearLuns(String group) throws KernelException {
        synchronized (this) {
            GroupView g = require(group);
            groups.put(group, new GroupView(group, g.initiators(), new TreeMap<>(), g.addressMethod()));
            publish();
        }
        fire();
    }

    /** Removes a device from every LUN map (the device is being closed). */
    public void unmapDevice(VirtualDevice device) {
        boolean changed = false;
        synchronized (this) {
            for (GroupView g : new ArrayList<>(groups.values())) {
                TreeMap<Long, LunMapping> m = new TreeMap<>(g.luns());
                if (m.values().removeIf(x -> x.device() == device)) {
                    groups.put(g.name(), new GroupView(g.name(), g.initiators(), m, g.addressMethod()));
                    changed = true;
                }
            }
            if (changed) {
                publish();
            }
        }
        if (changed) {
            fire();
        }
    }

    /** True if some group maps the device. */
    public boolean isMapped(VirtualDevice device) {
        for (GroupView g : snapshot.values()) {
            for (LunMapping x : g.luns().values()) {
                if (x.device() == device) {
                    return true;
                }
            }
        }
        return false;
    }

    private GroupView require(String group) throws KernelException {
        GroupView g = groups.get(group);
        if (g == null) {
            throw new KernelException(Errno.ENOENT, "no group " + group);
        }
        return g;
    }

    private void publish() {
        snapshot = Map.copyOf(groups);
    }

    private void fire() {
        for (Listener l : listeners) {
            l.groupsChanged();
        }
    }

    private static void checkName(String name, String what) throws KernelException {
        if (name == null || name.isEmpty() || name.length() > 256 || name.chars().anyMatch(c -> c <= ' ')) {
            throw new KernelException(Errno.EINVAL, "invalid " + what + " name '" + name + "'");
        }
    }

    static boolean isPattern(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    /** Glob match with * and ?. */
    static boolean matches(String pattern, String s) {
        return match(pattern, 0, s, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
