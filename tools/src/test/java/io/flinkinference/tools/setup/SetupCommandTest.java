package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The setup steps on the real orientation classifier, in a store of their own. */
class SetupCommandTest extends SetupTestSupport {
    /** Lines other than those the setup step validated with (its held-out seed), the same on every run. */
    private static final long FRESH_SEED = 20261201L;

    @Test
    void publishesTheFp16VariantWithLineageWhenItAgrees() throws Exception {
        assertThat(run("setup", "fp16", "ppocr-cls", "--rendered-lines", "200", "--speed-seconds", "0.2", "--store", root.toString()))
                .as(cli.out()).isZero();
        assertThat(cli.out()).contains("Measuring speed of parent and variant");
        SummaryTable.last(cli.out()).assertMeasured();

        ModelVersion fp16 = store.resolve(ModelRef.parse("ppocr-cls-fp16"));
        Manifest manifest = fp16.manifest();
        assertThat(manifest.precision()).isEqualTo("fp16-weights");
        assertThat(manifest.lineage().parentName()).isEqualTo("ppocr-cls");
        assertThat(manifest.lineage().parentVersion()).isEqualTo(1);
        assertThat(manifest.lineage().transforms()).containsExactly("fp16-weights");
        assertThat(Double.parseDouble(manifest.lineage().attributes().get("validation.agreement"))).isGreaterThanOrEqualTo(0.99);
        assertThat(manifest.lineage().attributes()).containsKey("validation.setSha256");
        assertThat(Double.parseDouble(manifest.lineage().attributes().get("speed.parent.recordsPerSecond"))).isPositive();
        assertThat(Double.parseDouble(manifest.lineage().attributes().get("speed.recordsPerSecond"))).isPositive();
        assertThat(manifest.lineage().attributes()).containsEntry("speed.batchSize", "8").containsEntry("speed.engine", "onnxruntime");
        assertThat(manifest.file("labels.txt")).isPresent();

        byte[] model = fp16.readModel();
        byte[] parent = store.resolve(ModelRef.parse("ppocr-cls")).readModel();
        assertThat(model.length).isLessThan(parent.length * 3 / 5);
        long halfTensors = OnnxMl.ModelProto.parseFrom(model).getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Constant"))
                .filter(n -> n.getAttribute(0).getT().getDataType() == OnnxMl.TensorProto.DataType.FLOAT16.getNumber())
                .count();
        assertThat(halfTensors).isGreaterThan(50);

        // Fresh images, other than the ones the setup step validated with.
        try (InferenceEngine original = new OnnxRuntimeEngineProvider().open(store.resolve(ModelRef.parse("ppocr-cls")), new Configuration(), -1);
                InferenceEngine derived = new OnnxRuntimeEngineProvider().open(fp16, new Configuration(), -1)) {
            ValidationGate.Report report = ValidationGate.compare(original, derived,
                    SampleImages.renderedTextLines(200, FRESH_SEED, manifest).batches(manifest), AgreementMeasure.TOP1, 0.99, done -> { });
            assertThat(report.passed()).as(report.verdict()).isTrue();
        }
    }

    @Test
    void theGateRefusesACandidateThatDisagreesAndSaysByHowMuch() throws Exception {
        ModelVersion parent = store.resolve(ModelRef.parse("ppocr-cls"));
        // Damage the classifier: swap its two output scores, so that nearly every answer flips.
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(parent.readModel());
        OnnxMl.GraphProto graph = model.getGraph();
        String output = graph.getOutput(0).getName();
        OnnxMl.GraphProto.Builder damaged = graph.toBuilder().clearNode();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            damaged.addNode(node.getOutputList().contains(output) ? node.toBuilder().setOutput(0, output + "_raw").build() : node);
        }
        damaged.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Neg").addInput(output + "_raw").addOutput(output));
        byte[] candidate = model.toBuilder().setGraph(damaged).build().toByteArray();

        Manifest manifest = parent.manifest();
        try (InferenceEngine original = new OnnxRuntimeEngineProvider().open(parent, new Configuration(), -1);
                InferenceEngine bad = OnnxRuntimeEngine.fromBytes("damaged", candidate, manifest.inputs(), manifest.outputs(),
                        new Configuration())) {
            ValidationGate.Report report = ValidationGate.compare(original, bad,
                    SampleImages.renderedTextLines(64, 5, manifest).batches(manifest), AgreementMeasure.TOP1, 0.97, done -> { });
            assertThat(report.passed()).isFalse();
            assertThat(report.agreement()).isLessThan(0.5);
            assertThat(report.verdict()).startsWith("refused").contains("required 97.00%").contains("missed by");
        }
    }

    @Test
    void inspectDescribesAModelAndNamesWhatItCannotHandle() throws Exception {
        assertThat(run("setup", "inspect", "ppocr-cls", "--store", root.toString())).isZero();
        assertThat(cli.out()).contains("opset:       9").contains("parameters:  133,665").contains("Conv").contains("supported:   yes");

        // A model taking int64 ids, with no preprocessing to produce them.
        OnnxMl.ModelProto ids = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(23))
                .setGraph(OnnxMl.GraphProto.newBuilder().setName("ids")
                        .addInput(valueInfo("ids", OnnxMl.TensorProto.DataType.INT64))
                        .addOutput(valueInfo("out", OnnxMl.TensorProto.DataType.INT64))
                        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("ids").addOutput("out")))
                .build();
        Path file = root.resolve("ids.onnx");
        Files.write(file, ids.toByteArray());

        assertThat(run("setup", "inspect", file.toString(), "--store", root.toString())).isEqualTo(1);
        assertThat(cli.out())
                .contains("NOT SUPPORTED: opset 23 is outside 7..21")
                .contains("NOT SUPPORTED: input 'ids' is int64 and no preprocessing spec");

        // Weights in an external data file that did not come along.
        OnnxMl.ModelProto external = ids.toBuilder().setGraph(ids.getGraph().toBuilder()
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("w").addDims(4)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))))
                .build();
        Path externalFile = root.resolve("external.onnx");
        Files.write(externalFile, external.toByteArray());
        assertThat(run("setup", "inspect", externalFile.toString(), "--store", root.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("external data file 'weights.bin', which is missing");
    }

    @Test
    void aModelOfYourOwnNeedsSampleImagesOfItsOwn() throws Exception {
        Path onnx = root.resolve("own.onnx");
        Files.write(onnx, store.resolve(ModelRef.parse("ppocr-cls")).readModel());
        Path spec = root.resolve("preprocess.json");
        Files.writeString(spec, "{\"height\":48,\"width\":192,\"layout\":\"NCHW\",\"channelOrder\":\"BGR\","
                + "\"scale\":0.00392156862745098,\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5],\"resizeMode\":\"fit-height-pad\"}");
        assertThat(run("setup", "import", onnx.toString(), "--name", "own", "--preprocess-spec", spec.toString(),
                "--store", root.toString())).as(cli.out()).isZero();
        assertThat(store.resolve(ModelRef.parse("own")).manifest().preprocessing().resizeMode().id()).isEqualTo("fit-height-pad");

        assertThat(run("setup", "fp16", "own", "--store", root.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("pass --samples DIR");

        Path images = Files.createDirectory(root.resolve("images"));
        for (int i = 0; i < 20; i++) {
            Files.write(images.resolve("line-" + i + ".png"), new io.flinkinference.samples.TextLineImages(i).sample(i % 2 == 0).png());
        }
        assertThat(run("setup", "fp16", "own", "--samples", images.toString(), "--no-speed", "--store", root.toString()))
                .as(cli.out()).isZero();
        assertThat(cli.out()).contains("on 20 samples").contains("Published own-fp16:1").doesNotContain("Measuring speed");
        // Without the speed measurement, the column says so and the lineage holds no figures.
        SummaryTable table = SummaryTable.last(cli.out());
        assertThat(table.parentImagesPerSecond()).isEqualTo("-");
        assertThat(table.variantSpeedup()).isEqualTo("-");
        assertThat(table.footnote()).isEqualTo("IMG/S: not measured (--no-speed)");
        assertThat(store.resolve(ModelRef.parse("own-fp16")).manifest().lineage().attributes()).doesNotContainKey("speed.recordsPerSecond");
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber())
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")))))
                .build();
    }

}
