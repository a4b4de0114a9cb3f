package io.flinkinference.cli;

import io.flinkinference.cli.models.ModelsCommand;
import io.flinkinference.jobs.RunCommand;
import io.flinkinference.jobs.cli.CliErrors;
import io.flinkinference.tools.gpu.GpuCheckCommand;
import io.flinkinference.tools.setup.SetupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.flinkinference.cli.kafka.KafkaCommand;
import picocli.CommandLine.HelpCommand;

/** {@code bin/flink-inference}: the one entry point users type. */
@Command(
        name = "flink-inference",
        description = "Streaming deep-learning inference on Apache Flink: images in through Kafka, "
                + "TensorRT on GPUs or ONNX Runtime on CPUs, results out through Kafka.",
        mixinStandardHelpOptions = true,
        versionProvider = FlinkInferenceCli.Version.class,
        subcommands = {DemoCommand.class, OcrCommand.class, RunCommand.class, ProduceCommand.class, ConsumeCommand.class, KafkaCommand.class,
            ModelsCommand.class,
            SetupCommand.class, BenchCommand.class, GpuCheckCommand.class,
            HelpCommand.class},
        footer = {
            "",
            "Start with:  flink-inference demo",
            "Then:        flink-inference models --help"
        })
public final class FlinkInferenceCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new FlinkInferenceCli())
                .setExecutionExceptionHandler(new CliErrors())
                .setUsageHelpAutoWidth(true);
    }

    /** The version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FlinkInferenceCli.class.getPackage().getImplementationVersion();
            return new String[] {"flink-inference " + (version == null ? "(development build)" : version)};
        }
    }
}
