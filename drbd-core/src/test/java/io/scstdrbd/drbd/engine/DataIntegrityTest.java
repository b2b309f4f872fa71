package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.LeakCheck;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * data-integrity-alg: every P_DATA and resync reply carries a digest of its data that the receiver
 * checks (a mismatch drops the connection); both sides must use the same algorithm.
 */
@ExtendWith(LeakCheck.class)
class DataIntegrityTest {

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void writesAndResyncCarryDigestsThePeerAccepts(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17761, 4 << 20)) {
            p.configure(EnginePair.net("B", maxProtocol).withAlgorithms("crc32c", "", ""),
                    EnginePair.net("A", maxProtocol).withAlgorithms("crc32c", "", ""));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(StateResult.SUCCESS, p.a.engine.primary(true).get(10, TimeUnit.SECONDS));
            p.awaitInSync(); // the full sync: resync replies with digests
            Random r = new Random(11);
            for (int i = 0; i < 64; i++) {
                p.a.write(r.nextInt(1000) * 8L, EnginePair.random(r, 4096 * (1 + r.nextInt(8))));
            }
            assertEquals(p.a.md5(), p.b.md5(), "replicas equal");
            assertEquals(1, p.a.events.stream().filter(e -> e.equals("conn Connected")).count(),
                    "no digest was refused: the connection never dropped");
        }
    }

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void differentAlgorithmsAreRefused(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17762, 4 << 20)) {
            p.configure(EnginePair.net("B", maxProtocol).withAlgorithms("crc32c", "", ""),
                    EnginePair.net("A", maxProtocol).withAlgorithms("sha1", "", ""));
            p.connectBoth();
            await("refused", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE
                    && p.b.peer().connState() == ConnState.STANDALONE);
        }
    }
}
