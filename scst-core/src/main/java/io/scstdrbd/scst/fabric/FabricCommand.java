package io.scstdrbd.scst.fabric;

import java.nio.ByteBuffer;

/**
 * The transport's side of one SCSI command (SCST's target-driver callbacks
 * {@code rdy_to_xfer} / {@code xmit_response} / {@code on_free_cmd}). The transport creates one
 * per received command and passes it to {@link ScsiSession#execute}.
 *
 * <p>Threading: the core calls {@link #receiveData}, {@link #respond} and {@link #aborted} from
 * its own threads or from a backend's completion thread; implementations must not block (hand
 * the work to the connection's event loop). Exactly one of {@link #respond} or {@link #aborted}
 * is called per command. {@link #respond} comes after any {@link #receiveData} has completed;
 * {@link #aborted} may also come while a {@link #receiveData} is still outstanding (task
 * management aborted the command while the initiator was sending data): the transport then stops
 * collecting that command's data and frees it; a later call of the callback is ignored.
 *
 * <p>Ownership: buffers given to {@link DataOutCallback#received} stay owned by the transport and
 * must stay valid until the core calls {@link #respond} or {@link #aborted}; after that the
 * transport frees them. Buffers in a {@link ScsiResponse} are owned by the core until the
 * transport calls {@link ScsiResponse#release()}.
 */
public interface FabricCommand {

    /** Initiator task tag (for task management and logs). */
    long tag();

    /** The LUN as decoded by the transport (SAM flat/peripheral addressing resolved to a number). */
    long lun();

    /** The CDB (16 bytes or more, as received; the core reads only what the opcode needs). */
    byte[] cdb();

    TaskAttribute taskAttribute();

    DataDirection direction();

    /** Expected data transfer length the initiator announced (EDTL), for residual computation. */
    long expectedDataLength();

    /**
     * The core needs the command's write data: the first {@code length} bytes of data-out
     * ({@code length} never exceeds {@link #expectedDataLength()}). The transport collects
     * immediate, unsolicited and solicited (R2T) data, then calls {@code done}. Called at most
     * once per command. Data the initiator sends beyond {@code length} (EDTL larger than the
     * CDB's transfer length) is received and dropped by the transport; the residual is reported
     * from {@link ScsiResponse#transferLength()}.
     */
    void receiveData(long length, DataOutCallback done);

    /** The command is finished: send data-in (if any), status and sense. */
    void respond(ScsiResponse response);

    /**
     * The command was aborted by task management or session close: send nothing for it, free
     * its resources.
     */
    void aborted();

    /** Result of {@link #receiveData}. Call exactly one method exactly once, from any thread. */
    interface DataOutCallback {
        /** All requested bytes arrived, in order, in {@code data} (between position and limit). */
        void received(ByteBuffer[] data);

        /** The data could not be obtained (connection lost, digest error, aborted). */
        void failed(String reason);
    }
}
