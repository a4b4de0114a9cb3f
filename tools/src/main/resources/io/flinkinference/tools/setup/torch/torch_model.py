"""What export.py and finetune.py share: loading the user's model, reading and writing the raw
float32 tensors the Java side exchanges with them, and the ONNX export itself.

Both scripts take one argument, a JSON file written by the Java command, and print progress lines
that the command shows as they come. A failure the user can act on is reported as one line starting
with "error:" and exit status 2; anything else keeps its traceback."""

import importlib.util
import json
import os
import sys

import torch


class UserError(Exception):
    """A problem with what the user gave (a file, a class name), said in words they can act on."""


def say(message):
    print(message, flush=True)


def read_args():
    with open(sys.argv[1], encoding="utf-8") as f:
        return json.load(f)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f)


def run(main):
    try:
        main(read_args())
    except UserError as e:
        print("error: " + str(e), flush=True)
        sys.exit(2)


def load_model(source):
    """The model in evaluation mode: a TorchScript archive, or a class (or factory function) from a Python file
    with an optional state dict."""
    path = source["file"]
    if source["kind"] == "torchscript":
        try:
            model = torch.jit.load(path, map_location="cpu")
        except Exception as e:  # torch raises RuntimeError or ValueError depending on what is wrong with the file
            raise UserError("%s is not a TorchScript archive torch.jit.load can read (%s). Save the model with "
                            "torch.jit.save(torch.jit.script(model), path), or give the Python file that defines it with "
                            "--class and --state-dict." % (path, first_line(e)))
        return model.eval()
    module = import_file(path)
    name = source["class"]
    factory = getattr(module, name, None)
    if factory is None or not callable(factory):
        found = sorted(n for n, v in vars(module).items()
                       if isinstance(v, type) and issubclass(v, torch.nn.Module) and v.__module__ == module.__name__)
        raise UserError("%s defines no class or function '%s'; the nn.Module classes it defines: %s"
                        % (path, name, ", ".join(found) or "none"))
    # A module's initial weights are random: seed them, so that a model without a state dict exports the same
    # weights every time.
    torch.manual_seed(0)
    model = factory()
    if not isinstance(model, torch.nn.Module):
        raise UserError("%s.%s() returned %s, not a torch.nn.Module" % (path, name, type(model).__name__))
    if source.get("stateDict"):
        state_path = source["stateDict"]
        try:
            state = torch.load(state_path, map_location="cpu")
        except Exception as e:
            raise UserError("cannot read the state dict %s (%s)" % (state_path, first_line(e)))
        if isinstance(state, torch.nn.Module):
            state = state.state_dict()
        try:
            model.load_state_dict(state)
        except Exception as e:
            raise UserError("the state dict %s does not fit %s.%s: %s" % (state_path, path, name, first_line(e)))
    return model.eval()


def import_file(path):
    if not os.path.isfile(path):
        raise UserError("no such Python file: " + path)
    directory = os.path.dirname(os.path.abspath(path))
    # Let the user's file import its neighbours, as it would when run from its own folder.
    sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        line = ""
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == path:
                line = " at line %d" % tb.tb_lineno
            tb = tb.tb_next
        if isinstance(e, SyntaxError) and e.lineno:
            line = " at line %d" % e.lineno
        raise UserError("cannot load %s%s: %s: %s" % (path, line, type(e).__name__, first_line(e)))
    return module


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def read_tensor(path, shape):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape)


def write_tensor(tensor, path):
    with open(path, "wb") as f:
        f.write(tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes())


def as_outputs(result):
    """A model's outputs as a list of tensors, whether it returns one tensor or a tuple of them."""
    if isinstance(result, torch.Tensor):
        return [result]
    if isinstance(result, (tuple, list)) and all(isinstance(t, torch.Tensor) for t in result):
        return list(result)
    raise UserError("the model returns %s; export needs a tensor or a tuple of tensors" % type(result).__name__)


def export(model, spec, path):
    """Exports with the input's dynamic axes; every output's first axis is dynamic with the batch."""
    example = torch.rand(spec["inputShape"], generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        outputs = as_outputs(model(example))
    names = spec.get("outputNames") or (["output"] if len(outputs) == 1 else ["output%d" % i for i in range(len(outputs))])
    if len(names) != len(outputs):
        raise UserError("%d output names given (%s), but the model has %d outputs" % (len(names), ", ".join(names), len(outputs)))
    dynamic = {spec["inputName"]: {int(axis): name for axis, name in spec["dynamicAxes"].items()}}
    batch = dynamic[spec["inputName"]].get(0)
    if batch is not None:
        for name in names:
            dynamic[name] = {0: batch}
    torch.onnx.export(model, example, path, opset_version=spec["opset"], input_names=[spec["inputName"]],
                      output_names=names, dynamic_axes=dynamic, do_constant_folding=True)
    return names
