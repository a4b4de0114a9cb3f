package io.flinkinference.tools.setup;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code setup prune}'s fine-tuning: how long, on which images, with which Python. */
final class FinetuneOptions {
    @Option(names = "--finetune",
            description = "Prune the PyTorch model the parent was exported from ('setup export' records it), fine-tune it with "
                    + "the parent's outputs as targets (distillation, no labels), keeping the 2:4 pattern, then export and validate.")
    boolean enabled;

    @Option(names = "--finetune-samples", paramLabel = "DIR",
            description = "With --finetune: folder of images to fine-tune on, other than the --samples it is validated with.")
    Path samples;

    @Option(names = "--finetune-steps", paramLabel = "N", defaultValue = "300",
            description = "With --finetune: optimizer steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--finetune-batch", paramLabel = "N", defaultValue = "32",
            description = "With --finetune: images per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--finetune-lr", paramLabel = "RATE", defaultValue = "0.001",
            description = "With --finetune: Adam's learning rate (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--python", paramLabel = "PATH", description = "With --finetune: the Python interpreter with torch.")
    Path python;

    /** Refuses fine-tuning options given without --finetune, and settings that cannot work, before any work is done. */
    void check() {
        if (!enabled) {
            if (samples != null || python != null) {
                throw new IllegalArgumentException("--finetune-samples and --python go with --finetune.");
            }
            return;
        }
        if (samples == null) {
            throw new IllegalArgumentException("--finetune needs --finetune-samples DIR: images like the ones the model will see, "
                    + "other than the --samples it is validated with.");
        }
        if (steps < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("--finetune-steps, --finetune-batch and --finetune-lr must be positive.");
        }
    }
}
