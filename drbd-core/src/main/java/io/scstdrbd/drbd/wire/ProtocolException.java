package io.scstdrbd.drbd.wire;

/** The peer sent something the protocol does not allow; the connection that carried it is dropped. */
public class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
