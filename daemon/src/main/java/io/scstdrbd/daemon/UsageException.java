package io.scstdrbd.daemon;

/** A bad command line or unusable configuration: printed as one line, exit status 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
