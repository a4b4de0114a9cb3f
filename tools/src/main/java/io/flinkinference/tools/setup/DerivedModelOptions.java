package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.jobs.cli.StoreOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** What every step that derives a model from a parent takes: the parent, a name, samples, a threshold. */
final class DerivedModelOptions {
    /** Rendered validation lines; INT8 calibrates on other ones. */
    static final long HELD_OUT_SEED = 20261123L;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL[:VERSION]", description = "The parent model in the store.")
    String parent;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the derived model (default: <parent>-<suffix>).")
    String name;

    @Option(names = "--samples", paramLabel = "DIR", description = "Folder of held-out images to validate with.")
    Path samples;

    @Option(names = "--rendered-lines", paramLabel = "N", defaultValue = "200",
            description = "Without --samples, for the bundled text-line models only: validate with N rendered text lines "
                    + "(default ${DEFAULT-VALUE}); all upright for the recognizer, which in the OCR pipeline reads lines the "
                    + "orientation classifier has turned upright, half of them upside down for the classifier.")
    int renderedLines;

    @Option(names = "--min-agreement", paramLabel = "FRACTION",
            description = "Required agreement with the parent: the share of sample images given the same class (the same text, "
                    + "for a CTC recognizer). Default 0.99 for fp16, 0.97 for int8 and prune.")
    Double minAgreement;

    @Option(names = "--speed", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure the parent's and the variant's images/s on this machine for the summary's IMG/S and SPEEDUP "
                    + "columns, and record them in the lineage (default on; --no-speed to skip the few seconds it takes).")
    boolean speed;

    @Option(names = "--speed-seconds", paramLabel = "S", defaultValue = "1",
            description = "How long each of the speed measurement's windows lasts (default ${DEFAULT-VALUE}).")
    double speedSeconds;

    SpeedComparison.Settings speed() {
        if (!(speedSeconds > 0)) {
            throw new IllegalArgumentException("--speed-seconds must be positive, not " + speedSeconds);
        }
        return new SpeedComparison.Settings(speed, Duration.ofMillis(Math.max(1, Math.round(speedSeconds * 1000))));
    }

    ModelStore openStore() {
        return store.open();
    }

    ModelVersion resolveParent(ModelStore opened) {
        return opened.resolve(ModelRef.parse(parent));
    }

    String name(ModelVersion parentVersion, String suffix) {
        return name != null ? name : parentVersion.manifest().name() + "-" + suffix;
    }

    double minAgreement(double defaultValue) {
        return minAgreement != null ? minAgreement : defaultValue;
    }

    SampleImages validationSamples(ModelVersion parentVersion) throws IOException {
        return DerivedModelPublisher.samples(samples, renderedLines, parentVersion, HELD_OUT_SEED);
    }
}
