package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.manifest.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", description = "List the models in the store with their versions.", mixinStandardHelpOptions = true)
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
        for (String model : models) {
            List<Integer> versions = opened.versions(model);
            Manifest latest = opened.resolve(ModelRef.latest(model)).manifest();
            out.printf(format, model, versions.size(), latest.version(), latest.format(), latest.precision(),
                    latest.createdAt());
        }
        return 0;
    }
}
