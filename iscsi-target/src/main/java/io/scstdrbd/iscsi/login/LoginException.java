package io.scstdrbd.iscsi.login;

/** The login fails with {@link #status()}; the message says why (logged, never sent). */
public class LoginException extends Exception {
    private final LoginStatus status;

    public LoginException(LoginStatus status, String message) {
        super(message);
        this.status = status;
    }

    public LoginStatus status() {
        return status;
    }
}
