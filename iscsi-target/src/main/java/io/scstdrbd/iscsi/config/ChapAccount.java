package io.scstdrbd.iscsi.config;

/** A CHAP account (IncomingUser / OutgoingUser). The secret is never printed. */
public record ChapAccount(String name, String secret) {
    public ChapAccount {
        if (name == null || name.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a CHAP account needs a name and a secret");
        }
    }

    @Override
    public String toString() {
        return "ChapAccount[" + name + "]";
    }
}
