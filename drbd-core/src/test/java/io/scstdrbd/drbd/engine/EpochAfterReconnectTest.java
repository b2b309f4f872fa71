package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.kernel.block.Bio;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection lost while the primary has an epoch close queued: later connections still close
 * their epochs after each burst of writes (P_BARRIER), so the peer acknowledges them and the
 * transfer log drains without waiting for max-epoch-size writes or a flush.
 */
@ExtendWith(LeakCheck.class)
class EpochAfterReconnectTest {

    private static int unacknowledged(TestNode n) throws Exception {
        return n.engine.loop().submit(() -> n.peer().unacknowledgedWrites()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void epochsCloseAfterAConnectionLostWithACloseQueued() throws Exception {
        try (EnginePair p = new EnginePair(17760, 16L << 20)) {
            p.initialSync(121);
            Random r = new Random(7);
            p.a.write(0, EnginePair.random(r, 4096));
            await("the first epoch acknowledged", 10_000, () -> call(() -> unacknowledged(p.a) == 0));

            // one loop task: a write is sent (its epoch close is queued behind this task), then the
            // connection drops before the queued close runs
            byte[] lost = EnginePair.random(r, 4096);
            p.a.engine.loop().submit(() -> {
                Bio bio = Bio.write(64, ByteBuffer.wrap(lost), 0, (b, e) -> { });
                p.a.peer().replicate(p.a.pd(), bio, ok -> { });
                p.a.peer().localWriteDone(bio);
                p.a.peer().connectionLost(ConnState.NETWORK_FAILURE, "dropped by the test");
            }).get(5, TimeUnit.SECONDS);

            p.awaitInSync();
            byte[] later = EnginePair.random(r, 4096);
            p.a.write(128, later);
            await("the epoch of a write after the reconnect acknowledged", 10_000,
                    () -> call(() -> unacknowledged(p.a) == 0));
            assertEquals(p.a.md5(), p.b.md5(), "both replicas equal");
            assertEquals(0, unacknowledged(p.a));
        }
    }

    private interface Check {
        boolean get() throws Exception;
    }

    private static boolean call(Check c) {
        try {
            return c.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
