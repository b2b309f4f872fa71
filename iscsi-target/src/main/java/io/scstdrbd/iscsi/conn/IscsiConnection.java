package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.iscsi.config.NegotiationKey;
import io.scstdrbd.iscsi.config.TargetParam;
import io.scstdrbd.iscsi.config.TargetSettings;
import io.scstdrbd.iscsi.discovery.SendTargets;
import io.scstdrbd.iscsi.login.LoginException;
import io.scstdrbd.iscsi.login.LoginNegotiator;
import io.scstdrbd.iscsi.login.LoginStatus;
import io.scstdrbd.iscsi.login.NegotiatedParameters;
import io.scstdrbd.iscsi.login.TextParameters;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.Ahs;
import io.scstdrbd.iscsi.pdu.DataIn;
import io.scstdrbd.iscsi.pdu.DataOut;
import io.scstdrbd.iscsi.pdu.LoginRequest;
import io.scstdrbd.iscsi.pdu.LoginResponse;
import io.scstdrbd.iscsi.pdu.LogoutRequest;
import io.scstdrbd.iscsi.pdu.LogoutResponse;
import io.scstdrbd.iscsi.pdu.Luns;
import io.scstdrbd.iscsi.pdu.NopIn;
import io.scstdrbd.iscsi.pdu.NopOut;
import io.scstdrbd.iscsi.pdu.PduFormatException;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.R2t;
import io.scstdrbd.iscsi.pdu.Reject;
import io.scstdrbd.iscsi.pdu.ScsiCommand;
import io.scstdrbd.iscsi.pdu.ScsiResponsePdu;
import io.scstdrbd.iscsi.pdu.TaskMgmtRequest;
import io.scstdrbd.iscsi.pdu.TaskMgmtResponse;
import io.scstdrbd.iscsi.pdu.TextRequest;
import io.scstdrbd.iscsi.pdu.TextResponse;
import io.scstdrbd.iscsi.session.CmdSnWindow;
import io.scstdrbd.iscsi.session.IscsiSession;
import io.scstdrbd.iscsi.session.SessionConnection;
import io.scstdrbd.iscsi.session.SessionIdentity;
import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.fabric.DataDirection;
import io.scstdrbd.scst.fabric.FabricCommand.DataOutCallback;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.TaskAttribute;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI connection (and, with MaxConnections 1, its session): login, then the full feature
 * phase: commands with CmdSN ordering, Data-Out collection and R2Ts, Data-In with status,
 * NOP-In keepalive, task management, Text, Logout, Reject.
 *
 * <p>Threading: every field is owned by the channel's event loop. The SCSI core's callbacks
 * arrive on other threads and are carried over with {@link #runOnLoop}. Nothing here blocks.
 *
 * <p>Buffers: received data segments are released here unless kept by a task's
 * {@link WriteTransfer}, which releases them when the command ends; Data-In goes out as slices of
 * the core's buffers, whose release callback runs once the last PDU is written.
 */
public final class IscsiConnection extends ChannelInboundHandlerAdapter implements SessionConnection {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);
    private static final int RESERVED = PduHeader.RESERVED_TAG;

    /** Life of the connection. */
    enum State {
        LOGIN,
        /** A login is complete and its session is being opened. */
        LOGIN_FINISHING,
        FULL_FEATURE,
        /** Logout answered or a fatal error: only the close remains. */
        CLOSING,
        CLOSED;

        boolean canMoveTo(State next) {
            switch (this) {
                case LOGIN: return next == LOGIN_FINISHING || next == CLOSING || next == CLOSED;
                case LOGIN_FINISHING: return next == FULL_FEATURE || next == CLOSING || next == CLOSED;
                case FULL_FEATURE: return next == CLOSING || next == CLOSED;
                case CLOSING: return next == CLOSED;
                default: return false;
            }
        }
    }

    private final PortalContext portal;
    private final FrameLimits limits = new FrameLimits();
    private final PduWriter writer = new PduWriter(limits);
    private final Map<Integer, IscsiTask> tasks = new HashMap<>();
    /** Non-immediate PDUs that arrived ahead of a CmdSN gap, by CmdSN. */
    private final Map<Integer, Object> held = new HashMap<>();

    private ChannelHandlerContext ctx;
    private String peer = "?";
    private State state = State.LOGIN;
    private LoginNegotiator login;
    private final ByteArrayOutputStream loginText = new ByteArrayOutputStream();
    private int statSN;
    private IscsiSession session;
    private NegotiatedParameters params = NegotiatedParameters.rfcDefaults();
    private TargetSettings settings = TargetSettings.defaults();
    private CmdSnWindow window;
    private int loginCmdSN;
    private int nextTtt = 1;
    private volatile int activeCommands;

    private ScheduledFuture<?> tick;
    private long lastReceiveNanos;
    private long createdNanos;
    private int pingTtt = RESERVED;
    private long pingSentNanos;

    private boolean inRead;
    private boolean flushPending;
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    private final TextExchange text = new TextExchange();

    public IscsiConnection(PortalContext portal) {
        this.portal = portal;
    }

    /** The frame decoder that must sit in front of this handler. */
    public io.netty.channel.ChannelHandler newDecoder() {
        return new PduFrameDecoder(limits);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            activate();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        activate();
        ctx.fireChannelActive();
    }

    private void activate() {
        if (login != null) {
            return;
        }
        createdNanos = now();
        lastReceiveNanos = createdNanos;
        if (ctx.channel().remoteAddress() != null) {
            peer = ctx.channel().remoteAddress().toString();
        }
        login = new LoginNegotiator(portal.config(), portal.random());
        tick = ctx.executor().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.debug("{}: connected", peer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.CLOSED) {
            move(State.CLOSED);
        }
        if (tick != null) {
            tick.cancel(false);
        }
        for (Object o : held.values()) {
            if (o instanceof InboundPdu p) {
                p.release();
            }
        }
        held.clear();
        for (IscsiTask t : new ArrayList<>(tasks.values())) {
            if (t.dataCallback != null && !t.dataDelivered) {
                DataOutCallback cb = t.dataCallback;
                t.dataCallback = null;
                cb.failed("connection closed");
            }
            if (!t.dataDelivered && t.write != null) {
                t.write.release(); // the core never saw these buffers
                t.write = null;
            }
            if (t.state == IscsiTask.State.HELD) {
                t.moveTo(IscsiTask.State.DONE); // never given to the core
            } else if (t.state == IscsiTask.State.RESPONDING) {
                t.response.release().run();
                t.response = null;
                finishTask(t);
            }
        }
        // buffers the core holds are released when it calls respond/aborted (it will: the session closes)
        tasks.values().removeIf(t -> t.state == IscsiTask.State.DONE);
        activeCommands = tasks.size();
        if (session != null) {
            portal.sessions().remove(session);
            session.close();
            LOG.info("{}: {} closed", peer, session);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.info("{}: connection error: {}", peer, cause.getMessage());
        } else {
            LOG.error("{}: unexpected error, closing the connection", peer, cause);
        }
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // backpressure: an initiator that does not read its responses gets no new commands read
        if (state == State.FULL_FEATURE) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    private volatile boolean draining;

    /**
     * Shutdown drain: new SCSI commands are answered BUSY; commands in progress (and the Data-Out
     * they still need) complete.
     */
    public void drain() {
        runOnLoop(() -> draining = true);
    }

    @Override
    public void terminate(String reason) {
        runOnLoop(() -> {
            if (state != State.CLOSED && ctx != null) {
                LOG.info("{}: closing the connection: {}", peer, reason);
                if (state != State.CLOSING) {
                    move(State.CLOSING);
                }
                flushNow();
                ctx.close();
            }
        });
    }

    @Override
    public int activeCommands() {
        return activeCommands;
    }

    /** Runs {@code r} on this connection's event loop (at once when already there). */
    void runOnLoop(Runnable r) {
        ChannelHandlerContext c = ctx;
        if (c == null || c.executor().inEventLoop()) {
            r.run();
        } else {
            c.executor().execute(r);
        }
    }

    private void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("connection " + state + " -> " + next);
        }
        state = next;
    }

    /** The event loop's clock (a mock in tests). */
    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void tick() {
        long now = now();
        if (state == State.LOGIN || state == State.LOGIN_FINISHING) {
            if (now - createdNanos > TimeUnit.MILLISECONDS.toNanos(portal.loginTimeoutMillis())) {
                LOG.warn("{}: login not completed within {} ms, closing", peer, portal.loginTimeoutMillis());
                ctx.close();
            }
            return;
        }
        if (state != State.FULL_FEATURE) {
            return;
        }
        long rspTimeout = TimeUnit.SECONDS.toNanos(settings.get(TargetParam.RSP_TIMEOUT));
        for (IscsiTask t : tasks.values()) {
            if (t.state != IscsiTask.State.HELD && now - t.startNanos > rspTimeout) {
                LOG.warn("{}: {} not answered within RspTimeout {} s, closing the connection", peer, t,
                        settings.get(TargetParam.RSP_TIMEOUT));
                ctx.close();
                return;
            }
        }
        long interval = settings.get(TargetParam.NOP_IN_INTERVAL);
        if (interval <= 0) {
            return;
        }
        if (pingTtt != RESERVED) {
            if (now - pingSentNanos > TimeUnit.SECONDS.toNanos(settings.get(TargetParam.NOP_IN_TIMEOUT))) {
                LOG.warn("{}: no answer to NOP-In within NopInTimeout {} s, closing the connection", peer,
                        settings.get(TargetParam.NOP_IN_TIMEOUT));
                ctx.close();
            }
            return;
        }
        if (now - lastReceiveNanos > TimeUnit.SECONDS.toNanos(interval)) {
            pingTtt = newTtt();
            pingSentNanos = now;
            LOG.debug("{}: idle, NOP-In ping TTT 0x{}", peer, Integer.toHexString(pingTtt));
            send(new NopIn(0, RESERVED, pingTtt, statSN, expCmdSN(), maxCmdSN()), null);
        }
    }

    // ---------------------------------------------------------------- receive

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        if (msg instanceof FramingError e) {
            framingError(e);
            return;
        }
        InboundPdu p = (InboundPdu) msg;
        lastReceiveNanos = now();
        pingTtt = RESERVED; // any PDU shows the initiator is alive
        try {
            switch (state) {
                case LOGIN:
                    onLoginPhasePdu(p);
                    break;
                case FULL_FEATURE:
                    onFullFeaturePdu(p);
                    break;
                default:
                    p.release(); // closing or waiting for the session: nothing more is accepted
                    if (state == State.LOGIN_FINISHING) {
                        protocolError(p.bhs(), Reject.PROTOCOL_ERROR, "PDU sent before the final login response");
                    }
            }
        } catch (RuntimeException e) {
            LOG.error("{}: error handling {}", peer, p.header(), e);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (flushPending) {
            flushNow();
        }
        ctx.fireChannelReadComplete();
    }

    private void framingError(FramingError e) {
        if (state == State.CLOSED) {
            return;
        }
        if (e.reason() >= 0 && e.bhs() != null) {
            protocolError(e.bhs(), e.reason(), e.message());
        } else {
            LOG.warn("{}: {}, closing the connection", peer, e.message());
            closeAfterFlush();
        }
    }

    /** Logs, sends a Reject carrying the offending header, and closes the connection. */
    private void protocolError(byte[] bhs, int reason, String message) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        LOG.warn("{}: protocol error: {}; rejecting and closing the connection", peer, message);
        sendReject(bhs, reason);
        closeAfterFlush();
    }

    private void closeAfterFlush() {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.CLOSING) {
            move(State.CLOSING);
        }
        flushPending = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    // ---------------------------------------------------------------- login

    private void onLoginPhasePdu(InboundPdu p) {
        if (!(p.header() instanceof LoginRequest h)) {
            p.release();
            LOG.warn("{}: {} during login, closing the connection", peer, p.header().opcode());
            closeAfterFlush();
            return;
        }
        byte[] data = ByteBufUtil.getBytes(p.data());
        p.release();
        if (login.state() == LoginNegotiator.State.INITIAL && loginText.size() == 0) {
            statSN = h.expStatSN();
            loginCmdSN = h.cmdSN();
        }
        if (loginText.size() + data.length > 64 * 1024) {
            loginFailed(h, new LoginException(LoginStatus.INITIATOR_ERROR, "login text longer than 64 KiB"));
            return;
        }
        loginText.write(data, 0, data.length);
        if (h.cont()) {
            // the initiator's text continues in the next PDU: acknowledge with an empty response
            sendLogin(h, false, h.csg(), 0, h.tsih(), List.of(), LoginStatus.SUCCESS);
            return;
        }
        List<Pair> keys;
        try {
            keys = TextParameters.decode(loginText.toByteArray());
        } catch (PduFormatException e) {
            loginFailed(h, new LoginException(LoginStatus.INITIATOR_ERROR, e.getMessage()));
            return;
        } finally {
            loginText.reset();
        }
        LOG.debug("{}: login request CSG {} NSG {} T {}: {}", peer, h.csg(), h.nsg(), h.transit(), keys);
        LoginNegotiator.Step step;
        try {
            step = login.process(h, keys);
        } catch (LoginException e) {
            loginFailed(h, e);
            return;
        }
        if (!step.complete()) {
            sendLogin(h, step.transit(), step.csg().code(), step.transit() ? step.nsg().code() : 0, h.tsih(),
                    step.keys(), LoginStatus.SUCCESS);
            return;
        }
        move(State.LOGIN_FINISHING);
        openSession(h, step);
    }

    private void loginFailed(LoginRequest h, LoginException e) {
        String who = login != null && login.initiatorName() != null ? login.initiatorName() : peer;
        LOG.warn("{}: login of {} failed ({}): {}", peer, who, e.status(), e.getMessage());
        if (h != null) {
            sendLogin(h, false, h.csg(), 0, h.tsih(), List.of(), e.status());
        }
        closeAfterFlush();
    }

    /** Opens (or reinstates) the session off the event loop, then sends the final login response. */
    private void openSession(LoginRequest h, LoginNegotiator.Step step) {
        SessionIdentity id = new SessionIdentity(login.initiatorName(), login.isid(), login.targetName());
        int maxSessions = login.target() != null ? (int) login.target().settings().get(TargetParam.MAX_SESSIONS) : 0;
        NegotiatedParameters negotiated = login.parameters();
        SessionOpener.open(portal, id, h.tsih(), maxSessions, login.initiatorName(), login.targetName(), peer,
                new SessionOpener.Callback() {
                    @Override
                    public void opened(int tsih, ScsiSession scsi) {
                        runOnLoop(() -> finishLogin(h, step, id, tsih, scsi, negotiated));
                    }

                    @Override
                    public void failed(LoginException e) {
                        runOnLoop(() -> loginFailed(h, e));
                    }

                    @Override
                    public void endedByCore() {
                        terminate("the session was ended by a TARGET COLD RESET");
                    }
                });
    }

    private void finishLogin(LoginRequest h, LoginNegotiator.Step step, SessionIdentity id, int tsih,
                             ScsiSession scsi, NegotiatedParameters negotiated) {
        if (state != State.LOGIN_FINISHING || !ctx.channel().isActive()) {
            portal.sessions().cancel(tsih);
            if (scsi != null) {
                scsi.close();
            }
            return;
        }
        params = negotiated;
        settings = login.target() != null ? login.target().settings() : TargetSettings.defaults();
        window = new CmdSnWindow(loginCmdSN, settings.queuedCommands());
        session = new IscsiSession(id, tsih, scsi, params, this);
        portal.sessions().add(session);
        LOG.info("{}: {} logged in{}: {}", peer, session,
                login.chapUser() != null ? " (CHAP user " + login.chapUser() + ")" : "", params);
        sendLogin(h, true, step.csg().code(), step.nsg().code(), tsih, step.keys(), LoginStatus.SUCCESS);
        // digests and the negotiated segment size apply from the next PDU on
        limits.headerDigest = params.headerDigest();
        limits.dataDigest = params.dataDigest();
        limits.maxDataSegmentLength = params.maxRecvDataSegmentLength();
        move(State.FULL_FEATURE);
        flushNow();
    }

    private void sendLogin(LoginRequest h, boolean transit, int csg, int nsg, int tsih, List<Pair> keys,
                           LoginStatus status) {
        int exp = window != null ? window.expCmdSN() : loginCmdSN;
        int max = window != null ? window.maxCmdSN() : loginCmdSN;
        LoginResponse r = new LoginResponse(transit, false, csg, nsg, 0, 0, h.isid(), tsih, h.itt(), statSN++, exp,
                max, status.statusClass(), status.detail());
        LOG.debug("{}: login response T {} CSG {} NSG {} status {}: {}", peer, transit, csg, nsg, status, keys);
        send(r, TextParameters.encode(keys));
    }

    // ---------------------------------------------------------------- full feature phase

    private void onFullFeaturePdu(InboundPdu p) {
        PduHeader h = p.header();
        if (h.opcode() == null) {
            p.release();
            LOG.warn("{}: unknown opcode 0x{}, rejected", peer, Integer.toHexString(p.bhs()[0] & 0x3f));
            sendReject(p.bhs(), Reject.COMMAND_NOT_SUPPORTED);
            return;
        }
        if (!p.dataDigestOk()) {
            p.release();
            sendReject(p.bhs(), Reject.DATA_DIGEST_ERROR);
            if (h instanceof ScsiCommand || h instanceof DataOut) {
                // at ErrorRecoveryLevel 0 lost write data cannot be recovered: session recovery
                LOG.warn("{}: data digest error in {}, closing the connection", peer, h.opcode());
                closeAfterFlush();
            } else {
                LOG.warn("{}: data digest error in {}, PDU rejected", peer, h.opcode());
            }
            return;
        }
        switch (h.opcode()) {
            case SCSI_COMMAND:
                onScsiCommand(p, (ScsiCommand) h);
                break;
            case DATA_OUT:
                onDataOut(p, (DataOut) h);
                break;
            case NOP_OUT: {
                NopOut n = (NopOut) h;
                if (n.itt() == RESERVED) {
                    p.release(); // answer to our ping (or a pure ExpStatSN update): no response
                    return;
                }
                ordered(p, n.cmdSN(), n.immediate());
                break;
            }
            case TEXT_REQUEST:
                ordered(p, ((TextRequest) h).cmdSN(), h.immediate());
                break;
            case TASK_MGMT_REQUEST:
                ordered(p, ((TaskMgmtRequest) h).cmdSN(), h.immediate());
                break;
            case LOGOUT_REQUEST:
                ordered(p, ((LogoutRequest) h).cmdSN(), h.immediate());
                break;
            case SNACK_REQUEST:
                p.release();
                LOG.info("{}: SNACK at ErrorRecoveryLevel 0 rejected", peer);
                sendReject(p.bhs(), Reject.COMMAND_NOT_SUPPORTED);
                break;
            case LOGIN_REQUEST:
                p.release();
                protocolError(p.bhs(), Reject.PROTOCOL_ERROR, "Login Request in full feature phase");
                break;
            default:
                p.release();
                protocolError(p.bhs(), Reject.PROTOCOL_ERROR, "target opcode " + h.opcode() + " sent by the initiator");
        }
    }

    /** CmdSN ordering of non-SCSI requests (NOP-Out, Text, TMF, Logout). */
    private void ordered(InboundPdu p, int cmdSN, boolean immediate) {
        if (immediate) {
            dispatchOrdered(p);
            return;
        }
        switch (window.position(cmdSN)) {
            case IN_ORDER:
                window.acceptCompleted();
                dispatchOrdered(p);
                drainHeld();
                break;
            case AHEAD:
                holdOrDrop(cmdSN, p);
                break;
            default:
                LOG.debug("{}: {} with CmdSN {} outside the window [{}, {}], ignored", peer, p.header().opcode(),
                        Integer.toUnsignedString(cmdSN), Integer.toUnsignedString(expCmdSN()),
                        Integer.toUnsignedString(maxCmdSN()));
                p.release();
        }
    }

    private void holdOrDrop(int cmdSN, Object item) {
        if (held.containsKey(cmdSN)) {
            LOG.debug("{}: duplicate CmdSN {} ignored", peer, Integer.toUnsignedString(cmdSN));
            if (item instanceof InboundPdu p) {
                p.release();
            } else {
                discardTask((IscsiTask) item);
            }
            return;
        }
        held.put(cmdSN, item);
    }

    /** Delivers held PDUs whose turn has come. */
    private void drainHeld() {
        while (!held.isEmpty() && state == State.FULL_FEATURE) {
            Object item = held.remove(window.expCmdSN());
            if (item == null) {
                return;
            }
            if (item instanceof IscsiTask t) {
                window.acceptHoldingSlot();
                execute(t);
            } else {
                window.acceptCompleted();
                dispatchOrdered((InboundPdu) item);
            }
        }
    }

    private void dispatchOrdered(InboundPdu p) {
        switch (p.header().opcode()) {
            case NOP_OUT:
                onNopOut(p, (NopOut) p.header());
                break;
            case TEXT_REQUEST:
                onText(p, (TextRequest) p.header());
                break;
            case TASK_MGMT_REQUEST:
                p.release();
                onTaskManagement((TaskMgmtRequest) p.header());
                break;
            case LOGOUT_REQUEST:
                p.release();
                onLogout((LogoutRequest) p.header());
                break;
            default:
                p.release();
                throw new IllegalStateException("not an ordered PDU: " + p.header());
        }
    }

    // ---------------------------------------------------------------- SCSI commands

    private void onScsiCommand(InboundPdu p, ScsiCommand h) {
        CmdSnWindow.Position pos = h.immediate() ? CmdSnWindow.Position.IN_ORDER : window.position(h.cmdSN());
        if (pos == CmdSnWindow.Position.OUTSIDE) {
            LOG.debug("{}: SCSI command CmdSN {} outside the window [{}, {}], ignored", peer,
                    Integer.toUnsignedString(h.cmdSN()), Integer.toUnsignedString(expCmdSN()),
                    Integer.toUnsignedString(maxCmdSN()));
            p.release();
            return;
        }
        if (session.discovery()) {
            p.release();
            protocolError(p.bhs(), Reject.PROTOCOL_ERROR, "SCSI command in a discovery session");
            return;
        }
        if (draining && pos == CmdSnWindow.Position.IN_ORDER) {
            // the target is stopping: no new work; the initiator may retry elsewhere or later
            p.release();
            if (!h.immediate()) {
                window.acceptCompleted();
            }
            send(new ScsiResponsePdu(false, false, false, false, 0, ScsiResponse.BUSY, h.itt(), 0, statSN++,
                    expCmdSN(), maxCmdSN(), 0, 0, 0), null);
            return;
        }
        if (tasks.containsKey(h.itt())) {
            p.release();
            protocolError(p.bhs(), Reject.TASK_IN_PROGRESS, "ITT 0x" + Integer.toHexString(h.itt()) + " already in use");
            return;
        }
        IscsiTask t;
        try {
            t = newTask(p, h);
        } catch (PduFormatException e) {
            protocolError(p.bhs(), e.rejectReason(), e.getMessage());
            return;
        }
        tasks.put(t.itt, t);
        activeCommands = tasks.size();
        if (h.immediate()) {
            execute(t);
        } else if (pos == CmdSnWindow.Position.IN_ORDER) {
            window.acceptHoldingSlot();
            execute(t);
            drainHeld();
        } else {
            holdOrDrop(h.cmdSN(), t);
        }
    }

    /** Builds the task; takes ownership of the PDU's data. */
    private IscsiTask newTask(InboundPdu p, ScsiCommand h) throws PduFormatException {
        ByteBuf data = p.data();
        boolean ownsData = true;
        try {
            Ahs ahs = Ahs.parse(p.ahs());
            byte[] ext = ahs.extendedCdb();
            byte[] cdb = new byte[ScsiCommand.CDB_BYTES + ext.length];
            h.copyCdb(cdb, 0);
            System.arraycopy(ext, 0, cdb, ScsiCommand.CDB_BYTES, ext.length);
            DataDirection dir = h.read() && h.write() ? DataDirection.BIDIRECTIONAL
                    : h.read() ? DataDirection.READ : h.write() ? DataDirection.WRITE : DataDirection.NONE;
            long edtl = h.expectedDataTransferLength();
            long readLength = dir == DataDirection.BIDIRECTIONAL ? Math.max(0, ahs.bidiReadLength())
                    : dir == DataDirection.READ ? edtl : 0;
            int dsl = data.readableBytes();
            if (dsl > 0) {
                if (!h.write()) {
                    throw new PduFormatException("immediate data on a command without the W bit");
                }
                if (!params.immediateData()) {
                    throw new PduFormatException("immediate data but ImmediateData=No");
                }
                if (dsl > params.firstBurstLength() || dsl > edtl) {
                    throw new PduFormatException("immediate data of " + dsl + " bytes exceeds FirstBurstLength "
                            + params.firstBurstLength() + " or EDTL " + edtl);
                }
            }
            if (!h.finalFlag() && !h.write()) {
                throw new PduFormatException("F bit clear on a command without the W bit");
            }
            IscsiTask t = new IscsiTask(this, h.itt(), h.lun(), Luns.decode(h.lun()), h.cmdSN(), h.immediate(), cdb,
                    TaskAttribute.fromIscsi(h.attr()), dir, edtl, readLength, now());
            if (h.write() && edtl > 0) {
                ownsData = false;
                t.write = new WriteTransfer(edtl, data, h.finalFlag(), params);
            }
            return t;
        } finally {
            if (ownsData) {
                data.release();
            }
        }
    }

    private void execute(IscsiTask t) {
        t.moveTo(IscsiTask.State.EXECUTING);
        try {
            session.scsi().execute(t);
        } catch (RuntimeException e) {
            LOG.error("{}: the SCSI core failed on {}", peer, t, e);
            onRespond(t, ScsiResponse.status(ScsiResponse.BUSY));
        }
    }

    private void onDataOut(InboundPdu p, DataOut h) {
        IscsiTask t = tasks.get(h.itt());
        if (t == null || t.write == null || t.state == IscsiTask.State.DONE) {
            // late data of a finished or aborted command: received and dropped
            LOG.debug("{}: Data-Out for unknown ITT 0x{} dropped", peer, Integer.toHexString(h.itt()));
            p.release();
            return;
        }
        try {
            t.write.onDataOut(h, p.data());
        } catch (PduFormatException e) {
            // the framing is intact: fail this command (the core answers it with CHECK CONDITION)
            // and keep the connection
            LOG.warn("{}: {}: {}; the command fails", peer, t, e.getMessage());
            t.write.fail();
            if (t.dataCallback != null) {
                DataOutCallback cb = t.dataCallback;
                t.dataCallback = null;
                cb.failed("data-out sequence error: " + e.getMessage());
            }
        }
        progress(t);
    }

    /** Core: the command needs its data. */
    void onReceiveData(IscsiTask t, long length, DataOutCallback cb) {
        if (state != State.FULL_FEATURE || t.state != IscsiTask.State.EXECUTING || tasks.get(t.itt) != t) {
            cb.failed(state == State.FULL_FEATURE ? "command no longer active" : "connection closed");
            return;
        }
        if (t.dataCallback != null || t.dataDelivered) {
            cb.failed("receiveData called twice");
            return;
        }
        if (length == 0) {
            cb.received(new ByteBuffer[0]);
            return;
        }
        if (t.write == null || length > t.edtl) {
            cb.failed("the initiator announced no such data-out (EDTL " + t.edtl + ", W bit "
                    + (t.write != null) + ")");
            return;
        }
        if (t.write.failed()) {
            cb.failed("data-out sequence error");
            return;
        }
        t.dataCallback = cb;
        t.write.want(length);
        progress(t);
    }

    /** Moves a write along: hands complete data to the core, sends R2Ts, sends a deferred response. */
    private void progress(IscsiTask t) {
        WriteTransfer w = t.write;
        if (w == null) {
            return;
        }
        if (t.dataCallback != null && !t.dataDelivered && w.complete()) {
            t.dataDelivered = true;
            DataOutCallback cb = t.dataCallback;
            t.dataCallback = null;
            cb.received(w.buffers());
        }
        if (t.state == IscsiTask.State.EXECUTING && w.wantKnown()) {
            for (WriteTransfer.R2tRequest r : w.nextR2ts(this::newTtt)) {
                send(new R2t(t.lunField, t.itt, r.ttt(), statSN, expCmdSN(), maxCmdSN(), r.r2tSN(), (int) r.offset(),
                        r.length()), null);
            }
        }
        if (t.state == IscsiTask.State.RESPONDING && w.quiescent()) {
            sendResponse(t, t.response);
        }
    }

    /** Core: the command is done. */
    void onRespond(IscsiTask t, ScsiResponse r) {
        if (t.state == IscsiTask.State.DONE || t.state == IscsiTask.State.RESPONDING) {
            r.release().run();
            return;
        }
        if (t.write != null) {
            t.write.releaseData(); // the core is done with the data; late Data-Out is still checked
        }
        t.dataCallback = null;
        if (state != State.FULL_FEATURE || tasks.get(t.itt) != t) {
            finishTask(t);
            r.release().run();
            return;
        }
        t.moveTo(IscsiTask.State.RESPONDING);
        t.response = r;
        if (t.write == null || t.write.quiescent()) {
            sendResponse(t, r);
        }
        // else the response goes out when the initiator's outstanding Data-Out has arrived
    }

    /** Core: the command was aborted (task management or session close): nothing is sent. */
    void onAborted(IscsiTask t) {
        if (t.state == IscsiTask.State.DONE) {
            return;
        }
        if (t.state == IscsiTask.State.RESPONDING && t.response != null) {
            t.response.release().run();
        }
        t.dataCallback = null;
        finishTask(t);
    }

    private void finishTask(IscsiTask t) {
        if (t.write != null) {
            t.write.release();
            t.write = null;
        }
        if (t.state != IscsiTask.State.DONE) {
            boolean wasHeld = t.state == IscsiTask.State.HELD;
            t.moveTo(IscsiTask.State.DONE);
            if (tasks.get(t.itt) == t) {
                tasks.remove(t.itt);
                activeCommands = tasks.size();
                if (!t.immediate && !wasHeld && window != null) {
                    window.release();
                }
            }
        }
    }

    private void discardTask(IscsiTask t) {
        if (tasks.get(t.itt) == t) {
            tasks.remove(t.itt);
            activeCommands = tasks.size();
        }
        if (t.write != null) {
            t.write.release();
            t.write = null;
        }
        t.moveTo(IscsiTask.State.DONE);
    }

    /** Sends Data-In (status piggybacked when possible) and/or the SCSI Response. */
    private void sendResponse(IscsiTask t, ScsiResponse r) {
        int r2ts = t.write != null ? t.write.r2tsSent() : 0;
        finishTask(t);
        t.response = null;
        if (state != State.FULL_FEATURE) {
            r.release().run();
            return;
        }
        long expected = t.direction == DataDirection.BIDIRECTIONAL ? t.readLength : t.edtl;
        Residual res = Residual.of(r.residualBase(), expected);
        long readLimit = t.direction == DataDirection.READ || t.direction == DataDirection.BIDIRECTIONAL
                ? t.readLength : 0;
        long send = Math.min(r.dataLength(), readLimit);
        boolean good = r.status() == ScsiResponse.GOOD || r.status() == ScsiResponse.CONDITION_MET;
        // status rides on the last Data-In unless there is sense data (RFC 7143 11.7.4)
        boolean piggyback = send > 0 && r.sense() == null && good && t.direction == DataDirection.READ;
        int dataSN = 0;
        if (send > 0) {
            ByteBuf all = Unpooled.wrappedBuffer(r.data()); // views of the core's buffers, no copy
            ChannelPromise last = ctx.newPromise();
            for (DataInPlan.Segment seg : DataInPlan.of(send, params.maxXmitDataSegmentLength(),
                    params.maxBurstLength())) {
                boolean s = seg.last() && piggyback;
                DataIn d = new DataIn(seg.finalFlag(), false, s && res.overflow(), s && res.underflow(), s,
                        s ? r.status() : 0, 0, t.itt, RESERVED, s ? statSN++ : statSN, expCmdSN(), maxCmdSN(),
                        dataSN++, (int) seg.offset(), s ? res.count() : 0);
                writer.write(ctx, d, all.retainedSlice((int) seg.offset(), seg.length()),
                        seg.last() ? last : ctx.voidPromise());
            }
            all.release();
            Runnable release = r.release();
            last.addListener(f -> release.run());
            written();
        } else {
            r.release().run();
        }
        if (!piggyback) {
            byte[] sense = null;
            if (r.sense() != null && r.sense().length > 0) {
                sense = new byte[2 + r.sense().length];
                BigEndian.put16(sense, 0, r.sense().length);
                System.arraycopy(r.sense(), 0, sense, 2, r.sense().length);
            }
            send(new ScsiResponsePdu(false, false, res.overflow(), res.underflow(), 0, r.status(), t.itt, 0, statSN++,
                    expCmdSN(), maxCmdSN(), dataSN + r2ts, 0, res.count()), sense);
        }
    }

    // ---------------------------------------------------------------- other requests

    private void onNopOut(InboundPdu p, NopOut n) {
        ByteBuf data = p.data();
        int len = Math.min(data.readableBytes(), params.maxXmitDataSegmentLength());
        ByteBuf echo = data.retainedSlice(data.readerIndex(), len);
        p.release();
        NopIn in = new NopIn(n.lun(), n.itt(), RESERVED, statSN++, expCmdSN(), maxCmdSN());
        writer.write(ctx, in, echo, ctx.voidPromise());
        written();
    }

    private void onText(InboundPdu p, TextRequest h) {
        byte[] data = ByteBufUtil.getBytes(p.data());
        p.release();
        TextExchange.Reply reply;
        try {
            reply = text.request(h, data, this::answerText, params.maxXmitDataSegmentLength(), this::newTtt);
        } catch (PduFormatException e) {
            protocolError(p.bhs(), e.rejectReason(), e.getMessage());
            return;
        }
        send(new TextResponse(reply.finalFlag(), reply.cont(), 0, h.itt(), reply.ttt(), statSN++, expCmdSN(),
                maxCmdSN()), reply.data());
    }

    /** Answers the keys of a Text Request: SendTargets; login-only keys are refused. */
    private List<Pair> answerText(List<Pair> keys) {
        List<Pair> out = new ArrayList<>();
        for (Pair k : keys) {
            if (k.key().equals("SendTargets")) {
                List<Pair> a = SendTargets.answer(portal.config(), k.value(),
                        session.discovery() ? null : session.identity().targetName(), ctx.channel().localAddress());
                if (a == null) {
                    out.add(new Pair("SendTargets", "Reject"));
                } else {
                    out.addAll(a);
                }
            } else if (NegotiationKey.byWireName(k.key()) != null) {
                out.add(new Pair(k.key(), "Reject")); // negotiated at login only
            } else {
                out.add(new Pair(k.key(), "NotUnderstood"));
            }
        }
        return out;
    }

    private void onTaskManagement(TaskMgmtRequest h) {
        TaskManagementFunction f = switch (h.function()) {
            case 1 -> TaskManagementFunction.ABORT_TASK;
            case 2 -> TaskManagementFunction.ABORT_TASK_SET;
            case 3 -> TaskManagementFunction.CLEAR_ACA;
            case 4 -> TaskManagementFunction.CLEAR_TASK_SET;
            case 5 -> TaskManagementFunction.LOGICAL_UNIT_RESET;
            case 6 -> TaskManagementFunction.TARGET_WARM_RESET;
            case 7 -> TaskManagementFunction.TARGET_COLD_RESET;
            case 8 -> TaskManagementFunction.TASK_REASSIGN;
            default -> null;
        };
        LOG.info("{}: task management {} LUN {} referenced ITT 0x{}", peer, f != null ? f : "function " + h.function(),
                Luns.decode(h.lun()), Integer.toHexString(h.referencedTaskTag()));
        if (f == null) {
            sendTmfResponse(h, TaskMgmtResponse.FUNCTION_NOT_SUPPORTED);
            return;
        }
        if (f == TaskManagementFunction.TASK_REASSIGN) {
            sendTmfResponse(h, TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED); // needs ErrorRecoveryLevel 2
            return;
        }
        if (session.discovery()) {
            sendTmfResponse(h, TaskMgmtResponse.FUNCTION_REJECTED);
            return;
        }
        if (f == TaskManagementFunction.ABORT_TASK) {
            IscsiTask t = tasks.get(h.referencedTaskTag());
            if (t != null && t.state == IscsiTask.State.HELD) {
                held.values().remove(t);
                discardTask(t);
                sendTmfResponse(h, TaskMgmtResponse.FUNCTION_COMPLETE);
                return;
            }
        }
        long refTag = h.referencedTaskTag() & 0xffffffffL;
        session.scsi().taskManagement(f, Luns.decode(h.lun()), refTag, result -> runOnLoop(() -> {
            if (state != State.FULL_FEATURE) {
                return;
            }
            sendTmfResponse(h, tmfCode(result));
            if (f == TaskManagementFunction.TARGET_COLD_RESET && result == TaskManagementResult.FUNCTION_COMPLETE) {
                LOG.info("{}: target cold reset: closing the connection", peer);
                closeAfterFlush();
            }
        }));
    }

    static int tmfCode(TaskManagementResult r) {
        switch (r) {
            case FUNCTION_COMPLETE:
            case FUNCTION_SUCCEEDED:
                return TaskMgmtResponse.FUNCTION_COMPLETE;
            case TASK_DOES_NOT_EXIST: return TaskMgmtResponse.TASK_DOES_NOT_EXIST;
            case LUN_DOES_NOT_EXIST: return TaskMgmtResponse.LUN_DOES_NOT_EXIST;
            case TASK_STILL_ALLEGIANT: return TaskMgmtResponse.TASK_STILL_ALLEGIANT;
            case FUNCTION_NOT_SUPPORTED: return TaskMgmtResponse.FUNCTION_NOT_SUPPORTED;
            case FUNCTION_REJECTED: return TaskMgmtResponse.AUTHORIZATION_FAILED;
            default: return TaskMgmtResponse.FUNCTION_REJECTED;
        }
    }

    private void sendTmfResponse(TaskMgmtRequest h, int code) {
        send(new TaskMgmtResponse(code, h.itt(), statSN++, expCmdSN(), maxCmdSN()), null);
    }

    private void onLogout(LogoutRequest h) {
        int response;
        if (h.reason() == LogoutRequest.REMOVE_FOR_RECOVERY) {
            response = LogoutResponse.RECOVERY_NOT_SUPPORTED;
        } else if (h.reason() == LogoutRequest.CLOSE_CONNECTION && h.cid() != login.cid()) {
            response = LogoutResponse.CID_NOT_FOUND;
        } else {
            response = LogoutResponse.CLOSED;
        }
        if (response != LogoutResponse.CLOSED) {
            send(new LogoutResponse(response, h.itt(), statSN++, expCmdSN(), maxCmdSN(), 0, 0), null);
            return;
        }
        LOG.info("{}: logout of {} ({})", peer, session, h.reason() == LogoutRequest.CLOSE_SESSION
                ? "close session" : "close connection");
        portal.sessions().remove(session);
        session.close(); // aborts what is still running; its callbacks find the connection closing
        LogoutResponse r = new LogoutResponse(LogoutResponse.CLOSED, h.itt(), statSN++, expCmdSN(), maxCmdSN(),
                params.defaultTime2Wait(), params.defaultTime2Retain());
        send(r, null);
        closeAfterFlush();
    }

    // ---------------------------------------------------------------- sending

    private void send(PduHeader h, byte[] data) {
        if (state == State.CLOSED) {
            return;
        }
        writer.write(ctx, h, data, ctx.voidPromise());
        written();
    }

    private void sendReject(byte[] bhs, int reason) {
        send(new Reject(reason, statSN++, expCmdSN(), maxCmdSN(), 0), bhs);
    }

    private void written() {
        flushPending = true;
        if (!inRead && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    private int newTtt() {
        int t = nextTtt++;
        if (nextTtt == RESERVED) {
            nextTtt = 1;
        }
        return t;
    }

    private int expCmdSN() {
        return window != null ? window.expCmdSN() : loginCmdSN;
    }

    private int maxCmdSN() {
        return window != null ? window.maxCmdSN() : loginCmdSN;
    }
}
