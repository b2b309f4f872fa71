package io.scstdrbd.iscsi.login;

/** Login Response Status-Class / Status-Detail values (RFC 7143 11.13.5). */
public enum LoginStatus {
    SUCCESS(0, 0),
    INITIATOR_ERROR(2, 0x00),
    AUTHENTICATION_FAILURE(2, 0x01),
    AUTHORIZATION_FAILURE(2, 0x02),
    NOT_FOUND(2, 0x03),
    TARGET_REMOVED(2, 0x04),
    UNSUPPORTED_VERSION(2, 0x05),
    TOO_MANY_CONNECTIONS(2, 0x06),
    MISSING_PARAMETER(2, 0x07),
    CANT_INCLUDE_IN_SESSION(2, 0x08),
    SESSION_TYPE_NOT_SUPPORTED(2, 0x09),
    SESSION_DOES_NOT_EXIST(2, 0x0a),
    INVALID_DURING_LOGIN(2, 0x0b),
    TARGET_ERROR(3, 0x00),
    SERVICE_UNAVAILABLE(3, 0x01),
    OUT_OF_RESOURCES(3, 0x02);

    private final int statusClass;
    private final int detail;

    LoginStatus(int statusClass, int detail) {
        this.statusClass = statusClass;
        this.detail = detail;
    }

    public int statusClass() {
        return statusClass;
    }

    public int detail() {
        return detail;
    }
}
