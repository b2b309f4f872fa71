package io.scstdrbd.iscsi.login;

import io.scstdrbd.iscsi.config.ChapAccount;
import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.IscsiNames;
import io.scstdrbd.iscsi.config.KeySettings;
import io.scstdrbd.iscsi.config.NegotiationKey;
import io.scstdrbd.iscsi.config.TargetConfig;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.LoginRequest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The login phase of one connection (RFC 7143 6.3): security negotiation (None or CHAP),
 * operational negotiation, and the move to full feature phase. Pure logic on requests and their
 * key=value text; the connection sends the responses and creates the session when a step says
 * {@link Step#complete()}. Not thread-safe (one connection's event loop).
 */
public final class LoginNegotiator {
    /** Target portal group tag of the single portal group. */
    public static final int PORTAL_GROUP_TAG = 1;

    /** The login state machine. */
    public enum State {
        INITIAL,
        SECURITY,
        OPERATIONAL,
        COMPLETE,
        FAILED;

        boolean canMoveTo(State next) {
            switch (this) {
                case INITIAL: return next == SECURITY || next == OPERATIONAL || next == FAILED;
                case SECURITY: return next == OPERATIONAL || next == COMPLETE || next == FAILED;
                case OPERATIONAL: return next == COMPLETE || next == FAILED;
                default: return false;
            }
        }
    }

    /**
     * What to answer.
     *
     * @param transit  the T bit of the response
     * @param csg      the response's current stage
     * @param nsg      the next stage when {@code transit}
     * @param keys     the response text
     * @param complete the login is done: create the session, then send the final response
     */
    public record Step(boolean transit, LoginStage csg, LoginStage nsg, List<Pair> keys, boolean complete) {
    }

    private final IscsiConfig config;
    private final SecureRandom random;
    private State state = State.INITIAL;
    private boolean firstResponse = true;

    private long isid;
    private int tsih;
    private int cid;
    private String initiatorName;
    private String initiatorAlias;
    private String targetName;
    private boolean discovery;
    private TargetConfig target;
    private List<ChapAccount> incoming = List.of();
    private ChapAccount outgoing;
    private boolean authRequired;
    private boolean authDone;
    private String authMethod;
    private ChapAuthenticator chap;
    private OperationalNegotiation operational;

    public LoginNegotiator(IscsiConfig config, SecureRandom random) {
        this.config = config;
        this.random = random;
    }

    public State state() {
        return state;
    }

    /**
     * Handles one complete login request (continuations already joined).
     *
     * @throws LoginException when the login must fail with the exception's status
     */
    public Step process(LoginRequest req, List<Pair> keys) throws LoginException {
        try {
            return step(req, keys);
        } catch (LoginException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private Step step(LoginRequest req, List<Pair> keys) throws LoginException {
        if (state == State.FAILED || state == State.COMPLETE) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "login request after the login ended");
        }
        LoginStage csg = LoginStage.of(req.csg());
        if (csg == null || csg == LoginStage.FULL_FEATURE) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "invalid CSG " + req.csg());
        }
        LoginStage nsg = req.transit() ? LoginStage.of(req.nsg()) : null;
        if (req.transit() && !csg.canTransitTo(nsg)) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "invalid transition CSG " + req.csg() + " -> NSG "
                    + req.nsg());
        }
        if (state == State.INITIAL) {
            first(req, keys, csg);
        } else {
            if (req.isid() != isid || req.tsih() != tsih || req.cid() != cid) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR, "ISID/TSIH/CID changed during login");
            }
            if (csg != currentStage()) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR, "CSG " + csg + " but the login is in "
                        + currentStage());
            }
        }

        List<Pair> out = new ArrayList<>();
        if (firstResponse && !discovery) {
            out.add(new Pair("TargetPortalGroupTag", Integer.toString(PORTAL_GROUP_TAG)));
        }
        Map<String, String> chapKeys = new LinkedHashMap<>();
        for (Pair p : keys) {
            String k = p.key();
            switch (k) {
                case "InitiatorName":
                case "TargetName":
                case "SessionType":
                case "InitiatorAlias":
                    break; // declarations, checked on the first request
                case "AuthMethod":
                    if (csg != LoginStage.SECURITY) {
                        throw new LoginException(LoginStatus.INITIATOR_ERROR, "AuthMethod outside the security stage");
                    }
                    out.add(new Pair(k, chooseAuthMethod(p.value())));
                    break;
                default:
                    if (k.startsWith("CHAP_")) {
                        if (csg != LoginStage.SECURITY) {
                            throw new LoginException(LoginStatus.INITIATOR_ERROR, k + " outside the security stage");
                        }
                        chapKeys.put(k, p.value());
                        break;
                    }
                    NegotiationKey nk = NegotiationKey.byWireName(k);
                    out.add(new Pair(k, nk != null ? operational.answer(nk, p.value()) : "NotUnderstood"));
            }
        }
        if (!chapKeys.isEmpty()) {
            if (chap == null) {
                throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "CHAP keys without AuthMethod=CHAP");
            }
            out.addAll(chap.process(chapKeys));
            if (chap.state() == ChapAuthenticator.State.DONE) {
                authDone = true;
            }
        }

        boolean transit = false;
        if (req.transit()) {
            if (csg == LoginStage.SECURITY && !authDone) {
                if (authMethod == null && !authRequired) {
                    authDone = true; // no AuthMethod offered: None is the default
                } else if (authMethod == null) {
                    throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                            "the target requires CHAP and the initiator offered no AuthMethod");
                }
            }
            transit = csg != LoginStage.SECURITY || authDone;
        }
        boolean complete = transit && nsg == LoginStage.FULL_FEATURE;
        if (complete && csg == LoginStage.OPERATIONAL && !operational.targetMaxRecvDeclared()) {
            out.add(new Pair(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH.wireName(),
                    operational.declareTargetMaxRecv()));
        }
        if (transit) {
            move(complete ? State.COMPLETE : State.OPERATIONAL);
        }
        firstResponse = false;
        return new Step(transit, csg, transit ? nsg : csg, out, complete);
    }

    private void first(LoginRequest req, List<Pair> keys, LoginStage csg) throws LoginException {
        if (req.versionMin() > 0) {
            throw new LoginException(LoginStatus.UNSUPPORTED_VERSION, "Version-min " + req.versionMin());
        }
        isid = req.isid();
        tsih = req.tsih();
        cid = req.cid();
        String type = null;
        for (Pair p : keys) {
            switch (p.key()) {
                case "InitiatorName": initiatorName = p.value(); break;
                case "InitiatorAlias": initiatorAlias = p.value(); break;
                case "TargetName": targetName = p.value(); break;
                case "SessionType": type = p.value(); break;
                default: break;
            }
        }
        if (initiatorName == null) {
            throw new LoginException(LoginStatus.MISSING_PARAMETER, "no InitiatorName");
        }
        if (initiatorName.isEmpty() || initiatorName.length() > IscsiNames.MAX_LENGTH) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "invalid InitiatorName");
        }
        if (type == null || type.equals("Normal")) {
            discovery = false;
        } else if (type.equals("Discovery")) {
            discovery = true;
        } else {
            throw new LoginException(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, "SessionType=" + type);
        }
        KeySettings local;
        if (discovery) {
            incoming = config.discoveryIncoming();
            outgoing = config.discoveryOutgoing();
            local = KeySettings.defaults();
        } else {
            if (targetName == null) {
                throw new LoginException(LoginStatus.MISSING_PARAMETER, "no TargetName in a normal session");
            }
            target = config.find(targetName);
            if (target == null) {
                throw new LoginException(LoginStatus.NOT_FOUND, "no target " + targetName);
            }
            targetName = target.name();
            incoming = target.incoming();
            outgoing = target.outgoing();
            local = target.keys();
        }
        authRequired = !incoming.isEmpty();
        operational = new OperationalNegotiation(local);
        if (csg == LoginStage.OPERATIONAL && authRequired) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                    "login skipped the security stage but the target requires CHAP");
        }
        move(csg == LoginStage.SECURITY ? State.SECURITY : State.OPERATIONAL);
    }

    private String chooseAuthMethod(String offered) throws LoginException {
        boolean none = false;
        boolean chapOffered = false;
        for (String m : offered.split(",")) {
            none |= m.trim().equals("None");
            chapOffered |= m.trim().equals("CHAP");
        }
        if (authRequired) {
            if (!chapOffered) {
                throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                        "the target requires CHAP, the initiator offers AuthMethod=" + offered);
            }
            if (chap == null) {
                chap = new ChapAuthenticator(incoming, outgoing, random);
            }
            authMethod = "CHAP";
            return "CHAP";
        }
        if (!none) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                    "AuthMethod=" + offered + " but the target has no IncomingUser");
        }
        authMethod = "None";
        authDone = true;
        return "None";
    }

    private LoginStage currentStage() {
        return state == State.SECURITY ? LoginStage.SECURITY : LoginStage.OPERATIONAL;
    }

    private void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("login state " + state + " -> " + next);
        }
        state = next;
    }

    public long isid() {
        return isid;
    }

    public int tsih() {
        return tsih;
    }

    public int cid() {
        return cid;
    }

    public String initiatorName() {
        return initiatorName;
    }

    public String initiatorAlias() {
        return initiatorAlias;
    }

    /** The target's configured name (null in discovery sessions). */
    public String targetName() {
        return discovery ? null : targetName;
    }

    public TargetConfig target() {
        return target;
    }

    public boolean discovery() {
        return discovery;
    }

    /** The CHAP user that authenticated, or null. */
    public String chapUser() {
        return chap != null ? chap.user() : null;
    }

    public NegotiatedParameters parameters() {
        return operational != null ? operational.parameters() : NegotiatedParameters.rfcDefaults();
    }
}
