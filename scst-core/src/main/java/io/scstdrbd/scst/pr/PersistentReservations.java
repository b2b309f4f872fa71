package io.scstdrbd.scst.pr;

import io.scstdrbd.scst.cdb.PersistentReserveOutCdb;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent reservation state machine of one logical unit (SPC-4 5.9): registrations,
 * the reservation and its type, the PRgeneration, and APTPL persistence. With APTPL set the
 * state is written to a file before the command completes and loaded again at start-up; with
 * APTPL clear the file is removed.
 *
 * <p>Threading: all methods are synchronized; {@link #out} may write the state file and should
 * not run on an event loop. {@link #conflicts} is the per-command fast path.
 */
public final class PersistentReservations {
    private static final Logger LOG = LoggerFactory.getLogger(PersistentReservations.class);

    private final Path file;
    private final Map<String, Registration> regs = new LinkedHashMap<>();
    private long generation;
    private boolean aptpl;
    private ReservationType type;
    private int scope;
    private PrNexus holder;
    /** Fast path: no reservation, no conflict. */
    private volatile boolean reserved;

    /** @param file the APTPL state file, or null (no persistence) */
    public PersistentReservations(Path file) {
        this.file = file;
        load();
    }

    private void load() {
        if (file == null || !Files.isReadable(file)) {
            return;
        }
        try {
            PrState s = PrState.decode(Files.readString(file, StandardCharsets.UTF_8));
            if (!s.aptpl()) {
                return;
            }
            for (Registration r : s.registrations()) {
                regs.put(r.nexus().id(), r);
            }
            generation = s.generation();
            aptpl = true;
            type = s.type();
            scope = s.scope();
            holder = s.holder();
            reserved = type != null;
            LOG.info("{}: restored {} persistent reservation registration(s){}", file, regs.size(),
                    type != null ? ", reservation type " + type : "");
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("cannot restore persistent reservations from {}: {}", file, e.getMessage());
        }
    }

    public synchronized PrState snapshot() {
        return new PrState(generation, aptpl, new ArrayList<>(regs.values()), type, scope, holder);
    }

    /** The registration of {@code who}: its exact I_T nexus, or one registered by initiator name only. */
    private Registration find(PrNexus who) {
        Registration r = regs.get(who.id());
        if (r != null) {
            return r;
        }
        int sep = who.initiatorPort().indexOf(",i,0x");
        if (sep > 0) {
            return regs.get(new PrNexus(who.initiatorPort().substring(0, sep), who.relativeTargetPort(), null).id());
        }
        return null;
    }

    private boolean isHolder(PrNexus who, Registration mine) {
        if (type == null || mine == null) {
            return false;
        }
        return type.allRegistrants() || (holder != null && holder.sameAs(mine.nexus()));
    }

    public synchronized boolean isRegistered(PrNexus who) {
        return find(who) != null;
    }

    /** True if the LU is reserved by someone other than {@code who} in a way that forbids this access. */
    public boolean conflicts(PrNexus who, AccessKind access) {
        if (!reserved || access == AccessKind.ALWAYS) {
            return false;
        }
        synchronized (this) {
            if (type == null) {
                return false;
            }
            Registration mine = find(who);
            if (isHolder(who, mine)) {
                return false;
            }
            if (mine != null && type.registrantsHaveAccess()) {
                return false;
            }
            return access == AccessKind.WRITE || type.exclusiveAccess();
        }
    }

    /** True if a persistent reservation exists (RESERVE(6/10) then conflict). */
    public boolean reserved() {
        return reserved;
    }

    /** Executes a PERSISTENT RESERVE OUT service action for {@code who}. */
    public synchronized PrOutcome out(PrNexus who, int serviceAction, int scopeCode, int typeCode,
                                      PrOutParameters p) throws ScsiException {
        PrOutcome result;
        switch (serviceAction) {
            case PersistentReserveOutCdb.REGISTER:
                result = register(who, p, false);
                break;
            case PersistentReserveOutCdb.REGISTER_AND_IGNORE_EXISTING_KEY:
                result = register(who, p, true);
                break;
            case PersistentReserveOutCdb.RESERVE:
                result = reserve(who, p, scopeCode, typeCode);
                break;
            case PersistentReserveOutCdb.RELEASE:
                result = release(who, p, scopeCode, typeCode);
                break;
            case PersistentReserveOutCdb.CLEAR:
                result = clear(who, p);
                break;
            case PersistentReserveOutCdb.PREEMPT:
            case PersistentReserveOutCdb.PREEMPT_AND_ABORT:
                result = preempt(who, p, scopeCode, typeCode, serviceAction == PersistentReserveOutCdb.PREEMPT_AND_ABORT);
                break;
            case PersistentReserveOutCdb.REGISTER_AND_MOVE:
                result = registerAndMove(who, p, scopeCode, typeCode);
                break;
            default:
                throw ScsiException.invalidCdbField(1, 4);
        }
        reserved = type != null;
        persist();
        return result;
    }

    private Registration requireRegistered(PrNexus who, long key) throws ScsiException {
        Registration mine = find(who);
        if (mine == null || mine.key() != key) {
            throw ScsiException.reservationConflict();
        }
        return mine;
    }

    private PrOutcome register(PrNexus who, PrOutParameters p, boolean ignoreKey) throws ScsiException {
        if (p.allTgPt()) {
            // one target port per target here: ALL_TG_PT is not supported (ATP_C = 0)
            throw ScsiException.invalidParameter(20, 2);
        }
        Registration mine = find(who);
        if (mine == null) {
            if (!ignoreKey && p.key() != 0) {
                throw ScsiException.reservationConflict();
            }
            if (p.specIPt() && ignoreKey) {
                throw ScsiException.invalidParameter(20, 3);
            }
            if (p.serviceActionKey() == 0) {
                return PrOutcome.NONE;
            }
            List<PrNexus> add = new ArrayList<>();
            add.add(who);
            for (int i = 0; i < p.transportIds().size(); i++) {
                PrNexus n = new PrNexus(p.transportIds().get(i), who.relativeTargetPort(), p.transportIdBytes().get(i));
                if (regs.containsKey(n.id())) {
                    throw ScsiException.invalidParameter(28, -1);
                }
                add.add(n);
            }
            for (PrNexus n : add) {
                regs.put(n.id(), new Registration(n, p.serviceActionKey()));
            }
            aptpl = p.aptpl();
            generation++;
            return PrOutcome.NONE;
        }
        if (!ignoreKey && mine.key() != p.key()) {
            throw ScsiException.reservationConflict();
        }
        if (p.specIPt()) {
            throw ScsiException.invalidParameter(20, 3);
        }
        List<PrOutcome.Notice> notices = new ArrayList<>();
        if (p.serviceActionKey() == 0) {
            boolean wasHolder = isHolder(who, mine);
            regs.remove(mine.nexus().id());
            if (wasHolder && (!type.allRegistrants() || regs.isEmpty())) {
                ReservationType released = type;
                type = null;
                holder = null;
                if (released == ReservationType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY
                        || released == ReservationType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY) {
                    for (Registration r : regs.values()) {
                        notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.RESERVATIONS_RELEASED));
                    }
                }
            }
        } else {
            regs.put(mine.nexus().id(), new Registration(mine.nexus(), p.serviceActionKey()));
        }
        aptpl = p.aptpl();
        generation++;
        return new PrOutcome(notices, List.of());
    }

    private static ReservationType checkTypeAndScope(int scopeCode, int typeCode) throws ScsiException {
        if (scopeCode != 0) {
            throw ScsiException.invalidCdbField(2, 7);
        }
        ReservationType t = ReservationType.fromCode(typeCode);
        if (t == null) {
            throw ScsiException.invalidCdbField(2, 3);
        }
        return t;
    }

    private PrOutcome reserve(PrNexus who, PrOutParameters p, int scopeCode, int typeCode) throws ScsiException {
        ReservationType t = checkTypeAndScope(scopeCode, typeCode);
        Registration mine = requireRegistered(who, p.key());
        if (type != null) {
            if (!isHolder(who, mine) || type != t || scope != scopeCode) {
                throw ScsiException.reservationConflict();
            }
            return PrOutcome.NONE;
        }
        type = t;
        scope = scopeCode;
        holder = t.allRegistrants() ? null : mine.nexus();
        return PrOutcome.NONE;
    }

    private PrOutcome release(PrNexus who, PrOutParameters p, int scopeCode, int typeCode) throws ScsiException {
        Registration mine = requireRegistered(who, p.key());
        if (type == null || !isHolder(who, mine)) {
            return PrOutcome.NONE;
        }
        if (scopeCode != scope || typeCode != type.code()) {
            throw ScsiException.of(ScsiError.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        }
        ReservationType released = type;
        type = null;
        holder = null;
        List<PrOutcome.Notice> notices = new ArrayList<>();
        if (released.registrantsHaveAccess()) {
            for (Registration r : regs.values()) {
                if (!r.nexus().sameAs(mine.nexus())) {
                    notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.RESERVATIONS_RELEASED));
                }
            }
        }
        return new PrOutcome(notices, List.of());
    }

    private PrOutcome clear(PrNexus who, PrOutParameters p) throws ScsiException {
        Registration mine = requireRegistered(who, p.key());
        List<PrOutcome.Notice> notices = new ArrayList<>();
        for (Registration r : regs.values()) {
            if (!r.nexus().sameAs(mine.nexus())) {
                notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.RESERVATIONS_PREEMPTED));
            }
        }
        regs.clear();
        type = null;
        holder = null;
        generation++;
        return new PrOutcome(notices, List.of());
    }

    private PrOutcome preempt(PrNexus who, PrOutParameters p, int scopeCode, int typeCode, boolean abort)
            throws ScsiException {
        Registration mine = requireRegistered(who, p.key());
        long sark = p.serviceActionKey();
        List<PrOutcome.Notice> notices = new ArrayList<>();
        List<PrNexus> preempted = new ArrayList<>();
        if (type == null || (type.allRegistrants() && sark != 0) || (!type.allRegistrants() && holderKey() != sark)) {
            // no reservation to take over: remove the registrations with that key
            if (sark == 0) {
                throw ScsiException.invalidParameter(8, -1);
            }
            removeByKey(sark, mine, notices, preempted);
            if (preempted.isEmpty()) {
                throw ScsiException.reservationConflict();
            }
            generation++;
            return new PrOutcome(notices, abort ? preempted : List.of());
        }
        ReservationType t = checkTypeAndScope(scopeCode, typeCode);
        if (type.allRegistrants()) {
            // SARK 0: everyone else loses its registration; the preempter holds the new reservation
            for (Registration r : new ArrayList<>(regs.values())) {
                if (!r.nexus().sameAs(mine.nexus())) {
                    regs.remove(r.nexus().id());
                    preempted.add(r.nexus());
                    notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.REGISTRATIONS_PREEMPTED));
                }
            }
        } else {
            removeByKey(sark, mine, notices, preempted);
        }
        boolean changed = type != t || scope != scopeCode;
        type = t;
        scope = scopeCode;
        holder = t.allRegistrants() ? null : mine.nexus();
        if (changed) {
            for (Registration r : regs.values()) {
                if (!r.nexus().sameAs(mine.nexus())) {
                    notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.RESERVATIONS_RELEASED));
                }
            }
        }
        generation++;
        return new PrOutcome(notices, abort ? preempted : List.of());
    }

    private long holderKey() {
        if (holder == null) {
            return 0;
        }
        Registration h = regs.get(holder.id());
        return h == null ? 0 : h.key();
    }

    private void removeByKey(long key, Registration mine, List<PrOutcome.Notice> notices, List<PrNexus> removed) {
        for (Registration r : new ArrayList<>(regs.values())) {
            if (r.key() == key && !r.nexus().sameAs(mine.nexus())) {
                regs.remove(r.nexus().id());
                removed.add(r.nexus());
                notices.add(new PrOutcome.Notice(r.nexus(), ScsiError.REGISTRATIONS_PREEMPTED));
            }
        }
    }

    private PrOutcome registerAndMove(PrNexus who, PrOutParameters p, int scopeCode, int typeCode)
            throws ScsiException {
        Registration mine = find(who);
        if (mine == null) {
            throw ScsiException.reservationConflict();
        }
        if (mine.key() != p.key()) {
            throw ScsiException.reservationConflict();
        }
        if (p.serviceActionKey() == 0) {
            throw ScsiException.invalidParameter(8, -1);
        }
        ReservationType t = checkTypeAndScope(scopeCode, typeCode);
        if (type == null || type.allRegistrants() || !isHolder(who, mine)) {
            throw ScsiException.reservationConflict();
        }
        PrNexus dest = new PrNexus(p.transportIds().get(0), p.relativeTargetPort(), p.transportIdBytes().get(0));
        if (dest.sameAs(mine.nexus())) {
            throw ScsiException.invalidParameter(24, -1);
        }
        Registration existing = regs.get(dest.id());
        regs.put(dest.id(), new Registration(existing != null ? existing.nexus() : dest, p.serviceActionKey()));
        type = t;
        scope = scopeCode;
        holder = existing != null ? existing.nexus() : dest;
        if (p.unregister()) {
            regs.remove(mine.nexus().id());
        }
        aptpl = p.aptpl();
        generation++;
        return PrOutcome.NONE;
    }

    /** Writes (APTPL set) or removes (APTPL clear) the state file. */
    private void persist() throws ScsiException {
        if (file == null) {
            return;
        }
        try {
            if (!aptpl) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, snapshot().encode(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot write persistent reservations to {}: {}", file, e.toString());
            throw ScsiException.of(ScsiError.INSUFFICIENT_REGISTRATION_RESOURCES);
        }
    }
}
