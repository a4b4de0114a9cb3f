"""setup prune --finetune's Python half: 2:4 pruning of the user's PyTorch model, then distillation from the dense
model on the sample images the Java side preprocessed, with the masks applied again after every step so the
sparsity survives, then the ONNX export of the result."""

import torch
import torch.nn.functional as F

from torch_model import UserError, as_outputs, export, load_model, read_tensor, run, say, write_json

PRUNABLE = {"Conv1d", "Conv2d", "Conv3d", "Linear"}


def layer_type(module):
    # A TorchScript module's Python type is RecursiveScriptModule; original_name keeps the class it was scripted from.
    return getattr(module, "original_name", type(module).__name__)


def masks_2_of_4(model):
    """For every prunable weight, the mask keeping the two largest magnitudes in each group of four consecutive
    input channels (axis 1, the axis TensorRT's sparse kernels and Sparse24Pruner read); and a report line for
    every layer, dense ones included."""
    masks, layers = [], []
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if layer_type(module) not in PRUNABLE or not isinstance(weight, torch.Tensor) or weight.dim() < 2:
            continue
        shape = list(weight.shape)
        if shape[1] % 4 != 0:
            layers.append({"name": name, "shape": shape, "pruned": False,
                           "note": "input channels %d not a multiple of 4" % shape[1]})
            continue
        channels_last = weight.detach().abs().movedim(1, -1)
        groups = channels_last.reshape(-1, 4)
        keep = torch.zeros_like(groups)
        keep.scatter_(1, groups.topk(2, dim=1).indices, 1.0)
        mask = keep.reshape(channels_last.shape).movedim(-1, 1).contiguous()
        masks.append((weight, mask))
        layers.append({"name": name, "shape": shape, "pruned": True, "note": "2 of every 4 weights zero"})
    if not masks:
        raise UserError("the model has no Conv or Linear weight with a multiple of 4 input channels to prune")
    return masks, layers


def apply(masks):
    with torch.no_grad():
        for weight, mask in masks:
            weight.mul_(mask)


def log_distribution(output):
    """Log-probabilities over the last axis: the output itself when it already is a softmax, else its log-softmax."""
    return output.clamp_min(1e-12).log() if is_distribution(output) else F.log_softmax(output, dim=-1)


def is_distribution(output):
    return bool(output.min() >= 0) and bool(torch.allclose(output.sum(-1), torch.ones(()), atol=1e-3))


def agreement(model, images, teacher_answers, batch=64):
    """The share of images on which the model's best class (at every position, for a sequence) is the dense model's."""
    same = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            answers = as_outputs(model(images[start:start + batch]))[0].argmax(-1)
            equal = answers == teacher_answers[start:start + batch]
            same.append(equal.reshape(len(equal), -1).all(dim=1))
    return float(torch.cat(same).float().mean())


def main(args):
    torch.manual_seed(args["seed"])
    source = args["source"]
    say("loading %s%s with torch %s" % (source["file"], " (" + source["class"] + ")" if source.get("class") else "",
                                        torch.__version__))
    model = load_model(source)
    samples = args["samples"]
    images = read_tensor(samples["file"], samples["shape"])
    with torch.no_grad():
        teacher = torch.cat([as_outputs(model(images[s:s + 64]))[0] for s in range(0, len(images), 64)])
    teacher_answers = teacher.argmax(-1)
    targets = teacher if is_distribution(teacher) else F.softmax(teacher, dim=-1)

    masks, layers = masks_2_of_4(model)
    apply(masks)
    before = agreement(model, images, teacher_answers)
    say("pruned %d of %d layers to 2:4; agreement with the dense model on the %d fine-tuning samples: %.2f%%"
        % (len(masks), len(layers), len(images), 100 * before))

    # Batch statistics and dropout stay as trained (evaluation mode); only the weights that survived pruning learn.
    model.eval()
    optimizer = torch.optim.Adam(model.parameters(), lr=args["learningRate"])
    steps, batch = args["steps"], min(args["batchSize"], len(images))
    generator = torch.Generator().manual_seed(args["seed"])
    report_every = max(1, steps // 10)
    loss_value = float("nan")
    for step in range(1, steps + 1):
        chosen = torch.randint(len(images), (batch,), generator=generator)
        student = as_outputs(model(images[chosen]))[0]
        loss = F.kl_div(log_distribution(student), targets[chosen], reduction="batchmean")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        apply(masks)
        loss_value = float(loss)
        if step % report_every == 0 or step == steps:
            say("step %d/%d: distillation loss %.5f" % (step, steps, loss_value))
    after = agreement(model, images, teacher_answers)
    say("after %d steps: agreement with the dense model on the fine-tuning samples %.2f%%" % (steps, 100 * after))

    export(model, args["export"], args["onnx"])
    say("exported the fine-tuned 2:4 model to ONNX (opset %d)" % args["export"]["opset"])
    write_json(args["result"], {"torchVersion": torch.__version__, "layers": layers, "agreementBefore": before,
                                "agreementAfter": after, "finalLoss": loss_value})


if __name__ == "__main__":
    run(main)
