package io.flinkinference.tools;

import io.flinkinference.jobs.cli.CliErrors;
import io.flinkinference.tools.gpu.GpuCheckCommand;
import io.flinkinference.tools.setup.SetupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The tools' commands under one root, as {@code flink-inference} puts them, for the tools' own tests. */
@Command(name = "flink-inference", subcommands = {SetupCommand.class, GpuCheckCommand.class})
public final class ToolsCli {
    private ToolsCli() {}

    public static CommandLine commandLine() {
        return new CommandLine(new ToolsCli()).setExecutionExceptionHandler(new CliErrors());
    }
}
