package io.scstdrbd.iscsi.config;

/** An unusable configuration file; the message names the file and line. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
