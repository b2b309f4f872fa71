package io.scstdrbd.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.iscsi.login.TextParameters;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.PduFormatException;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.TextRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextExchangeTest {
    private final TextExchange x = new TextExchange();
    private final AtomicInteger ttt = new AtomicInteger(7);

    private static TextRequest req(int ttt, boolean cont) {
        return new TextRequest(false, !cont, cont, 0, 1, ttt, 1, 1);
    }

    private static List<Pair> echo(List<Pair> in) {
        List<Pair> out = new ArrayList<>();
        for (Pair p : in) {
            out.add(new Pair(p.key(), p.value().repeat(50)));
        }
        return out;
    }

    @Test
    void longAnswersGoOutInParts() throws Exception {
        byte[] q = TextParameters.encode(List.of(new Pair("A", "1234567890"), new Pair("B", "x")));
        TextExchange.Reply r = x.request(req(PduHeader.RESERVED_TAG, false), q, TextExchangeTest::echo, 100,
                ttt::getAndIncrement);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int parts = 0;
        while (true) {
            assertTrue(r.data().length <= 100);
            all.writeBytes(r.data());
            parts++;
            if (r.finalFlag()) {
                assertEquals(PduHeader.RESERVED_TAG, r.ttt());
                break;
            }
            assertTrue(r.cont());
            r = x.request(req(r.ttt(), false), new byte[0], TextExchangeTest::echo, 100, ttt::getAndIncrement);
        }
        assertEquals(6, parts);
        assertArrayEquals(TextParameters.encode(echo(TextParameters.decode(q))), all.toByteArray());
        assertThrows(PduFormatException.class, () -> x.request(req(8, false), new byte[0], TextExchangeTest::echo,
                100, ttt::getAndIncrement), "the exchange is over");
    }

    @Test
    void continuedRequestsAreJoined() throws Exception {
        byte[] q = "SendTargets=All\0".getBytes(StandardCharsets.US_ASCII);
        TextExchange.Reply first = x.request(req(PduHeader.RESERVED_TAG, true), java.util.Arrays.copyOf(q, 5),
                l -> l, 8192, ttt::getAndIncrement);
        assertFalse(first.finalFlag());
        assertEquals(0, first.data().length);
        TextExchange.Reply r = x.request(req(PduHeader.RESERVED_TAG, false), java.util.Arrays.copyOfRange(q, 5,
                q.length), l -> l, 8192, ttt::getAndIncrement);
        assertTrue(r.finalFlag());
        assertArrayEquals(q, r.data());
    }

    @Test
    void malformedTextIsAProtocolError() {
        assertThrows(PduFormatException.class, () -> x.request(req(PduHeader.RESERVED_TAG, false),
                "nokey\0".getBytes(StandardCharsets.US_ASCII), l -> l, 8192, ttt::getAndIncrement));
        assertThrows(PduFormatException.class, () -> x.request(req(PduHeader.RESERVED_TAG, false),
                new byte[TextExchange.MAX_TEXT + 1], l -> l, 8192, ttt::getAndIncrement));
    }
}
