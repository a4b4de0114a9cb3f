"""What a user would run instead of TensorRT: torchvision's ResNet-50 in PyTorch eager mode, FP16
(and FP32), channels-last, cuDNN autotuning on, on inputs already on the GPU (no copies, no
decoding: the most favourable case for eager), timed with CUDA events after warm-up.

Usage: python3 eager_resnet50.py [SECONDS]
"""
import sys
import time

import torch
import torchvision

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
torch.backends.cudnn.benchmark = True
torch.manual_seed(50)
print(f"| precision | batch | images/s (PyTorch {torch.__version__} eager, {torch.cuda.get_device_name(0)}) |")
print("| --- | ---: | ---: |")
for dtype, name in ((torch.float16, "fp16"), (torch.float32, "fp32")):
    model = torchvision.models.resnet50(weights=None).eval().cuda().to(dtype).to(memory_format=torch.channels_last)
    for batch in (1, 32, 64, 128, 256):
        x = torch.randn(batch, 3, 224, 224, device="cuda", dtype=dtype).to(memory_format=torch.channels_last)
        with torch.inference_mode():
            for _ in range(10):
                model(x)
            torch.cuda.synchronize()
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            runs = 0
            begin = time.time()
            start.record()
            while time.time() - begin < seconds:
                model(x)
                runs += 1
            end.record()
            torch.cuda.synchronize()
        print(f"| {name} | {batch} | {runs * batch / (start.elapsed_time(end) / 1000):.0f} |", flush=True)
