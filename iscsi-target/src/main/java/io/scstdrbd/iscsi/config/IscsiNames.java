package io.scstdrbd.iscsi.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** iSCSI name checks (RFC 7143 4.2.7): iqn., eui. and naa. formats, at most 223 bytes. */
public final class IscsiNames {
    public static final int MAX_LENGTH = 223;
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-\\d{2}\\.[a-z0-9][a-z0-9.\\-]*(:[a-z0-9.\\-:]*)?");
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9a-f]{16}");
    private static final Pattern NAA = Pattern.compile("naa\\.([0-9a-f]{16}|[0-9a-f]{32})");

    private IscsiNames() {
    }

    /** Null when the name is valid, else what is wrong with it. */
    public static String problem(String name) {
        if (name.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " bytes";
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (IQN.matcher(n).matches() || EUI.matcher(n).matches() || NAA.matcher(n).matches()) {
            return null;
        }
        return "not an iqn., eui. or naa. name";
    }

    /**
     * A valid name part from free text (a host name): lower case, characters outside
     * {@code [a-z0-9.-]} replaced by '-'.
     */
    public static String sanitize(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.\\-]", "-");
        return s.isEmpty() ? "node" : s;
    }
}
