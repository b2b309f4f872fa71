package io.scstdrbd.iscsi.discovery;

import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.TargetConfig;
import io.scstdrbd.iscsi.login.LoginNegotiator;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers {@code SendTargets} (RFC 7143 Appendix C): target names with the portal the initiator
 * reached this target on (the connection's local address), so the address works from where the
 * initiator stands.
 */
public final class SendTargets {
    private SendTargets() {
    }

    /**
     * @param value         the SendTargets value: All, a target name, or empty (the session's target)
     * @param sessionTarget the target of a normal session, null in a discovery session
     * @param portal        the local address of the connection
     * @return the response pairs, or null when the value is invalid here
     */
    public static List<Pair> answer(IscsiConfig config, String value, String sessionTarget,
                                    SocketAddress portal) {
        List<TargetConfig> chosen = new ArrayList<>();
        if (value.equals("All")) {
            chosen.addAll(config.targets());
        } else if (value.isEmpty()) {
            if (sessionTarget == null) {
                return null;
            }
            TargetConfig t = config.find(sessionTarget);
            if (t != null) {
                chosen.add(t);
            }
        } else {
            TargetConfig t = config.find(value);
            if (t != null) {
                chosen.add(t);
            }
        }
        List<Pair> out = new ArrayList<>();
        String address = portal instanceof InetSocketAddress inet ? portalAddress(inet)
                : portal + "," + LoginNegotiator.PORTAL_GROUP_TAG;
        for (TargetConfig t : chosen) {
            out.add(new Pair("TargetName", t.name()));
            out.add(new Pair("TargetAddress", address));
        }
        return out;
    }

    /** {@code ip:port,tpgt}, IPv6 addresses in brackets. */
    public static String portalAddress(InetSocketAddress portal) {
        String host = portal.getAddress().getHostAddress();
        if (portal.getAddress() instanceof Inet6Address) {
            int pct = host.indexOf('%');
            host = "[" + (pct > 0 ? host.substring(0, pct) : host) + "]";
        }
        return host + ":" + portal.getPort() + "," + LoginNegotiator.PORTAL_GROUP_TAG;
    }
}
