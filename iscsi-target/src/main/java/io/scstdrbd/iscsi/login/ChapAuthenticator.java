package io.scstdrbd.iscsi.login;

import io.scstdrbd.iscsi.config.ChapAccount;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The target side of CHAP in the security stage (RFC 7143 12.1.3): picks an algorithm from
 * CHAP_A, sends CHAP_I/CHAP_C, checks CHAP_N/CHAP_R against the IncomingUser accounts and, when
 * the initiator sends its own CHAP_I/CHAP_C (mutual CHAP), answers as the OutgoingUser.
 */
public final class ChapAuthenticator {
    /** Where the exchange stands. */
    public enum State {
        WAIT_ALGORITHM,
        WAIT_RESPONSE,
        DONE;

        boolean canMoveTo(State next) {
            return next.ordinal() == ordinal() + 1;
        }
    }

    private final List<ChapAccount> incoming;
    private final ChapAccount outgoing;
    private final SecureRandom random;
    private State state = State.WAIT_ALGORITHM;
    private ChapAlgorithm algorithm;
    private int identifier;
    private byte[] challenge;
    private String user;

    public ChapAuthenticator(List<ChapAccount> incoming, ChapAccount outgoing, SecureRandom random) {
        this.incoming = List.copyOf(incoming);
        this.outgoing = outgoing;
        this.random = random;
    }

    public State state() {
        return state;
    }

    /** The authenticated CHAP name, once {@link State#DONE}. */
    public String user() {
        return user;
    }

    /**
     * Handles the CHAP keys of one login request.
     *
     * @param keys CHAP_* keys of the request
     * @return the CHAP keys of the response
     * @throws LoginException on any authentication failure
     */
    public List<Pair> process(Map<String, String> keys) throws LoginException {
        List<Pair> out = new ArrayList<>();
        switch (state) {
            case WAIT_ALGORITHM:
                String a = keys.get("CHAP_A");
                if (a == null) {
                    if (keys.isEmpty()) {
                        return out; // nothing yet (e.g. the initiator sent only AuthMethod)
                    }
                    throw fail("CHAP keys " + keys.keySet() + " before CHAP_A");
                }
                algorithm = pickAlgorithm(a);
                identifier = random.nextInt(256);
                challenge = new byte[Math.max(16, algorithm.length())];
                random.nextBytes(challenge);
                out.add(new Pair("CHAP_A", Integer.toString(algorithm.code())));
                out.add(new Pair("CHAP_I", Integer.toString(identifier)));
                out.add(new Pair("CHAP_C", BinaryValues.encodeHex(challenge)));
                move(State.WAIT_RESPONSE);
                return out;
            case WAIT_RESPONSE:
                return checkResponse(keys);
            default:
                throw fail("CHAP keys after authentication finished");
        }
    }

    private ChapAlgorithm pickAlgorithm(String list) throws LoginException {
        for (String s : list.split(",")) {
            try {
                ChapAlgorithm alg = ChapAlgorithm.of((int) BinaryValues.number(s.trim()));
                if (alg != null) {
                    return alg;
                }
            } catch (NumberFormatException e) {
                // skip values we cannot read; another may do
            }
        }
        throw fail("no supported CHAP algorithm in CHAP_A=" + list);
    }

    private List<Pair> checkResponse(Map<String, String> keys) throws LoginException {
        String n = keys.get("CHAP_N");
        String r = keys.get("CHAP_R");
        if (n == null || r == null) {
            throw fail("CHAP_N and CHAP_R expected, got " + keys.keySet());
        }
        ChapAccount account = null;
        for (ChapAccount acc : incoming) {
            if (acc.name().equals(n)) {
                account = acc;
            }
        }
        if (account == null) {
            throw fail("unknown CHAP user '" + n + "'");
        }
        byte[] got;
        try {
            got = BinaryValues.decode(r);
        } catch (IllegalArgumentException e) {
            throw fail("CHAP_R of " + n + " is not a binary value");
        }
        byte[] want = algorithm.response(identifier, account.secret().getBytes(StandardCharsets.UTF_8), challenge);
        if (!MessageDigest.isEqual(got, want)) {
            throw fail("wrong CHAP response for user '" + n + "'");
        }
        user = n;
        List<Pair> out = new ArrayList<>();
        String ti = keys.get("CHAP_I");
        String tc = keys.get("CHAP_C");
        if (ti != null || tc != null) {
            if (ti == null || tc == null) {
                throw fail("mutual CHAP needs both CHAP_I and CHAP_C");
            }
            if (outgoing == null) {
                throw fail("initiator asks for mutual CHAP but no OutgoingUser is configured");
            }
            int id;
            byte[] c;
            try {
                id = (int) BinaryValues.number(ti);
                c = BinaryValues.decode(tc);
            } catch (IllegalArgumentException e) {
                throw fail("malformed mutual CHAP_I/CHAP_C");
            }
            if (id < 0 || id > 255 || c.length == 0 || c.length > 1024) {
                throw fail("mutual CHAP_I/CHAP_C out of range");
            }
            if (MessageDigest.isEqual(c, challenge)) {
                throw fail("initiator reflected the target's CHAP challenge");
            }
            byte[] resp = algorithm.response(id, outgoing.secret().getBytes(StandardCharsets.UTF_8), c);
            out.add(new Pair("CHAP_N", outgoing.name()));
            out.add(new Pair("CHAP_R", BinaryValues.encodeHex(resp)));
        }
        move(State.DONE);
        return out;
    }

    private void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("CHAP state " + state + " -> " + next);
        }
        state = next;
    }

    private static LoginException fail(String msg) {
        return new LoginException(LoginStatus.AUTHENTICATION_FAILURE, msg);
    }
}
