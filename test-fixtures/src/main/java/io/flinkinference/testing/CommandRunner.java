package io.flinkinference.testing;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

/**
 * Runs a picocli command line as a user types it, with what it prints captured: tests assert on
 * the exit status and on the words a user would read.
 */
public final class CommandRunner {
    private final Supplier<CommandLine> commandLine;
    private final StringWriter out = new StringWriter();
    private final StringWriter err;

    private CommandRunner(Supplier<CommandLine> commandLine, boolean separateErr) {
        this.commandLine = commandLine;
        this.err = separateErr ? new StringWriter() : out;
    }

    /** Standard output and standard error captured apart, as {@link #out()} and {@link #err()}. */
    public static CommandRunner of(Supplier<CommandLine> commandLine) {
        return new CommandRunner(commandLine, true);
    }

    /** Both streams captured together, in the order they were written, as {@link #out()}. */
    public static CommandRunner merged(Supplier<CommandLine> commandLine) {
        return new CommandRunner(commandLine, false);
    }

    /** Runs a fresh command line with {@code args}; what earlier runs printed is forgotten. */
    public int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = commandLine.get();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }
}
