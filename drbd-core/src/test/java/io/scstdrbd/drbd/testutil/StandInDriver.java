package io.scstdrbd.drbd.testutil;

import io.scstdrbd.drbd.model.ConnectionDriver;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioCallback;

/**
 * A connection driver for tests that plays the replication code through the connection's control:
 * a subclass says what {@link #connect} reports; writes "reach" the peer at once.
 */
public abstract class StandInDriver implements ConnectionDriver {
    @Override
    public void disconnect(boolean force) {
    }

    @Override
    public void replicate(PeerDevice pd, Bio bio, BioCallback done) {
        done.done(bio, 0);
    }

    @Override
    public void close() {
    }
}
