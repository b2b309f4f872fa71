package io.scstdrbd.drbd.model;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioCallback;

/**
 * Creates the {@link ConnectionDriver} of each connection; injected into {@link DrbdNode}.
 * {@link #NONE} is the driver-less engine (no replication yet): connections stay Connecting,
 * and every write is tracked as out of sync for the absent peer.
 */
public interface ReplicationFactory {

    /** Called with the node lock held when a connection is created; must not block. */
    ConnectionDriver create(Connection connection, ConnectionControl control);

    /** No network: connections wait in Connecting, as when the peer is absent. */
    ReplicationFactory NONE = (connection, control) -> new ConnectionDriver() {
        @Override
        public void connect() {
        }

        @Override
        public void disconnect(boolean force) {
        }

        @Override
        public void replicate(PeerDevice peerDevice, Bio bio, BioCallback done) {
            control.markOutOfSync(peerDevice.device().volume(), bio.sector(), bio.size());
            done.done(bio, 0);
        }

        @Override
        public void close() {
        }
    };
}
