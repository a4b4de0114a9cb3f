package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStore.Leftover;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.ModelVersion.FileCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(
        name = "verify",
        description = {
            "Hash every file of the given model versions (all versions of all models when none is given) "
                    + "and compare with their manifests.",
            "Exit status 0 only when every checked file matches; 1 otherwise.",
            "Also names the leftovers of publishes that did not finish (version folders without a manifest, staging "
                    + "folders); --repair removes those untouched for --leftover-age."
        },
        mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL[:VERSION]", arity = "0..*",
            description = "What to verify: a model (all its versions) or one version.")
    List<String> references = new ArrayList<>();

    @Option(names = "--repair", description = "Remove the leftovers of publishes that did not finish, and print each one removed.")
    boolean repair;

    @Option(names = "--leftover-age", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "Only folders untouched for this long count as leftovers: younger ones may belong to a publish "
                    + "still under way (default ${DEFAULT-VALUE}).")
    Duration leftoverAge;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelStore opened = store.open();
        PrintWriter out = spec.commandLine().getOut();
        for (Leftover leftover : repair ? opened.removeLeftovers(leftoverAge) : opened.leftovers(leftoverAge)) {
            out.printf("%s %s: %s, last changed %s%s%n", repair ? "removed " : "LEFTOVER", leftover.path(), leftover.reason(),
                    leftover.lastModified(), repair ? "" : "; --repair removes it");
        }
        List<ModelRef> refs = new ArrayList<>();
        List<String> names = references.isEmpty() ? opened.models() : references;
        for (String text : names) {
            ModelRef ref = ModelRef.parse(text);
            if (ref.version().isPresent()) {
                refs.add(ref);
            } else {
                opened.versions(ref.name()).forEach(v -> refs.add(ModelRef.of(ref.name(), v)));
                if (opened.versions(ref.name()).isEmpty()) {
                    opened.resolve(ref); // throws the store's "no such model" message
                }
            }
        }
        if (refs.isEmpty()) {
            out.println("The store at " + opened.root() + " holds no models; nothing to verify.");
            return 0;
        }
        int bad = 0;
        int files = 0;
        for (ModelRef ref : refs) {
            ModelVersion version;
            try {
                version = opened.resolve(ref);
            } catch (ModelStoreException e) {
                out.println("FAIL     " + ref + ": " + e.getMessage());
                bad++;
                continue;
            }
            for (FileCheck check : version.verify()) {
                files++;
                switch (check.status()) {
                    case OK -> out.printf("ok       %s %s%n", ref, check.name());
                    case MISSING -> out.printf("MISSING  %s %s%n", ref, check.name());
                    case MISMATCH -> out.printf("MISMATCH %s %s: sha256 %s, manifest says %s%n", ref,
                            check.name(), check.actualSha256(), check.expectedSha256());
                }
                if (check.status() != FileCheck.Status.OK) {
                    bad++;
                }
            }
        }
        out.printf("%d files in %d versions checked, %d problems.%n", files, refs.size(), bad);
        return bad == 0 ? 0 : 1;
    }
}
