package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.manifest.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", description = {"List the models in the store with their versions.",
    "A model whose newest manifest cannot be read is listed as unreadable and named on stderr; the exit status is "
            + "then 1 ('models verify' says more)."}, mixinStandardHelpOptions = true)
final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelStore opened = store.open();
        var out = spec.commandLine().getOut();
        List<String> models = opened.models();
        if (models.isEmpty()) {
            out.println("The store at " + opened.root() + " holds no models. Run 'flink-inference models fetch'.");
            return 0;
        }
        String format = "%-24s %-10s %-8s %-14s %-10s %s%n";
        out.printf(format, "MODEL", "VERSIONS", "LATEST", "FORMAT", "PRECISION", "CREATED");
        int unreadable = 0;
        for (String model : models) {
            List<Integer> versions = opened.versions(model);
            Manifest latest;
            try {
                latest = opened.resolve(ModelRef.latest(model)).manifest();
            } catch (ModelStoreException | UncheckedIOException e) {
                // One broken version must not hide the rest of the store.
                unreadable++;
                out.printf(format, model, versions.size(), versions.get(versions.size() - 1), "unreadable", "-", "-");
                spec.commandLine().getErr().println("error: " + model + ": " + e.getMessage());
                continue;
            }
            out.printf(format, model, versions.size(), latest.version(), latest.format(), latest.precision(),
                    latest.createdAt());
        }
        return unreadable == 0 ? 0 : 1;
    }
}
