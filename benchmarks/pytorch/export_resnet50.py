"""Exports torchvision's ResNet-50 (random weights, seeded: the GPU machine has no network for
pretrained ones) to ONNX with a dynamic batch, for `flink-inference models import`.

Usage: python3 export_resnet50.py OUT.onnx
"""
import sys

import torch
import torchvision

torch.manual_seed(50)
model = torchvision.models.resnet50(weights=None).eval()
example = torch.randn(1, 3, 224, 224)
torch.onnx.export(model, example, sys.argv[1], input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)
print("exported", sys.argv[1], "torch", torch.__version__, "torchvision", torchvision.__version__)
