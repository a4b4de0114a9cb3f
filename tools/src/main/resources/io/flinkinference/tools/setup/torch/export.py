"""setup export's Python half: the user's PyTorch model to ONNX, and the model's own outputs on the inputs the
Java side wrote, for the fidelity check ONNX Runtime then runs against them."""

import torch

from torch_model import export, load_model, read_tensor, run, say, write_json, write_tensor, as_outputs


def main(args):
    source = args["source"]
    say("loading %s%s with torch %s" % (source["file"], " (" + source["class"] + ")" if source.get("class") else "",
                                        torch.__version__))
    model = load_model(source)
    spec = args["export"]
    say("exporting to ONNX (opset %d, dynamic axes %s)" % (spec["opset"], spec["dynamicAxes"] or "none"))
    names = export(model, spec, args["onnx"])
    references = []
    with torch.no_grad():
        for i, batch in enumerate(args["inputs"]):
            outputs = as_outputs(model(read_tensor(batch["file"], batch["shape"])))
            files = []
            for j, output in enumerate(outputs):
                path = "%s.out%d" % (batch["file"], j)
                write_tensor(output, path)
                files.append({"file": path, "shape": list(output.shape)})
            references.append(files)
    say("reference outputs computed with torch on %d input batches" % len(references))
    write_json(args["result"], {"torchVersion": torch.__version__, "outputNames": names, "references": references})


if __name__ == "__main__":
    run(main)
