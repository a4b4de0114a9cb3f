package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.DerivedModel;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.tools.bench.AlignedTable;
import io.flinkinference.tools.bench.AlignedTable.Align;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The last two steps every derived artifact shares: validate the candidate against its parent on
 * held-out samples, and publish it (with the parent's other files and a manifest whose lineage
 * names the parent, the transform and the validation figures) only if the gate lets it through;
 * in between, both models' speed on this machine ({@link SpeedComparison}) for the closing table
 * and the lineage.
 */
final class DerivedModelPublisher {
    private DerivedModelPublisher() {}

    /**
     * What to publish, if it passes: its main file, name, format, what was done to the parent, and
     * the speedup over the parent it must show on this machine ({@link SpeedRequirement#NONE} for
     * none).
     */
    record Candidate(byte[] bytes, String name, ModelFormat format, String artifact, String precision, String transform,
            Map<String, String> facts, SpeedRequirement speedRequirement) {

        Candidate(byte[] bytes, String name, ModelFormat format, String artifact, String precision, String transform,
                Map<String, String> facts) {
            this(bytes, name, format, artifact, precision, transform, facts, SpeedRequirement.NONE);
        }

        Candidate requiring(SpeedRequirement requirement) {
            return new Candidate(bytes, name, format, artifact, precision, transform, facts, requirement);
        }

        /** A derived ONNX model, stored under the parent's artifact name. */
        static Candidate onnx(ModelVersion parent, byte[] onnx, String name, String precision, String transform,
                Map<String, String> facts) {
            return new Candidate(onnx, name, ModelFormat.ONNX, parent.manifest().artifact(), precision, transform, facts);
        }
    }

    /** The gate's report, and the published version when it passed. */
    record Outcome(ValidationGate.Report report, Optional<ModelVersion> published) {}

    /** A derived ONNX model: the candidate runs on ONNX Runtime, like its parent. */
    static Outcome validateAndPublish(ModelStore store, ModelVersion parent, Candidate candidate, SampleImages samples,
            double minAgreement, SpeedComparison.Settings speed, PrintWriter out) throws IOException {
        Manifest manifest = parent.manifest();
        return validateAndPublish(store, parent, candidate, samples, minAgreement, speed, out, CandidateEngines.ENGINE,
                () -> CandidateEngines.openCandidate(parent.ref() + " (" + candidate.transform() + ")",
                        candidate.bytes(), manifest.inputs(), manifest.outputs()));
    }

    /**
     * @param candidateEngineName the engine that will run the candidate, which {@code candidateEngine}
     *     opens it on (TensorRT for a plan); the parent always runs on ONNX Runtime
     */
    static Outcome validateAndPublish(ModelStore store, ModelVersion parent, Candidate candidate, SampleImages samples,
            double minAgreement, SpeedComparison.Settings speedSettings, PrintWriter out, String candidateEngineName,
            Supplier<InferenceEngine> candidateEngine) throws IOException {
        Manifest manifest = parent.manifest();
        out.printf("Validating against %s on %s ...%n", parent.ref(), samples.description());
        ValidationGate.Report report;
        SpeedComparison.Result speed;
        try (InferenceEngine parentEngine = CandidateEngines.open(parent);
                InferenceEngine candidateOpened = candidateEngine.get()) {
            report = ValidationGate.compare(parentEngine, candidateOpened, samples.batches(manifest), AgreementMeasure.of(manifest),
                    minAgreement,
                    done -> {
                        out.printf("  validated %d/%d%n", done, samples.size());
                        out.flush();
                    });
            out.println(report.verdict());
            speed = speed(speedSettings, parentEngine, candidateOpened, candidateEngineName, manifest, out);
        }
        if (!report.passed()) {
            summary(out, parent, candidate, report, speed, "not published");
            out.println("Nothing was published.");
            return new Outcome(report, Optional.empty());
        }
        SpeedRequirement required = candidate.speedRequirement();
        Optional<String> tooSlow = required.refusal(speed);
        if (tooSlow.isPresent()) {
            summary(out, parent, candidate, report, speed, "not published");
            out.println(tooSlow.get());
            out.println("Nothing was published.");
            return new Outcome(report, Optional.empty());
        }
        required.unchecked(speed).ifPresent(out::println);

        Map<String, String> facts = new LinkedHashMap<>(candidate.facts());
        facts.put("validation.samples", Integer.toString(report.samples()));
        facts.put("validation.setSha256", samples.hash());
        facts.put("validation.agreement", String.format("%.4f", report.agreement()));
        facts.put("validation.measure", report.measure().description());
        facts.put("validation.maxAbsDiff", String.format("%.6g", report.maxAbsDiff()));
        facts.put("validation.meanAbsDiff", String.format("%.6g", report.meanAbsDiff()));
        facts.putAll(speed.facts());
        if (required.active()) {
            facts.put("speed.minSpeedup", String.format("%.3f", required.minSpeedup()));
            facts.put("speed.checked", Boolean.toString(speed.measured()));
        }
        ModelVersion published = publish(store, parent, candidate, facts);
        summary(out, parent, candidate, report, speed, published.ref().toString());
        out.println("Published " + published.ref() + " (parent " + parent.ref() + ")");
        return new Outcome(report, Optional.of(published));
    }

    /** Publishes a model derived from {@code parent} (see {@link DerivedModel#publishInto}). */
    static ModelVersion publish(ModelStore store, ModelVersion parent, Candidate candidate, Map<String, String> facts) {
        return new DerivedModel(candidate.name(), candidate.format(), candidate.artifact(), candidate.precision(),
                candidate.transform(), candidate.bytes(), facts).publishInto(store, parent);
    }

    /** Both models' speed, after the gate, so that a refused candidate's table still says what it would have bought. */
    private static SpeedComparison.Result speed(SpeedComparison.Settings settings, InferenceEngine parent, InferenceEngine candidate,
            String candidateEngineName, Manifest manifest, PrintWriter out) {
        if (!settings.enabled()) {
            return SpeedComparison.Result.notMeasured("--no-speed");
        }
        out.printf("Measuring speed of parent and variant in turn (%d rounds of %.1f s each) ...%n", SpeedComparison.ROUNDS,
                settings.window().toMillis() / 1e3);
        out.flush();
        return SpeedComparison.measure(parent, CandidateEngines.ENGINE, candidate, candidateEngineName, manifest, settings.window());
    }

    /**
     * The table a setup step ends with: parent and candidate side by side, aligned to the widest
     * cell (so a long precision such as fp32-sparse-2:4 cannot shift the columns after it), and a
     * line on what the speed columns are.
     */
    private static void summary(PrintWriter out, ModelVersion parent, Candidate candidate, ValidationGate.Report report,
            SpeedComparison.Result speed, String published) {
        long parentBytes = parent.manifest().file(parent.manifest().artifact()).map(f -> f.size()).orElse(0L);
        AlignedTable table = new AlignedTable().column("", Align.LEFT).column("PRECISION", Align.LEFT)
                .column("SIZE KB", Align.RIGHT).column("AGREE", Align.RIGHT).column("MAX ABS DIFF", Align.RIGHT)
                .column("MEAN ABS DIFF", Align.RIGHT).column("IMG/S", Align.RIGHT).column("SPEEDUP", Align.RIGHT)
                .column("STORE", Align.LEFT);
        table.row("parent", parent.manifest().precision(), String.format("%.1f", parentBytes / 1024.0), "-", "-", "-",
                speed.measured() ? String.format("%.0f", speed.parentRecordsPerSecond()) : "-", "-", parent.ref().toString());
        table.row(candidate.transform(), candidate.precision(), String.format("%.1f", candidate.bytes().length / 1024.0),
                String.format("%.2f%%", 100 * report.agreement()), String.format("%.4g", report.maxAbsDiff()),
                String.format("%.4g", report.meanAbsDiff()),
                speed.measured() ? String.format("%.0f", speed.recordsPerSecond()) : "-",
                speed.measured() ? String.format("%.2fx", speed.speedup()) : "-", published);
        out.println();
        out.print(table.render());
        out.println(speed.footnote());
        out.println();
    }

    /**
     * The samples a command was given: a folder, or, for the bundled text-line models only,
     * rendered text lines (they would say nothing about a model of other images).
     */
    static SampleImages samples(Path folder, int renderedLines, ModelVersion model, long seed) throws IOException {
        if (folder != null) {
            return SampleImages.fromFolder(folder);
        }
        String source = model.manifest().lineage().source();
        if (source == null || !source.startsWith("npm:" + PaddleOcrModels.SPEC)) {
            throw new IllegalArgumentException(model.ref() + " is not one of the bundled PaddleOCR models, so rendered "
                    + "text lines are no fair sample of its inputs: pass --samples DIR with images like the ones it will see.");
        }
        return SampleImages.renderedTextLines(renderedLines, seed, model.manifest());
    }
}
