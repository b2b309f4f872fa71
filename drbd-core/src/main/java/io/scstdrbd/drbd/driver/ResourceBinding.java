package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.engine.EngineObserver;
import io.scstdrbd.drbd.engine.HandlerRunner;
import io.scstdrbd.drbd.engine.ResourceEngine;
import io.scstdrbd.drbd.engine.VolumeEngine;
import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.Path;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.transport.ListenerRegistry;
import io.scstdrbd.drbd.transport.TransportGroup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model resource's replication engine and the drivers of its connections. Engine state
 * changes go back to the model through the control of the connection they concern.
 */
final class ResourceBinding implements EngineObserver, HandlerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceBinding.class);

    /** {@code enum drbd_fencing_policy}: FP_STONITH (resource-and-stonith). */
    private static final long FENCING_STONITH = 2;
    private final Resource resource;
    private final ResourceEngine engine;
    private final Executor mdExecutor;
    /** Engine changes reach the model here, in order, off the event loops (the model writes metadata). */
    private final SerialExecutor modelQueue;
    private final Map<Integer, ModelConnectionDriver> drivers = new ConcurrentHashMap<>();
    /** The engine's last connection state per peer (written on the engine's loop). */
    private final Map<Integer, ConnState> lastState = new ConcurrentHashMap<>();
    /** A connection that ends in one of these was lost, not closed on purpose. */
    private static final java.util.Set<ConnState> LOST = java.util.EnumSet.of(ConnState.NETWORK_FAILURE,
            ConnState.BROKEN_PIPE, ConnState.TIMEOUT, ConnState.PROTOCOL_ERROR);

    ResourceBinding(Resource resource, TransportGroup transport, ListenerRegistry listeners, Executor mdExecutor) {
        this.resource = resource;
        this.mdExecutor = mdExecutor;
        this.modelQueue = new SerialExecutor(mdExecutor);
        this.engine = new ResourceEngine(resource.name(), resource.nodeId(), transport, listeners, this, this);
        engine.useExternalRole(resource::role);
    }

    ResourceEngine engine() {
        return engine;
    }

    Resource resource() {
        return resource;
    }

    void add(ModelConnectionDriver d) {
        drivers.put(d.peerNodeId(), d);
    }

    void remove(ModelConnectionDriver d) {
        drivers.remove(d.peerNodeId(), d);
    }

    boolean isEmpty() {
        return drivers.isEmpty();
    }

    /** A live connection's control (for volume-wide operations). */
    ConnectionControl anyControl() {
        for (ModelConnectionDriver d : drivers.values()) {
            return d.control();
        }
        return null;
    }

    /** Makes sure every attached model device has an engine volume (before connecting). */
    void syncVolumes() {
        for (Device d : resource.devices()) {
            VolumeEngine v = engine.volume(d.volume());
            if (v == null && d.ldev() != null) {
                engine.addVolume(new ModelVolume(d, this::anyControl, modelQueue));
            } else if (v != null && v.local() instanceof ModelVolume mv && mv.device() != d) {
                engine.removeVolume(d.volume());
                engine.addVolume(new ModelVolume(d, this::anyControl, modelQueue));
            }
            if (d.ldev() != null) {
                engine.setWriteOrdering(NetOptions.writeOrdering(d.ldev().diskConf()));
            }
        }
    }

    private ConnectionControl control(int peer) {
        ModelConnectionDriver d = drivers.get(peer);
        return d == null ? null : d.control();
    }

    private static void check(StateResult r, String what) {
        if (r != null && !r.isSuccess() && r != StateResult.NOTHING_TO_DO) {
            LOG.warn("model refused {}: {}", what, r);
        }
    }

    // ---------------------------------------------------------------- EngineObserver

    @Override
    public void connectionEnding(int peer) {
        freezeForQuorum(peer);
    }

    /** A Primary counting quorum: no write in flight may complete until the model has counted the loss. */
    private void freezeForQuorum(int peer) {
        ConnectionControl c = control(peer);
        if (c != null && resource.quorumEnabled() && resource.role() == Role.PRIMARY
                && c.connection().cstate() == ConnState.CONNECTED) {
            resource.lossPending(peer);
        }
    }

    @Override
    public void connectionFailing(int peer) {
        freezeForQuorum(peer);
        ConnectionControl c = control(peer);
        if (c != null && c.connection().netConf().num("fencing_policy") == FENCING_STONITH
                && resource.role() == Role.PRIMARY) {
            // before the writes in flight fail: none may complete until fence-peer has spoken
            resource.fencingFreeze(true);
        }
    }

    @Override
    public void connectionStateChanged(int peer, ConnState state) {
        ConnState prev = lastState.put(peer, state);
        if (prev == ConnState.CONNECTED && LOST.contains(state)) {
            modelQueue.execute(() -> maybeFencePeer(peer));
        } else if (prev == ConnState.CONNECTED && state != ConnState.CONNECTED && resource.fencingFreeze()) {
            // a graceful end (the peer disconnected, usually outdating itself) froze the writes
            // for fencing: release them if the peer's disk is settled, else fence as for a loss
            modelQueue.execute(() -> {
                ConnectionControl c = control(peer);
                if (c != null && !resource.suspendedByFencing() && peerSettled(c)) {
                    check(c.setSuspendedByFencing(false), "fencing resume");
                } else {
                    maybeFencePeer(peer);
                }
            });
        }
        if (state == ConnState.CONNECTED && resource.suspendedByFencing()) {
            modelQueue.execute(() -> {
                ConnectionControl c = control(peer);
                if (c != null && resource.suspendedByFencing()) {
                    LOG.info("{}: {} is connected again; resuming the I/O suspended for fencing", resource.name(),
                            c.connection().name());
                    check(c.setSuspendedByFencing(false), "fencing resume");
                }
            });
        }
        var pc = engine.peer(peer);
        Role peerRole = pc == null ? null : pc.peerRole();
        List<int[]> volumes = new java.util.ArrayList<>();
        List<Object[]> states = new java.util.ArrayList<>();
        if (state == ConnState.CONNECTED && pc != null) {
            for (var pd : pc.devices()) {
                volumes.add(new int[] {pd.volume().volume()});
                states.add(new Object[] {pd.repl(), pd.peerDisk(), pd.peerPaused()});
            }
        }
        modelQueue.execute(() -> {
            if (state != ConnState.CONNECTED) {
                resource.lossCounted(peer); // the change below counts it (or the connection is gone)
            }
            ConnectionControl c = control(peer);
            if (c == null) {
                return;
            }
            if (state == ConnState.UNCONNECTED
                    && c.connection().cstate() == ConnState.CONNECTING) {
                return; // the model went to Connecting itself on connect; do not step back and forth
            }
            check(c.setConnectionState(state), "connection " + state);
            if (state == ConnState.CONNECTED && peerRole != null) {
                // the model forgets peer roles and peer device states while not Connected
                check(c.setPeerRole(peerRole), "peer role");
                for (int i = 0; i < volumes.size(); i++) {
                    pushPeerDevice(c, volumes.get(i)[0], (ReplState) states.get(i)[0], (DiskState) states.get(i)[1],
                            (Boolean) states.get(i)[2]);
                }
            }
        });
    }

    @Override
    public void peerRoleChanged(int peer, Role role) {
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c != null) {
                check(c.setPeerRole(role), "peer role " + role);
            }
        });
    }

    @Override
    public void replicationStateChanged(int peer, int volume, ReplState state) {
        pushPeerDevice(peer, volume);
    }

    @Override
    public void peerDiskStateChanged(int peer, int volume, DiskState disk) {
        pushPeerDevice(peer, volume);
    }

    /** Takes the engine's current replication and peer disk state of a volume to the model. */
    private void pushPeerDevice(int peer, int volume) {
        var pc = engine.peer(peer);
        var pd = pc == null ? null : pc.device(volume);
        if (pd == null) {
            return;
        }
        ReplState repl = pd.repl();
        DiskState peerDisk = pd.peerDisk();
        boolean peerPaused = pd.peerPaused();
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c != null) {
                pushPeerDevice(c, volume, repl, peerDisk, peerPaused);
            }
        });
    }

    private static void pushPeerDevice(ConnectionControl c, int volume, ReplState repl, DiskState peerDisk,
            boolean peerPaused) {
        check(c.setPeerDeviceState(volume, repl, peerDisk, peerPaused),
                "peer device " + repl + "/" + peerDisk);
    }

    @Override
    public void peerResyncSuspendChanged(int peer, int volume, boolean suspended) {
        pushPeerDevice(peer, volume);
    }

    @Override
    public void resyncProgressed(int peer, int volume) {
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c != null) {
                c.resyncProgressed(volume);
            }
        });
    }

    @Override
    public void netOptionsAdopted(int peer, java.util.Map<String, Object> values) {
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c != null) {
                c.adoptNetOptions(values);
            }
        });
    }

    @Override
    public void pathEstablished(int peer, boolean established) {
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c != null) {
                List<Path> paths = c.paths();
                if (!paths.isEmpty()) {
                    c.setPathEstablished(paths.get(0), established);
                }
            }
        });
    }

    // ---------------------------------------------------------------- fencing

    /**
     * A Primary that lost its peer with a fencing policy runs the fence-peer handler; its exit code
     * says what became of the peer: 3 it is Inconsistent, 4 it was outdated, 5 it could not be
     * reached (taken as outdated), 7 it was shot (STONITH); 6 means the peer is Primary itself.
     * On the model's serial executor.
     */
    private void maybeFencePeer(int peer) {
        ConnectionControl c = control(peer);
        if (c == null || c.connection().netConf().num("fencing_policy") == 0
                || resource.role() != Role.PRIMARY) {
            if (c != null && resource.fencingFreeze()) {
                check(c.setSuspendedByFencing(false), "fencing resume");
            }
            return;
        }
        boolean stonith = c.connection().netConf().num("fencing_policy") == FENCING_STONITH;
        if (stonith) {
            LOG.warn("{}: lost the connection to {} while Primary: I/O suspended (fencing resource-and-stonith)",
                    resource.name(), c.connection().name());
            check(c.setSuspendedByFencing(true), "fencing suspension");
        }
        LOG.info("{}: lost the connection to {} while Primary; calling the fence-peer handler", resource.name(),
                c.connection().name());
        c.callHelper("fence-peer", null).thenAccept(code -> modelQueue.execute(() -> {
            boolean settled = fenced(peer, code);
            ConnectionControl now = control(peer);
            if (!stonith || now == null || !resource.suspendedByFencing()) {
                return;
            }
            if (settled) {
                check(now.setSuspendedByFencing(false), "fencing resume");
            } else {
                LOG.error("{}: fence-peer returned {}: I/O stays suspended until the peer is back or 'drbdadm resume-io {}'",
                        resource.name(), code, resource.name());
            }
        }));
    }

    /** Every peer disk of the connection is known Outdated or Inconsistent: it cannot be promoted. */
    private static boolean peerSettled(ConnectionControl c) {
        for (io.scstdrbd.drbd.model.PeerDevice pd : c.connection().peerDevices()) {
            if (pd.peerDisk().code() > DiskState.OUTDATED.code()) {
                return false;
            }
        }
        return true;
    }

    private boolean localDisksUpToDate() {
        for (Device d : resource.devices()) {
            if (d.disk() != DiskState.UP_TO_DATE) {
                return false;
            }
        }
        return true;
    }

    /** Applies the fence-peer exit code; true when the peer's fate is settled (its data cannot be newer). */
    private boolean fenced(int peer, int code) {
        ConnectionControl c = control(peer);
        if (c == null) {
            return false;
        }
        DiskState pdsk;
        switch (code) {
            case 3:
                pdsk = DiskState.INCONSISTENT;
                break;
            case 5:
                // unreachable: taken as outdated only by a node whose own data is UpToDate
                if (!localDisksUpToDate()) {
                    LOG.warn("{}: fence-peer helper returned 5 (peer unreachable), but this node is not UpToDate; "
                            + "the disk state of {} stays unknown", resource.name(), c.connection().name());
                    return false;
                }
                pdsk = DiskState.OUTDATED;
                break;
            case 4:
            case 7:
                pdsk = DiskState.OUTDATED;
                break;
            case 6:
                LOG.error("{}: fence-peer helper returned 6: {} is Primary; its data is not outdated", resource.name(),
                        c.connection().name());
                return false;
            default:
                LOG.warn("{}: fence-peer helper returned {}; the disk state of {} stays unknown", resource.name(), code,
                        c.connection().name());
                return false;
        }
        if (c.connection().cstate() == ConnState.CONNECTED) {
            return true; // connected again meanwhile: the peer reported its real state
        }
        LOG.info("{}: fence-peer helper returned {}: peer disk of {} is now {}", resource.name(), code,
                c.connection().name(), pdsk.displayName());
        for (Device d : resource.devices()) {
            check(c.setPeerDeviceState(d.volume(), ReplState.OFF, pdsk), "fenced peer");
        }
        return true;
    }

    // ---------------------------------------------------------------- HandlerRunner

    @Override
    public CompletableFuture<Integer> run(String handler, int peer, int volume) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        modelQueue.execute(() -> {
            ConnectionControl c = control(peer);
            if (c == null) {
                exit.complete(0); // the peer was deleted meanwhile: nothing to ask
                return;
            }
            c.callHelper(handler, volume).whenComplete((code, e) -> exit.complete(e != null ? -1 : code));
        });
        return exit;
    }
}
