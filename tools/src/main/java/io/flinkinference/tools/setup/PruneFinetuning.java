package io.flinkinference.tools.setup;

import com.fasterxml.jackson.databind.JsonNode;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.engine.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 2:4 variant of a model that came from PyTorch, fine-tuned: finetune.py prunes the PyTorch
 * source the parent's lineage names, distils the parent's answers on the fine-tuning images into
 * it (the masks applied again after every step) and exports it as the parent was exported. The
 * result is an ONNX candidate for the same gate as plain pruning.
 */
final class PruneFinetuning {
    static final String TRANSFORM = "prune-2:4-finetuned";

    private PruneFinetuning() {}

    /** The fine-tuned ONNX model and the facts its lineage gets. */
    record Result(byte[] onnx, Map<String, String> facts) {}

    static Result run(ModelVersion parent, FinetuneOptions options, PrintWriter out) throws IOException {
        Map<String, String> lineage = parent.manifest().lineage().attributes();
        String model = parent.ref().toString();
        TorchSource source = TorchSource.fromLineage(model, lineage);
        ExportSpec spec = ExportSpec.fromLineage(model, lineage);
        SampleImages images = SampleImages.fromFolder(options.samples);
        TorchPython torch = TorchPython.locate(options.python, System.getenv());
        out.printf("Fine-tuning %s's PyTorch source %s on %d images, %d steps of %d, with Python %s (torch %s)%n", model,
                source.file(), images.size(), options.steps, options.batchSize, torch.executable(), torch.torchVersion());

        Path work = WorkFolders.create("finetune");
        try {
            Path samples = work.resolve("finetune-samples.bin");
            List<Long> shape = writeAll(images.batches(parent.manifest()), spec.inputName(), samples);
            Path onnx = work.resolve("finetuned.onnx");
            Map<String, Object> arguments = new LinkedHashMap<>();
            arguments.put("source", source.json());
            arguments.put("export", spec.json());
            arguments.put("onnx", onnx.toString());
            arguments.put("samples", Map.of("file", samples.toString(), "shape", shape));
            arguments.put("steps", options.steps);
            arguments.put("batchSize", options.batchSize);
            arguments.put("learningRate", options.learningRate);
            arguments.put("seed", 0);
            JsonNode result = new PythonStep(torch, work).run("finetune.py", arguments, "fine-tuning " + source.file(), out);

            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("finetune.method", "distillation from the parent (KL divergence of the first output's softmax)");
            facts.put("finetune.steps", Integer.toString(options.steps));
            facts.put("finetune.batchSize", Integer.toString(options.batchSize));
            facts.put("finetune.learningRate", Double.toString(options.learningRate));
            facts.put("finetune.samples", Integer.toString(images.size()));
            facts.put("finetune.setSha256", images.hash());
            facts.put("finetune.agreementBeforeTuning", String.format("%.4f", result.get("agreementBefore").asDouble()));
            facts.put("finetune.agreementAfterTuning", String.format("%.4f", result.get("agreementAfter").asDouble()));
            facts.put("finetune.finalLoss", String.format("%.6g", result.get("finalLoss").asDouble()));
            facts.put("torch.version", result.get("torchVersion").asText());
            return new Result(Files.readAllBytes(onnx), facts);
        } finally {
            WorkFolders.delete(work);
        }
    }

    /** Writes every batch's input into one file, one tensor of all images; returns its shape. */
    private static List<Long> writeAll(List<Map<String, Tensor>> batches, String input, Path file) throws IOException {
        long count = 0;
        long[] imageShape = null;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (Map<String, Tensor> batch : batches) {
                Tensor tensor = batch.get(input);
                imageShape = tensor.shape();
                count += tensor.dim(0);
                ByteBuffer bytes = ByteBuffer.allocate((int) tensor.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(tensor.floats());
                out.write(bytes.array());
            }
        }
        List<Long> shape = new ArrayList<>();
        shape.add(count);
        for (int i = 1; i < imageShape.length; i++) {
            shape.add(imageShape[i]);
        }
        return shape;
    }
}
