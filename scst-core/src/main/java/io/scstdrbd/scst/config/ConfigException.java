package io.scstdrbd.scst.config;

/** A bad line in scst.conf, with the file name and line number in the message. */
public final class ConfigException extends Exception {
    private final int line;

    public ConfigException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
        this.line = line;
    }

    public ConfigException(String file, String message) {
        super(file + ": " + message);
        this.line = 0;
    }

    /** 1-based line number, or 0 for a problem with the whole file. */
    public int line() {
        return line;
    }
}
