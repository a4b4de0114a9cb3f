package io.flinkinference.cli.models;

import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.FileEntry;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ManifestCodec;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "show", description = "Show one model version: tensors, pre/post-processing, lineage, files.",
        mixinStandardHelpOptions = true)
final class ShowCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL[:VERSION]", description = "Model reference; the latest version when none is given.")
    String reference;

    @Option(names = "--json", description = "Print the manifest as stored.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelVersion version = store.open().resolve(ModelRef.parse(reference));
        PrintWriter out = spec.commandLine().getOut();
        Manifest m = version.manifest();
        if (json) {
            out.println(ManifestCodec.toText(m));
            return 0;
        }
        out.printf("%s  (%s, %s, created %s)%n", version.ref(), m.format(), m.precision(), m.createdAt());
        out.printf("location:  %s%n", version.location());
        for (TensorSpec input : m.inputs()) {
            out.printf("input:     %s%n", input);
        }
        for (TensorSpec output : m.outputs()) {
            out.printf("output:    %s%n", output);
        }
        Preprocessing pre = m.preprocessing();
        if (pre != null) {
            String resize = pre.resizeMode().id() + (pre.resizeShort() == null ? "" : " (short side " + pre.resizeShort() + ")");
            out.printf("preprocess: %dx%d %s %s, resize %s, (x*%.6f - %s) / %s%n", pre.height(), pre.width(),
                    pre.layout(), pre.channelOrder(), resize, pre.scale(), pre.mean(), pre.std());
        }
        if (m.postprocessing() != null) {
            var post = m.postprocessing();
            out.printf("postprocess: %s%s%s%n", post.type().id(),
                    post.output() == null ? "" : " of " + post.output(),
                    post.labelsFile() != null ? ", labels " + post.labelsFile()
                            : post.alphabetFile() != null ? ", alphabet " + post.alphabetFile() : "");
        }
        var lineage = m.lineage();
        if (lineage.parentName() != null) {
            out.printf("parent:    %s:%d, transforms %s%n", lineage.parentName(), lineage.parentVersion(), lineage.transforms());
        }
        if (lineage.source() != null) {
            out.printf("source:    %s%n", lineage.source());
        }
        lineage.attributes().forEach((k, v) -> out.printf("  %s = %s%n", k, v));
        for (FileEntry file : m.files()) {
            out.printf("file:      %-24s %10d bytes  sha256 %s%n", file.name(), file.size(), file.sha256());
        }
        return 0;
    }
}
