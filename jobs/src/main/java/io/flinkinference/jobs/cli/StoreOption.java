package io.flinkinference.jobs.cli;

import io.flinkinference.modelstore.ModelStore;
import picocli.CommandLine.Option;

import java.net.URI;

/** The {@code --store} option shared by every command that reads or writes the model store. */
public final class StoreOption {
    @Option(
            names = "--store",
            paramLabel = "URI",
            description = "Model store location: a folder or a Flink file system URI (file://, s3://, ...). "
                    + "Default: $" + ModelStore.STORE_ENV + " if set, else ~/.flink-inference/models.")
    URI store;

    public URI uri() {
        return store != null ? store : ModelStore.defaultRoot();
    }

    public ModelStore open() {
        return ModelStore.open(uri());
    }
}
