package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import java.util.IdentityHashMap;
import java.util.Map;

/** The state fields of one resource and everything in it at one moment (the kernel's [OLD] values). */
final class Snapshot {
    record ResState(Role role, boolean suspUser, boolean suspFen, boolean suspQuorum, boolean failIo) {
    }

    record ConnValues(ConnState cstate, Role peerRole) {
    }

    record PdState(ReplState repl, DiskState peerDisk, boolean suspUser, boolean suspPeer, boolean suspDep) {
    }

    final ResState res;
    final Map<Device, DiskState> disks = new IdentityHashMap<>();
    final Map<Device, Boolean> quorum = new IdentityHashMap<>();
    final Map<Connection, ConnValues> conns = new IdentityHashMap<>();
    final Map<PeerDevice, PdState> pds = new IdentityHashMap<>();
    final Map<Path, Boolean> paths = new IdentityHashMap<>();

    Snapshot(Resource r) {
        res = of(r);
        for (Device d : r.devices.values()) {
            disks.put(d, d.disk());
            quorum.put(d, d.haveQuorum);
        }
        for (Connection c : r.connections.values()) {
            conns.put(c, new ConnValues(c.cstate(), c.peerRole()));
            for (PeerDevice pd : c.peerDevices.values()) {
                pds.put(pd, of(pd));
            }
            for (Path p : c.paths) {
                paths.put(p, p.established());
            }
        }
    }

    static ResState of(Resource r) {
        return new ResState(r.role(), r.suspUser, r.suspFen, r.suspQuorum, r.failIo);
    }

    static PdState of(PeerDevice pd) {
        return new PdState(pd.repl(), pd.peerDisk(), pd.resyncSuspUser, pd.resyncSuspPeer, pd.resyncSuspDependency);
    }

    /** Whether the disk state or the quorum of {@code d} differ from the recorded ones. */
    boolean deviceChanged(Device d) {
        return disks.get(d) != d.disk() || !Boolean.valueOf(d.haveQuorum).equals(quorum.get(d));
    }

    /** Puts the recorded values back (a refused state change). */
    void restore(Resource r) {
        r.role(res.role());
        r.suspUser = res.suspUser();
        r.suspFen = res.suspFen();
        r.suspQuorum = res.suspQuorum();
        r.failIo = res.failIo();
        disks.forEach(Device::disk);
        quorum.forEach((d, q) -> d.haveQuorum = q);
        conns.forEach((c, s) -> {
            c.cstate(s.cstate());
            c.peerRole(s.peerRole());
        });
        pds.forEach((pd, s) -> {
            pd.repl(s.repl());
            pd.peerDisk(s.peerDisk());
            pd.resyncSuspUser = s.suspUser();
            pd.resyncSuspPeer = s.suspPeer();
            pd.resyncSuspDependency = s.suspDep();
        });
        paths.forEach(Path::established);
    }
}
