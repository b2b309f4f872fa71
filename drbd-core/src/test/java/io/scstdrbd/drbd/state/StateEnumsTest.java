package io.scstdrbd.drbd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The codes and names of linux/drbd.h that go on the wire, into netlink replies and status text. */
class StateEnumsTest {

    private static <E> String table(E[] values, ToIntFunction<E> code, Function<E, String> name) {
        return Arrays.stream(values).map(e -> code.applyAsInt(e) + "=" + name.apply(e))
                .collect(Collectors.joining(" "));
    }

    @Test
    void codesAndNamesAreTheKernels() {
        assertEquals("9=Off 10=Established 11=StartingSyncS 12=StartingSyncT 13=WFBitMapS 14=WFBitMapT"
                + " 15=WFSyncUUID 16=SyncSource 17=SyncTarget 18=VerifyS 19=VerifyT 20=PausedSyncS"
                + " 21=PausedSyncT 22=Ahead 23=Behind",
                table(ReplState.values(), ReplState::code, ReplState::displayName));
        assertEquals("0=StandAlone 1=Disconnecting 2=Unconnected 3=Timeout 4=BrokenPipe 5=NetworkFailure"
                + " 6=ProtocolError 7=TearDown 8=Connecting 9=Connected",
                table(ConnState.values(), ConnState::code, ConnState::displayName));
        assertEquals("0=Diskless 1=Attaching 2=Detaching 3=Failed 4=Negotiating 5=Inconsistent 6=Outdated"
                + " 7=DUnknown 8=Consistent 9=UpToDate",
                table(DiskState.values(), DiskState::code, DiskState::displayName));
        assertEquals("0=Unknown 1=Primary 2=Secondary", table(Role.values(), Role::code, Role::displayName));
        assertEquals(List.of(4, 3, 2, 1, 0, -1, -2, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16,
                -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28),
                Arrays.stream(StateResult.values()).map(StateResult::code).collect(Collectors.toList()));
    }

    @Test
    void ofDecodesEveryCodeAndRefusesOthers() {
        for (ReplState s : ReplState.values()) {
            assertSame(s, ReplState.of(s.code()));
        }
        for (ConnState s : ConnState.values()) {
            assertSame(s, ConnState.of(s.code()));
        }
        for (DiskState s : DiskState.values()) {
            assertSame(s, DiskState.of(s.code()));
        }
        for (Role s : Role.values()) {
            assertSame(s, Role.of(s.code()));
        }
        for (StateResult s : StateResult.values()) {
            assertSame(s, StateResult.of(s.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> ReplState.of(8));
        assertThrows(IllegalArgumentException.class, () -> ConnState.of(10));
        assertThrows(IllegalArgumentException.class, () -> DiskState.of(-1));
        assertThrows(IllegalArgumentException.class, () -> Role.of(3));
        assertThrows(IllegalArgumentException.class, () -> StateResult.of(-3));
    }

    @Test
    void peerValuesDecodeLeniently() {
        assertSame(Role.SECONDARY, Role.fromWire(2));
        assertSame(Role.UNKNOWN, Role.fromWire(3));
        assertSame(StateResult.NO_QUORUM, StateResult.fromWire(-25));
        assertSame(StateResult.UNKNOWN_ERROR, StateResult.fromWire(-3));
        assertSame(StateResult.UNKNOWN_ERROR, StateResult.fromWire(-99));
    }

    @Test
    void diskStateOn84WireHasNoDetaching() {
        assertEquals(1, DiskState.ATTACHING.toWire(true));
        assertEquals(2, DiskState.FAILED.toWire(true));
        assertEquals(8, DiskState.UP_TO_DATE.toWire(true));
        assertEquals(9, DiskState.UP_TO_DATE.toWire(false));
        for (DiskState s : DiskState.values()) {
            if (s != DiskState.DETACHING) {
                assertSame(s, DiskState.fromWire(s.toWire(true), true));
            }
            assertSame(s, DiskState.fromWire(s.toWire(false), false));
        }
        assertThrows(IllegalArgumentException.class, () -> DiskState.fromWire(9, true));
    }

    @Test
    void aSuspendedResyncIsItsPausedForm() {
        assertSame(ReplState.PAUSED_SYNC_T, ReplState.SYNC_TARGET.withResyncSuspended(true));
        assertSame(ReplState.SYNC_SOURCE, ReplState.PAUSED_SYNC_S.withResyncSuspended(false));
        assertSame(ReplState.PAUSED_SYNC_S, ReplState.PAUSED_SYNC_S.withResyncSuspended(true));
        assertSame(ReplState.ESTABLISHED, ReplState.ESTABLISHED.withResyncSuspended(true));
    }

    @Test
    void modelAndEngineRulesStayApart() {
        // the model accepts what the engine never does itself, and the other way round
        assertTrue(ReplState.OFF.checkTransition(ReplState.SYNC_SOURCE).isSuccess());
        assertFalse(ReplState.OFF.engineAllows(ReplState.SYNC_SOURCE));
        assertTrue(ReplState.ESTABLISHED.engineAllows(ReplState.SYNC_SOURCE), "the resync after an online grow");
        assertSame(StateResult.RESYNC_RUNNING, ReplState.SYNC_SOURCE.checkTransition(ReplState.WF_BITMAP_S));
        assertTrue(ReplState.SYNC_SOURCE.engineAllows(ReplState.WF_BITMAP_S));
        assertSame(StateResult.IN_TRANSIENT_STATE, ConnState.TIMEOUT.checkTransition(ConnState.STANDALONE));
        assertTrue(ConnState.TIMEOUT.engineAllows(ConnState.STANDALONE));
        assertTrue(ConnState.CONNECTED.checkTransition(ConnState.UNCONNECTED).isSuccess());
        assertFalse(ConnState.CONNECTED.engineAllows(ConnState.UNCONNECTED));
        assertSame(StateResult.NOTHING_TO_DO, ConnState.CONNECTED.checkTransition(ConnState.CONNECTED));
        assertSame(StateResult.ALREADY_STANDALONE, ConnState.STANDALONE.checkTransition(ConnState.DISCONNECTING));
    }
}
