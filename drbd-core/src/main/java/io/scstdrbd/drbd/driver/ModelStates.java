package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.model.ConnectionState;
import io.scstdrbd.drbd.model.ReplicationState;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;

/** Maps the replication engine's state enums to the model's (same values and names). */
final class ModelStates {
    private ModelStates() {
    }

    static ConnectionState conn(ConnState s) {
        return ConnectionState.valueOf(s.name());
    }

    static ReplicationState repl(ReplState s) {
        return ReplicationState.valueOf(s.name());
    }

    static io.scstdrbd.drbd.model.DiskState disk(DiskState s) {
        return io.scstdrbd.drbd.model.DiskState.valueOf(s.name());
    }

    static DiskState disk(io.scstdrbd.drbd.model.DiskState s) {
        return DiskState.valueOf(s.name());
    }

    static io.scstdrbd.drbd.model.Role role(Role r) {
        return io.scstdrbd.drbd.model.Role.valueOf(r.name());
    }

    static Role role(io.scstdrbd.drbd.model.Role r) {
        return Role.valueOf(r.name());
    }

    /** By kernel code (both enums carry the SS_* values); unknown codes become UNKNOWN_ERROR. */
    static io.scstdrbd.drbd.model.StateResult result(io.scstdrbd.drbd.state.StateResult r) {
        for (io.scstdrbd.drbd.model.StateResult m : io.scstdrbd.drbd.model.StateResult.values()) {
            if (m.code() == r.code()) {
                return m;
            }
        }
        return io.scstdrbd.drbd.model.StateResult.UNKNOWN_ERROR;
    }
}
