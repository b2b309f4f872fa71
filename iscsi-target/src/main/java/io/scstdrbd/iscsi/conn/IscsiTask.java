package io.scstdrbd.iscsi.conn;

import io.scstdrbd.scst.fabric.DataDirection;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.fabric.TaskAttribute;

/**
 * One SCSI command of a connection, as handed to the SCSI core. The core's callbacks may come
 * from any thread; they are carried over to the connection's event loop, which owns every
 * mutable field.
 */
final class IscsiTask implements FabricCommand {
    /** Life of a task on the connection. */
    enum State {
        /** Received, waiting for its CmdSN turn. */
        HELD,
        /** Given to the core. */
        EXECUTING,
        /** The core answered; the response waits for the initiator's outstanding Data-Out. */
        RESPONDING,
        /** Response sent, or aborted. */
        DONE;

        boolean canMoveTo(State next) {
            return next.ordinal() > ordinal();
        }
    }

    final IscsiConnection conn;
    final int itt;
    final long lunField;
    final long lun;
    final int cmdSN;
    final boolean immediate;
    private final byte[] cdb;
    private final TaskAttribute attribute;
    final DataDirection direction;
    /** EDTL: the write length of WRITE and bidirectional commands, the read length of READ commands. */
    final long edtl;
    /** Expected read length of a bidirectional command (AHS), else equal to {@code edtl} for reads. */
    final long readLength;
    final long startNanos;

    State state = State.HELD;
    WriteTransfer write;
    DataOutCallback dataCallback;
    boolean dataDelivered;
    ScsiResponse response;

    IscsiTask(IscsiConnection conn, int itt, long lunField, long lun, int cmdSN, boolean immediate, byte[] cdb,
              TaskAttribute attribute, DataDirection direction, long edtl, long readLength, long startNanos) {
        this.startNanos = startNanos;
        this.conn = conn;
        this.itt = itt;
        this.lunField = lunField;
        this.lun = lun;
        this.cmdSN = cmdSN;
        this.immediate = immediate;
        this.cdb = cdb;
        this.attribute = attribute;
        this.direction = direction;
        this.edtl = edtl;
        this.readLength = readLength;
    }

    void moveTo(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("task 0x" + Integer.toHexString(itt) + ": " + state + " -> " + next);
        }
        state = next;
    }

    @Override
    public long tag() {
        return itt & 0xffffffffL;
    }

    @Override
    public long lun() {
        return lun;
    }

    @Override
    public byte[] cdb() {
        return cdb.clone();
    }

    @Override
    public TaskAttribute taskAttribute() {
        return attribute;
    }

    @Override
    public DataDirection direction() {
        return direction;
    }

    @Override
    public long expectedDataLength() {
        return edtl;
    }

    @Override
    public void receiveData(long length, DataOutCallback done) {
        conn.runOnLoop(() -> conn.onReceiveData(this, length, done));
    }

    @Override
    public void respond(ScsiResponse r) {
        conn.runOnLoop(() -> conn.onRespond(this, r));
    }

    @Override
    public void aborted() {
        conn.runOnLoop(() -> conn.onAborted(this));
    }

    @Override
    public String toString() {
        return "task ITT 0x" + Integer.toHexString(itt) + " CmdSN " + Integer.toUnsignedString(cmdSN) + " op 0x"
                + Integer.toHexString(cdb[0] & 0xff);
    }
}
