package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.model.Connection;
import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.ConnectionDriver;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.transport.ListenerRegistry;
import io.scstdrbd.drbd.transport.TransportGroup;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * The replication engine as the DRBD model's {@link ReplicationFactory}: one engine per resource,
 * one driver per connection, over one shared set of event loops and listening sockets.
 * Closing it stops the network.
 */
public final class EngineReplication implements ReplicationFactory, AutoCloseable {
    /** Highest protocol version offered by default (the DRBD 9 dialect). */
    public static final int DEFAULT_MAX_PROTOCOL = 121;

    private final TransportGroup transport;
    private final ListenerRegistry listeners;
    private final Executor mdExecutor;
    private final int maxProtocol;
    /** The drbd module parameter protocol_version_min (read at every connect). */
    private volatile IntSupplier protocolMin = () -> 0;
    private final Map<Resource, ResourceBinding> bindings = new IdentityHashMap<>();

    /**
     * @param mdExecutor  where metadata writes run (they block)
     * @param maxProtocol highest protocol version offered (101 limits a node to the 8.4 dialect)
     */
    public EngineReplication(TransportGroup transport, Executor mdExecutor, int maxProtocol) {
        this.transport = transport;
        this.listeners = new ListenerRegistry(transport);
        this.mdExecutor = mdExecutor;
        this.maxProtocol = maxProtocol;
    }

    /** Where the lowest acceptable protocol version comes from (the module parameter protocol_version_min). */
    public void protocolMin(IntSupplier min) {
        this.protocolMin = min;
    }

    /** Called by the model with its lock held: must not block. */
    @Override
    public synchronized ConnectionDriver create(Connection connection, ConnectionControl control) {
        Resource r = connection.resource();
        ResourceBinding b = bindings.computeIfAbsent(r, k -> new ResourceBinding(k, transport, listeners, mdExecutor));
        ModelConnectionDriver d = new ModelConnectionDriver(b, connection, control, maxProtocol, () -> protocolMin.getAsInt(), () -> {
            synchronized (EngineReplication.this) {
                if (b.isEmpty()) {
                    bindings.remove(r);
                }
            }
        });
        b.add(d);
        return d;
    }

    @Override
    public void close() {
        listeners.close();
        transport.close();
    }
}
