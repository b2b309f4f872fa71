package io.scstdrbd.iscsi.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses iscsi-scstd.conf (reference 8.2): {@code Target <name>} sections holding session keys,
 * target keys, {@code Alias} and CHAP accounts; global CHAP accounts for discovery sessions.
 * Keys are case-insensitive, {@code #} starts a comment line. Unlike the original, which skipped
 * bad lines, every error is fatal and names the line: the daemon refuses a configuration it
 * would not apply exactly.
 */
public final class IscsiConfigParser {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiConfigParser.class);

    private IscsiConfigParser() {
    }

    public static IscsiConfig parse(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static IscsiConfig parse(String fileName, String text) throws ConfigException {
        return new Run(fileName).parse(text);
    }

    /** State of one parse. */
    private static final class Run {
        private final String file;
        private final List<TargetConfig> targets = new ArrayList<>();
        private final List<ChapAccount> globalIncoming = new ArrayList<>();
        private ChapAccount globalOutgoing;
        private Section section;
        private int line;

        Run(String file) {
            this.file = file;
        }

        IscsiConfig parse(String text) throws ConfigException {
            String[] lines = text.split("\r?\n", -1);
            for (line = 1; line <= lines.length; line++) {
                String l = lines[line - 1].strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                parseLine(l);
            }
            closeSection();
            if (targets.isEmpty()) {
                LOG.warn("{}: no Target section: no normal session can log in", file);
            }
            return new IscsiConfig(targets, globalIncoming, globalOutgoing);
        }

        private void parseLine(String l) throws ConfigException {
            String[] tok = l.split("\\s+");
            String kw = tok[0];
            String kwl = kw.toLowerCase(Locale.ROOT);
            if (kwl.equals("target")) {
                want(tok, 1, "Target <iSCSI name>");
                closeSection();
                String problem = IscsiNames.problem(tok[1]);
                if (problem != null) {
                    throw error("target name '" + tok[1] + "' is " + problem);
                }
                for (TargetConfig t : targets) {
                    if (t.name().equalsIgnoreCase(tok[1])) {
                        throw error("target " + tok[1] + " is defined twice");
                    }
                }
                section = new Section(tok[1]);
                return;
            }
            if (kwl.equals("alias")) {
                inTarget(kw);
                if (tok.length < 2) {
                    throw error("Alias needs a value");
                }
                return; // accepted and ignored, as by the original
            }
            if (kwl.matches("incominguser\\d*")) {
                want(tok, 2, kw + " <name> <secret>");
                ChapAccount a = new ChapAccount(tok[1], tok[2]);
                List<ChapAccount> list = section != null ? section.incoming : globalIncoming;
                for (ChapAccount o : list) {
                    if (o.name().equals(a.name())) {
                        throw error("IncomingUser " + a.name() + " is defined twice");
                    }
                }
                list.add(a);
                return;
            }
            if (kwl.matches("outgoinguser\\d*")) {
                want(tok, 2, kw + " <name> <secret>");
                ChapAccount a = new ChapAccount(tok[1], tok[2]);
                if (section != null) {
                    if (section.outgoing != null) {
                        throw error("only one OutgoingUser per target");
                    }
                    section.outgoing = a;
                } else {
                    if (globalOutgoing != null) {
                        throw error("only one global OutgoingUser");
                    }
                    globalOutgoing = a;
                }
                return;
            }
            if (kwl.equals("isnsserver") || kwl.equals("isnsaccesscontrol")) {
                if (section != null) {
                    throw error(kw + " is only valid before the first Target");
                }
                want(tok, 1, kw + " <value>");
                LOG.warn("{}:{}: {} is accepted but iSNS is not supported; ignored", file, line, kw);
                return;
            }
            TargetParam tp = TargetParam.byName(kw);
            if (tp != null) {
                inTarget(kw);
                want(tok, 1, kw + " <number>");
                try {
                    section.settings = section.settings.with(tp, tp.parse(tok[1]));
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
                return;
            }
            NegotiationKey nk = NegotiationKey.byName(kw);
            if (nk != null) {
                inTarget(kw);
                // lists may be written with spaces after the commas
                String value = l.substring(kw.length()).strip();
                if (value.isEmpty()) {
                    throw error(kw + " needs a value");
                }
                if (nk.rule() != NegotiationRule.DIGEST_LIST && tok.length != 2) {
                    throw error(kw + ": unexpected text after the value");
                }
                try {
                    section.keys = section.keys.with(nk, nk.parseConfigValue(value));
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
                return;
            }
            throw error("Unknown or unexpected param '" + kw + "'");
        }

        private void want(String[] tok, int args, String usage) throws ConfigException {
            if (tok.length != args + 1) {
                throw error("expected '" + usage + "'");
            }
        }

        private void inTarget(String kw) throws ConfigException {
            if (section == null) {
                throw error(kw + " is only valid in a Target section");
            }
        }

        private void closeSection() {
            if (section != null) {
                targets.add(new TargetConfig(section.name, section.keys, section.settings, section.incoming,
                        section.outgoing));
                section = null;
            }
        }

        private ConfigException error(String msg) {
            return new ConfigException(file + ":" + line + ": " + msg);
        }
    }

    /** A Target section being read. */
    private static final class Section {
        final String name;
        KeySettings keys = KeySettings.defaults();
        TargetSettings settings = TargetSettings.defaults();
        final List<ChapAccount> incoming = new ArrayList<>();
        ChapAccount outgoing;

        Section(String name) {
            this.name = name;
        }
    }
}
