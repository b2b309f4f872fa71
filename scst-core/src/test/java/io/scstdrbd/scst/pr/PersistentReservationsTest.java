package io.scstdrbd.scst.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.scst.cdb.PersistentReserveOutCdb;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The PR state machine of SPC-4 5.9 with three I_T nexuses, and APTPL persistence. */
class PersistentReservationsTest {
    static final PrNexus A = new PrNexus("iqn.a,i,0x01", 1, new byte[] {0x45, 0, 0, 4, 'a', 0, 0, 0});
    static final PrNexus B = new PrNexus("iqn.b,i,0x01", 1, null);
    static final PrNexus C = new PrNexus("iqn.c,i,0x01", 1, null);

    @TempDir
    Path dir;
    PersistentReservations pr;

    @BeforeEach
    void setUp() {
        pr = new PersistentReservations(dir.resolve("disk0"));
    }

    static PrOutParameters params(long key, long sark, boolean aptpl) {
        return new PrOutParameters(key, sark, false, false, aptpl, false, 0, List.of(), List.of());
    }

    PrOutcome out(PrNexus who, int sa, int type, long key, long sark) throws ScsiException {
        return pr.out(who, sa, 0, type, params(key, sark, false));
    }

    void register(PrNexus who, long key) throws ScsiException {
        out(who, PersistentReserveOutCdb.REGISTER, 0, 0, key);
    }

    static void assertConflict(org.junit.jupiter.api.function.Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, x.status());
    }

    @Test
    void registerChangeAndUnregister() throws ScsiException {
        register(A, 0x11);
        assertEquals(1, pr.snapshot().generation());
        assertConflict(() -> register(A, 0x22)); // wrong reservation key (0 given)
        out(A, PersistentReserveOutCdb.REGISTER, 0, 0x11, 0x22);
        assertEquals(0x22, pr.snapshot().registrations().get(0).key());
        out(A, PersistentReserveOutCdb.REGISTER, 0, 0x22, 0);
        assertTrue(pr.snapshot().registrations().isEmpty());
        assertEquals(3, pr.snapshot().generation());
    }

    @Test
    void unregisteredNexusWithZeroKeysIsANoop() throws ScsiException {
        register(A, 0);
        assertEquals(0, pr.snapshot().generation());
        assertConflict(() -> out(A, PersistentReserveOutCdb.REGISTER, 0, 5, 6));
    }

    @Test
    void registerAndIgnoreExistingKey() throws ScsiException {
        register(A, 0x11);
        out(A, PersistentReserveOutCdb.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0x999, 0x33);
        assertEquals(0x33, pr.snapshot().registrations().get(0).key());
    }

    @Test
    void reserveNeedsRegistrationAndMatchingKey() throws ScsiException {
        assertConflict(() -> out(A, PersistentReserveOutCdb.RESERVE, 1, 0, 0));
        register(A, 0x11);
        assertConflict(() -> out(A, PersistentReserveOutCdb.RESERVE, 1, 0x12, 0));
        out(A, PersistentReserveOutCdb.RESERVE, 1, 0x11, 0);
        assertEquals(ReservationType.WRITE_EXCLUSIVE, pr.snapshot().type());
        assertEquals(1, pr.snapshot().generation(), "RESERVE does not change the generation");
        // the holder may repeat the same reservation, not another type
        out(A, PersistentReserveOutCdb.RESERVE, 1, 0x11, 0);
        assertConflict(() -> out(A, PersistentReserveOutCdb.RESERVE, 3, 0x11, 0));
        register(B, 0x22);
        assertConflict(() -> out(B, PersistentReserveOutCdb.RESERVE, 1, 0x22, 0));
    }

    @Test
    void invalidTypeOrScope() throws ScsiException {
        register(A, 1);
        ScsiException e = assertThrows(ScsiException.class, () -> out(A, PersistentReserveOutCdb.RESERVE, 2, 1, 0));
        assertEquals(ScsiError.INVALID_FIELD_IN_CDB, e.sense().error());
        e = assertThrows(ScsiException.class,
                () -> pr.out(A, PersistentReserveOutCdb.RESERVE, 1, 1, params(1, 0, false)));
        assertEquals(ScsiError.INVALID_FIELD_IN_CDB, e.sense().error());
    }

    /** Access of a registered and an unregistered other nexus for each type (SPC-4 table 43). */
    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void accessByType(ReservationType t) throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, t.code(), 1, 0);
        assertFalse(pr.conflicts(A, AccessKind.READ));
        assertFalse(pr.conflicts(A, AccessKind.WRITE));
        boolean regAccess = t.registrantsHaveAccess();
        assertEquals(!regAccess, pr.conflicts(B, AccessKind.WRITE));
        assertEquals(!regAccess && t.exclusiveAccess(), pr.conflicts(B, AccessKind.READ));
        assertTrue(pr.conflicts(C, AccessKind.WRITE));
        assertEquals(t.exclusiveAccess(), pr.conflicts(C, AccessKind.READ));
        assertFalse(pr.conflicts(C, AccessKind.ALWAYS));
    }

    @Test
    void releaseRules() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 5, 1, 0);
        // not the holder: nothing happens
        out(B, PersistentReserveOutCdb.RELEASE, 5, 2, 0);
        assertEquals(ReservationType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, pr.snapshot().type());
        ScsiException e = assertThrows(ScsiException.class, () -> out(A, PersistentReserveOutCdb.RELEASE, 6, 1, 0));
        assertEquals(ScsiError.INVALID_RELEASE_OF_PERSISTENT_RESERVATION, e.sense().error());
        PrOutcome o = out(A, PersistentReserveOutCdb.RELEASE, 5, 1, 0);
        assertNull(pr.snapshot().type());
        assertEquals(List.of(new PrOutcome.Notice(B, ScsiError.RESERVATIONS_RELEASED)), o.unitAttentions());
    }

    @Test
    void releaseOfExclusiveTypeSendsNoUnitAttention() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 3, 1, 0);
        assertTrue(out(A, PersistentReserveOutCdb.RELEASE, 3, 1, 0).unitAttentions().isEmpty());
    }

    @Test
    void unregisteringTheHolderReleases() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 1, 1, 0);
        PrOutcome o = out(A, PersistentReserveOutCdb.REGISTER, 0, 1, 0);
        assertNull(pr.snapshot().type());
        assertTrue(o.unitAttentions().isEmpty(), "no UA for Write Exclusive");
        out(A, PersistentReserveOutCdb.REGISTER, 0, 0, 1);
        out(A, PersistentReserveOutCdb.RESERVE, 6, 1, 0);
        o = out(A, PersistentReserveOutCdb.REGISTER, 0, 1, 0);
        assertEquals(List.of(new PrOutcome.Notice(B, ScsiError.RESERVATIONS_RELEASED)), o.unitAttentions());
    }

    @Test
    void allRegistrantsReservationSurvivesUntilTheLastRegistrantLeaves() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 8, 1, 0);
        out(B, PersistentReserveOutCdb.RESERVE, 8, 2, 0); // every registrant holds it
        out(A, PersistentReserveOutCdb.REGISTER, 0, 1, 0);
        assertEquals(ReservationType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, pr.snapshot().type());
        assertNull(pr.snapshot().holder());
        out(B, PersistentReserveOutCdb.RELEASE, 8, 2, 0);
        assertNull(pr.snapshot().type());
    }

    @Test
    void clearRemovesEverything() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 3, 1, 0);
        PrOutcome o = out(B, PersistentReserveOutCdb.CLEAR, 0, 2, 0);
        assertTrue(pr.snapshot().registrations().isEmpty());
        assertNull(pr.snapshot().type());
        assertEquals(List.of(new PrOutcome.Notice(A, ScsiError.RESERVATIONS_PREEMPTED)), o.unitAttentions());
    }

    @Test
    void preemptTakesOverTheReservation() throws ScsiException {
        register(A, 1);
        register(B, 2);
        register(C, 3);
        out(A, PersistentReserveOutCdb.RESERVE, 1, 1, 0);
        PrOutcome o = out(B, PersistentReserveOutCdb.PREEMPT_AND_ABORT, 3, 2, 1);
        PrState s = pr.snapshot();
        assertEquals(ReservationType.EXCLUSIVE_ACCESS, s.type());
        assertTrue(s.holder().sameAs(B));
        assertEquals(2, s.registrations().size());
        assertEquals(List.of(A), o.preempted());
        assertTrue(o.unitAttentions().contains(new PrOutcome.Notice(A, ScsiError.REGISTRATIONS_PREEMPTED)));
        assertTrue(o.unitAttentions().contains(new PrOutcome.Notice(C, ScsiError.RESERVATIONS_RELEASED)));
    }

    @Test
    void preemptWithoutReservationRemovesRegistrations() throws ScsiException {
        register(A, 1);
        register(B, 2);
        PrOutcome o = out(A, PersistentReserveOutCdb.PREEMPT, 0, 1, 2);
        assertEquals(1, pr.snapshot().registrations().size());
        assertTrue(o.preempted().isEmpty(), "plain PREEMPT aborts nothing");
        assertConflict(() -> out(A, PersistentReserveOutCdb.PREEMPT, 0, 1, 0x77)); // nobody has key 0x77
        ScsiException e = assertThrows(ScsiException.class, () -> out(A, PersistentReserveOutCdb.PREEMPT, 0, 1, 0));
        assertEquals(ScsiError.INVALID_FIELD_IN_PARAMETER_LIST, e.sense().error());
    }

    @Test
    void preemptOfAllRegistrantsWithKeyZero() throws ScsiException {
        register(A, 1);
        register(B, 2);
        out(A, PersistentReserveOutCdb.RESERVE, 7, 1, 0);
        out(B, PersistentReserveOutCdb.PREEMPT, 1, 2, 0);
        PrState s = pr.snapshot();
        assertEquals(ReservationType.WRITE_EXCLUSIVE, s.type());
        assertTrue(s.holder().sameAs(B));
        assertEquals(1, s.registrations().size());
    }

    @Test
    void registerAndMove() throws ScsiException {
        register(A, 1);
        out(A, PersistentReserveOutCdb.RESERVE, 3, 1, 0);
        byte[] tid = transportId("iqn.b,i,0x01");
        pr.out(A, PersistentReserveOutCdb.REGISTER_AND_MOVE, 0, 3,
                new PrOutParameters(1, 9, false, false, false, true, 1, List.of("iqn.b,i,0x01"), List.of(tid)));
        PrState s = pr.snapshot();
        assertTrue(s.holder().sameAs(B));
        assertEquals(1, s.registrations().size(), "UNREG removed the source registration");
        assertEquals(9, s.registrations().get(0).key());
    }

    @Test
    void specifyInitiatorPortsRegistersThemToo() throws ScsiException {
        byte[] p = new byte[28 + 20];
        p[15] = 0x10; // SARK 0x10
        p[20] = 0x08; // SPEC_I_PT
        p[27] = 20;   // transport id list length
        System.arraycopy(transportId("iqn.c,i,0x01"), 0, p, 28, 20);
        PrOutParameters params = PrOutParameters.parse(PersistentReserveOutCdb.REGISTER, p);
        assertEquals(List.of("iqn.c,i,0x01"), params.transportIds());
        pr.out(A, PersistentReserveOutCdb.REGISTER, 0, 0, params);
        assertTrue(pr.isRegistered(A));
        assertTrue(pr.isRegistered(C));
    }

    @Test
    void parameterListLengthMustBe24() {
        ScsiException e = assertThrows(ScsiException.class,
                () -> PrOutParameters.parse(PersistentReserveOutCdb.REGISTER, new byte[25]));
        assertEquals(ScsiError.PARAMETER_LIST_LENGTH_ERROR, e.sense().error());
    }

    @Test
    void aptplStateSurvivesARestart() throws Exception {
        pr.out(A, PersistentReserveOutCdb.REGISTER, 0, 0, params(0, 0xabc, true));
        pr.out(B, PersistentReserveOutCdb.REGISTER, 0, 0, params(0, 0xdef, true));
        pr.out(A, PersistentReserveOutCdb.RESERVE, 0, 6, params(0xabc, 0, true));
        Path f = dir.resolve("disk0");
        assertTrue(Files.exists(f));
        PersistentReservations again = new PersistentReservations(f);
        PrState s = again.snapshot();
        assertEquals(ReservationType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, s.type());
        assertTrue(s.holder().sameAs(A));
        assertEquals(2, s.registrations().size());
        assertEquals(s.generation(), pr.snapshot().generation());
        assertTrue(again.conflicts(C, AccessKind.READ));
        assertEquals(List.of((byte) 0x45, (byte) 0, (byte) 0, (byte) 4),
                List.of(s.registrations().get(0).nexus().transportId()[0], s.registrations().get(0).nexus().transportId()[1],
                        s.registrations().get(0).nexus().transportId()[2], s.registrations().get(0).nexus().transportId()[3]));
    }

    @Test
    void withoutAptplNothingSurvives() throws Exception {
        pr.out(A, PersistentReserveOutCdb.REGISTER, 0, 0, params(0, 0xabc, true));
        pr.out(A, PersistentReserveOutCdb.REGISTER, 0, 0, params(0xabc, 0xabc, false)); // APTPL cleared
        assertFalse(Files.exists(dir.resolve("disk0")));
        assertTrue(new PersistentReservations(dir.resolve("disk0")).snapshot().registrations().isEmpty());
    }

    @Test
    void corruptStateFileIsReportedAndIgnored() throws Exception {
        Files.writeString(dir.resolve("bad"), "generation x\n", StandardCharsets.UTF_8);
        assertTrue(new PersistentReservations(dir.resolve("bad")).snapshot().registrations().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrState.decode("aptpl 1\nreservation 3 0 iqn.z,i,0x1 1\n"));
        assertTrue(e.getMessage().contains("not registered"));
    }

    @Test
    void stateCodecRoundTrip() throws ScsiException {
        register(A, 0x8000000000000001L);
        out(A, PersistentReserveOutCdb.RESERVE, 1, 0x8000000000000001L, 0);
        PrState s = pr.snapshot();
        PrState back = PrState.decode(s.encode());
        assertEquals(s.encode(), back.encode());
        assertEquals(0x8000000000000001L, back.registrations().get(0).key());
    }

    static byte[] transportId(String port) {
        byte[] name = port.getBytes(StandardCharsets.UTF_8);
        int len = (name.length + 1 + 3) & ~3;
        byte[] t = new byte[4 + len];
        t[0] = 0x45;
        t[3] = (byte) len;
        System.arraycopy(name, 0, t, 4, name.length);
        return t;
    }
}
