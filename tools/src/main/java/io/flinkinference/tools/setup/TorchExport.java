package io.flinkinference.tools.setup;

import com.fasterxml.jackson.databind.JsonNode;
import io.flinkinference.operators.engine.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java half of export.py: hands it the source, the export settings and the fidelity inputs,
 * and reads back the ONNX file and PyTorch's outputs on those inputs.
 */
final class TorchExport {
    private final PythonStep python;

    TorchExport(PythonStep python) {
        this.python = python;
    }

    record Result(byte[] onnx, Path onnxFile, String torchVersion, List<String> outputNames, List<FidelityCheck.Batch> batches) {}

    Result export(TorchSource source, ExportSpec spec, FidelityInputs inputs, PrintWriter out) throws IOException {
        Path work = python.workFolder();
        Path onnx = work.resolve("model.onnx");
        List<Map<String, Object>> inputFiles = new ArrayList<>();
        for (int i = 0; i < inputs.inputs().size(); i++) {
            Tensor tensor = inputs.inputs().get(i).tensor();
            Path file = work.resolve("input-" + i + ".bin");
            TensorFiles.write(tensor, file);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", file.toString());
            entry.put("shape", tensor.shape());
            inputFiles.add(entry);
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("source", source.json());
        arguments.put("export", spec.json());
        arguments.put("onnx", onnx.toString());
        arguments.put("inputs", inputFiles);
        JsonNode result = python.run("export.py", arguments, "exporting " + source.file(), out);

        List<FidelityCheck.Batch> batches = new ArrayList<>();
        JsonNode references = result.get("references");
        for (int i = 0; i < inputs.inputs().size(); i++) {
            List<Tensor> outputs = new ArrayList<>();
            for (JsonNode output : references.get(i)) {
                List<Long> shape = new ArrayList<>();
                output.get("shape").forEach(d -> shape.add(d.asLong()));
                outputs.add(TensorFiles.read(Path.of(output.get("file").asText()), shape));
            }
            batches.add(new FidelityCheck.Batch(inputs.inputs().get(i).kind(), inputs.inputs().get(i).tensor(), outputs));
        }
        List<String> names = new ArrayList<>();
        result.get("outputNames").forEach(n -> names.add(n.asText()));
        return new Result(Files.readAllBytes(onnx), onnx, result.get("torchVersion").asText(), names, batches);
    }
}
