package io.scstdrbd.drbd.model;

/** What happened to an object, as events2 reports it (drbd_notification_type). */
public enum Notify {
    EXISTS(0),
    CREATE(1),
    CHANGE(2),
    DESTROY(3),
    CALL(4),
    RESPONSE(5),
    RENAME(6);

    private final int code;

    Notify(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
