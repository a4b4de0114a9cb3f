package io.flinkinference.cli.models;

import io.flinkinference.tools.setup.ImportCommand;
import picocli.CommandLine.Command;

/** {@code flink-inference models}: look after the model store. */
@Command(
        name = "models",
        description = "Manage the versioned model store: fetch the bundled models, import your own, list, show, verify, delete.",
        mixinStandardHelpOptions = true,
        subcommands = {
            FetchCommand.class,
            ListCommand.class,
            ShowCommand.class,
            ImportCommand.class,
            VerifyCommand.class,
            DeleteCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  flink-inference models fetch           # the PaddleOCR models, to the store",
            "  flink-inference models list",
            "  flink-inference models show ppocr-cls  # its latest version",
            "  flink-inference models verify ppocr-cls:1",
            "  flink-inference models delete ppocr-cls:1",
            "  flink-inference models import mobilenetv2.onnx --name mobilenet \\",
            "      --size 224x224 --resize short-side-center-crop \\",
            "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --labels imagenet.txt"
        })
public final class ModelsCommand {}
