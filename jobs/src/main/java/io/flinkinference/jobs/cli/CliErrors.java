package io.flinkinference.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures users cause (a missing model, a bad checksum, a wrong option value) into one
 * readable line and exit status 1; anything unexpected keeps its stack trace.
 */
public final class CliErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        if (isUserFacing(e)) {
            command.getErr().println(command.getColorScheme().errorText("error: " + e.getMessage()));
        } else {
            e.printStackTrace(command.getErr());
        }
        return 1;
    }

    private static boolean isUserFacing(Throwable e) {
        return e instanceof RuntimeException
                && !(e instanceof NullPointerException)
                && !(e instanceof ClassCastException)
                && !(e instanceof IndexOutOfBoundsException)
                && e.getMessage() != null;
    }
}
