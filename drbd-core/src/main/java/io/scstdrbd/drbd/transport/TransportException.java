package io.scstdrbd.drbd.transport;

/** A socket could not be set up (address in use, address conflict). */
public class TransportException extends Exception {
    public TransportException(String message) {
        super(message);
    }
}
