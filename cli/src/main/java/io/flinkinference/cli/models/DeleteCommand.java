package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code flink-inference models delete MODEL:VERSION}: remove one published version. */
@Command(
        name = "delete",
        description = {"Delete one published model version. Refused without --force for the newest version of a model "
                + "(jobs pinning 'latest' would change model on their next build) and for a version that plans or "
                + "variants were built from."},
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference models delete ppocr-cls:1", "  flink-inference models delete resnet50:3 --force"})
final class DeleteCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL:VERSION", description = "The version to delete; a version number is required.")
    String reference;

    @Option(names = "--force", description = "Delete the newest version, or one that others were built from, anyway.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelStore opened = store.open();
        ModelRef ref = ModelRef.parse(reference);
        List<ModelRef> orphans = opened.delete(ref, force);
        spec.commandLine().getOut().println("Deleted " + ref + " from " + opened.root()
                + (orphans.isEmpty() ? "" : "; " + orphans + " now name a parent that is gone"));
        return 0;
    }
}
